"""The territory rules that follow a load: what a file changes that they look at, applied or previewed after it.

After a file of `organisations`, `territories` or `org_territories`, the territory rules are applied to
what it wrote (:func:`graph.territories.apply`), or in a dry run previewed for what it would write
(:func:`graph.territories.preview`), and the plan goes into the file's report. The loader takes the
follow-up of a file from :func:`after` and tells it which rows it accepted and wrote; which kinds have
one, and what each remembers, is decided here.
"""

from collections.abc import Container, Sequence
from typing import Any

from graph import territories
from graph.loading.batches import Row
from graph.loading.kinds import Kind
from graph.loading.report import FileReport
from graph.store import Store


class Assignments:
    """What the territory rules look at after one file: the loader tells it the rows, then runs it."""

    def __init__(self, *, apply: bool):
        self.apply = apply  # apply the rules after a load; preview them after a check
        self.keys: set[str] = set()  # organisations whose rule assignments may change

    def accepted(self, rows: Sequence[Row], changed: Container[int]) -> None:
        """Note a batch's accepted rows; `changed` holds the lines a check found it would create or update."""

    def written(self, rows: Sequence[Row]) -> None:
        """Note rows a load sends to the store."""

    async def finish(self, store: Store, report: FileReport) -> None:
        """Apply (or preview) the rules to the organisations noted; put the plan into `report`."""
        if not self.keys:
            return
        keys = sorted(self.keys)
        if self.apply:
            report.assignments = await territories.apply(store, organisation_keys=keys)
        else:
            report.assignments = await territories.preview(store, organisation_keys=keys)


class _Organisations(Assignments):
    """After `organisations`: the organisations written, or in a check those it would create or update.

    A preview reads organisations from the store, so it cannot place organisations a dry run would
    create, and sees updated ones as stored.
    """

    def accepted(self, rows: Sequence[Row], changed: Container[int]) -> None:
        if not self.apply:
            self.keys.update(row.values["key"] for row in rows if row.line in changed)

    def written(self, rows: Sequence[Row]) -> None:
        if self.apply:
            self.keys.update(row.values["key"] for row in rows)


class _ManualAssignments(Assignments):
    """After `org_territories`: the organisations of every accepted row."""

    def accepted(self, rows: Sequence[Row], changed: Container[int]) -> None:
        self.keys.update(row.values["organisation_key"] for row in rows)


class _Territories(Assignments):
    """After `territories`, when any was created or updated: every organisation.

    A preview lays the rules of the file's accepted rows over the stored ones.
    """

    def __init__(self, *, apply: bool):
        super().__init__(apply=apply)
        self.proposed: list[dict[str, Any]] = []  # a previewed file's rules

    def accepted(self, rows: Sequence[Row], changed: Container[int]) -> None:
        if self.apply:
            return
        for row in rows:
            given = row.given
            criteria = {name: row.values[name] for name in territories.CRITERIA if name in given}
            self.proposed.append({"key": row.values["key"], **criteria})

    async def finish(self, store: Store, report: FileReport) -> None:
        if not report.created + report.updated:
            return
        if self.apply:
            report.assignments = await territories.apply(store)
        else:
            report.assignments = await territories.preview(store, territory_rules=self.proposed)


_AFTER: dict[str, type[Assignments]] = {
    "organisations": _Organisations,
    "territories": _Territories,
    "org_territories": _ManualAssignments,
}


def after(kind: Kind, *, apply: bool) -> Assignments | None:
    """Return what the territory rules look at after a file of `kind`, or None when they do not follow it.

    Args:
        kind: the file's kind.
        apply: apply the rules after a load; else preview them (a dry run).
    """
    follow_up = _AFTER.get(kind.name)
    return follow_up(apply=apply) if follow_up is not None else None
