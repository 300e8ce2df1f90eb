"""The checks a batch's rows pass between being read and being compared with the store.

Steps 2 to 4a of :mod:`graph.loading.loader`: every key a row refers to names one stored node
(:class:`References`); a `revenue` row without an organisation gets its account's one `sold_to`
holder, an `activities` row its contacts' employer on its day (:func:`attribute`); no two rows of a
file have one identity with different values (:class:`Identities`); a `parents` or `memberships`
row keeps the hierarchy rules of :mod:`graph.hierarchy` (:class:`HierarchyRules`). A row that
fails a check is rejected in the file's report with its field, reason and cause.
"""

import datetime
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from neomodel import StructuredNode

from graph.hierarchy import rules
from graph.loading.batches import Row
from graph.loading.kinds import Attribution, Column, Kind, ThroughAccount
from graph.loading.references import Job, KnownKeys, noun
from graph.loading.report import CONFLICT, INVALID, UNKNOWN, FileReport
from graph.loading.shape import Shape
from graph.store import Store

# Per reference column and node class, the keys that name a node of the class; under (column, None) every key.
Found = Mapping[tuple[str, type[StructuredNode] | None], set[str]]


class References:
    """The reference check of one file's rows (step 2): every key a row refers to names exactly one node."""

    def __init__(self, shape: Shape, keys: KnownKeys, report: FileReport):
        self.shape = shape
        self.keys = keys
        self.report = report
        self.own_keys: set[str] = set()  # keys of accepted rows, for a kind whose rows may refer to each other

    async def check(self, rows: list[Row]) -> list[Row]:
        """Return the rows whose every reference names a stored node (or one written earlier in this load)."""
        if not self.shape.references:
            return rows
        found = await self._find(rows, fresh=False)
        if not self.shape.refers_to_itself and self._all_resolved(found):
            return rows  # the common case, decided per key rather than per row
        valid = []
        for row in rows:
            errors = self._errors(row, found)
            if errors:
                self.report.reject(row.line, errors)
                continue
            valid.append(row)
            if self.shape.refers_to_itself:
                self.own_keys.add(row.values[self.shape.key_column])
        return valid

    async def reject_unwritten(self, rows: Sequence[Row]) -> None:
        """Reject the rows a write skipped because a node they refer to is gone (deleted while the load ran)."""
        found = await self._find(rows, fresh=True)
        for row in rows:
            if self._errors(row, found):
                self.report.reject(
                    row.line, [(None, "not written: a node it refers to was deleted during the load", UNKNOWN)]
                )

    async def _find(
        self, rows: Sequence[Row], *, fresh: bool
    ) -> dict[tuple[str, type[StructuredNode] | None], set[str]]:
        """Return, per reference column and node class, the keys of `rows` that name a node of the class.

        Under (column, None): every key of the column in `rows`.
        """
        found: dict[tuple[str, type[StructuredNode] | None], set[str]] = {}
        for column in self.shape.references:
            keys = {key for row in rows for key in _keys(row.values[column.name])}
            found[column.name, None] = keys
            for cls in column.refers_to:
                found[column.name, cls] = await self.keys.existing(cls, keys, fresh=fresh)
        return found

    def _all_resolved(self, found: Found) -> bool:
        """Return whether every key of every reference column names exactly one node."""
        for column in self.shape.references:
            keys = found[column.name, None]
            if len(column.refers_to) == 1:
                if len(keys) != len(found[column.name, column.refers_to[0]]):
                    return False
            elif any(self._error(column, key, found) for key in keys):
                return False
        return True

    def _errors(self, row: Row, found: Found) -> list[tuple[str, str, str]]:
        return [
            error
            for column in self.shape.references
            for key in _keys(row.values[column.name])
            if (error := self._error(column, key, found)) is not None
        ]

    def _error(self, column: Column, key: str | None, found: Found) -> tuple[str, str, str] | None:
        if key is None:
            return None
        holders = [cls for cls in column.refers_to if key in found[column.name, cls]]
        if len(holders) == 1 or (self.shape.refers_to_itself and key in self.own_keys):
            return None
        if not holders:
            what = " or ".join(noun(cls) for cls in column.refers_to)
            # An end of the link names nothing; a value that must name a node (a registered type) is not one.
            cause = UNKNOWN if column.fills is None else INVALID
            return column.name, f"unknown {what} {key!r}: neither in this load nor stored", cause
        return column.name, f"{key!r} is the key of both " + " and ".join(map(_with_article, holders)), CONFLICT


async def attribute(rows: list[Row], *, keys: KnownKeys, report: FileReport, attribution: Attribution) -> list[Row]:
    """Return the rows with an organisation each, attributed as the kind says; reject in `report` those that get none.

    Through an account: a row without an organisation gets its account's one `sold_to` holder. Through the
    employer: an activity without one gets the organisation its contacts worked at on its day (:func:`employer_on`).
    """
    organisation = attribution.organisation
    unattributed = [row for row in rows if row.values[organisation] is None]
    if not unattributed:
        return rows
    if isinstance(attribution, ThroughAccount):
        holders = await keys.sold_to_holders({row.values[attribution.account] for row in unattributed})
        found = {id(row): _sold_to_holder(row.values[attribution.account], holders) for row in unattributed}
    else:
        jobs = await keys.employments({key for row in unattributed for key in row.values[attribution.contacts]})
        found = {
            id(row): employer_on(row.values[attribution.day], row.values[attribution.contacts], jobs)
            for row in unattributed
        }
    attributed = []
    for row in rows:
        if row.values[organisation] is None:
            holder, problem = found[id(row)]
            if holder is None:
                report.reject(row.line, [(organisation, problem)])
                continue
            row.values[organisation] = holder
        attributed.append(row)
    return attributed


def _sold_to_holder(number: str, holders: Mapping[str, list[str]]) -> tuple[str | None, str]:
    candidates = holders.get(number, [])
    if len(candidates) == 1:
        return candidates[0], ""
    if not candidates:
        return None, f"no organisation holds debtor account {number!r} as sold_to: name the organisation_key"
    return None, (
        f"{len(candidates)} organisations hold debtor account {number!r} as sold_to "
        f"({', '.join(candidates)}): name the organisation_key"
    )


def employer_on(
    day: datetime.date, contacts: Sequence[str], jobs: Mapping[str, Sequence[Job]]
) -> tuple[str | None, str]:
    """Return the organisation the contacts worked at on `day`, or None and why there is not one.

    A contact with several jobs that day counts at the one where they are the main contact; with several of those,
    or none, the day is ambiguous. Every contact must have worked at the same organisation that day.
    """
    employers: dict[str, str] = {}
    for contact in contacts:
        current = sorted({job.organisation for job in jobs.get(contact, ()) if job.covers(day)})
        if len(current) > 1:
            main = sorted({job.organisation for job in jobs[contact] if job.covers(day) and job.main})
            if len(main) != 1:
                return None, (
                    f"contact {contact!r} worked at {len(current)} organisations on {day.isoformat()} "
                    f"({', '.join(current)}) and is the main contact of {'none' if not main else 'several'}: "
                    "name the organisation_key"
                )
            current = main
        if not current:
            return (
                None,
                f"contact {contact!r} worked at no organisation on {day.isoformat()}: name the organisation_key",
            )
        employers[contact] = current[0]
    if len(set(employers.values())) > 1:
        worked = ", ".join(f"{contact} at {organisation}" for contact, organisation in employers.items())
        return (
            None,
            f"the contacts worked at different organisations on {day.isoformat()} ({worked}): "
            "name the organisation_key",
        )
    return next(iter(employers.values())), ""


def _keys(value: Any) -> list[str]:
    """Return the keys a reference column's value holds: none, one, or a list of them."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Identities:
    """The identities the accepted rows of one file have had: the line of each, and a fingerprint of its values.

    Identities and values are kept as 64- and 32-bit hashes (about 130 bytes a
    row), so a file of millions of rows fits in memory.
    """

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self._seen: dict[int, int] = {}  # identity hash -> line << 32 | fingerprint

    def add(self, identity: int, fingerprint: int, line: int) -> tuple[int, bool] | None:
        """Record a row; return (earlier line, same values) when an earlier row had the identity, else None."""
        fingerprint &= 0xFFFFFFFF
        earlier = self._seen.get(identity)
        if earlier is None:
            self._seen[identity] = line << 32 | fingerprint
            return None
        return earlier >> 32, earlier & 0xFFFFFFFF == fingerprint

    def repeated(self, identity: tuple, line: int) -> tuple[str | None, str, str]:
        """Return (field, reason, cause) of a row whose identity the row on `line` had, with other values."""
        names = self.kind.identity
        if len(names) == 1:
            return names[0], f"{names[0]} {identity[0]!r} is already on line {line}, with different values", CONFLICT
        shown = ", ".join(f"{name} {_shown_value(value)}" for name, value in zip(names, identity, strict=True))
        return None, f"{shown}: already on line {line}, with different values", CONFLICT


class HierarchyRules:
    """The hierarchy rules of one `parents` or `memberships` file's rows (step 4a), checked a batch at a time."""

    def __init__(self, check: Callable[..., Awaitable[dict[int, str]]], link_of: Callable[[Row], Any]):
        self._check = check
        self._link_of = link_of
        # A check (dry run, strict's first pass) writes nothing, so its hierarchy checks take the links
        # its earlier batches would write as written (see assume); a load's stays empty.
        self.assumed = rules.Assumed()
        self.refused: dict[int, rules.Problem] = {}  # line -> problem, of rows the rules refused

    @classmethod
    def of(cls, kind: Kind) -> "HierarchyRules | None":
        """Return the rules of a file of `kind`, or None for a kind the hierarchy rules do not look at."""
        found = _HIERARCHY.get(kind.name)
        return cls(*found) if found is not None else None

    async def check(self, store: Store, rows: list[Row], report: FileReport) -> tuple[list[Row], dict[int, Any]]:
        """Return the rows the hierarchy rules accept, and the link of each by line; reject the others.

        One call of the rules per batch, with a link per row in file order; in a check
        (no writes) the links earlier batches would write are assumed written before them.
        """
        links = [self._link_of(row) for row in rows]
        problems = await self._check(store, links, assumed=self.assumed)
        accepted: list[Row] = []
        by_line: dict[int, Any] = {}
        for index, (row, link) in enumerate(zip(rows, links, strict=True)):
            problem = problems.get(index)
            if problem is None:
                accepted.append(row)
                by_line[row.line] = link
            else:
                self.refused[row.line] = problem
                report.reject(row.line, [hierarchy_error(problem)])
        return accepted, by_line


def parent_link(row: Row) -> rules.Link:
    """Return a `parents` row as the hierarchy rules take it: a column the record left out is KEEP."""
    values, given = row.values, row.given
    return rules.Link(
        values["parent_key"],
        values["child_key"],
        values["valid_from"],
        values["valid_to"] if "valid_to" in given else rules.KEEP,
        values["kind"] if "kind" in given else rules.KEEP,
        values["share"] if "share" in given else rules.KEEP,
    )


def membership(row: Row) -> rules.Membership:
    """Return a `memberships` row as the hierarchy rules take it: a column the record left out is KEEP."""
    values, given = row.values, row.given
    return rules.Membership(
        values["member_key"],
        values["association_key"],
        values["valid_from"] if "valid_from" in given else rules.KEEP,
        values["valid_to"] if "valid_to" in given else rules.KEEP,
    )


# Per kind with hierarchy rules: the check of one batch, and the link of one row.
_HIERARCHY: dict[str, tuple[Callable[..., Awaitable[dict[int, rules.Problem]]], Callable[[Row], Any]]] = {
    "parents": (rules.check_parent_links, parent_link),
    "memberships": (rules.check_memberships, membership),
}


def hierarchy_error(problem: rules.Problem) -> tuple[str | None, str, str]:
    """Return (field, reason, cause) of a problem the hierarchy rules found.

    A problem with a field is an invalid value of the row (the row rules let it through when the
    row left the kind or share to the stored link); one about the row as a whole (a second parent,
    a cycle) is a conflict with what is stored. A self-link never gets here: a row rule refuses it.
    """
    return problem.field, problem.reason, INVALID if problem.field is not None else CONFLICT


def _with_article(cls: type[StructuredNode]) -> str:
    name = noun(cls)
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _shown_value(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return repr(value)
