"""Which referenced keys exist: asked in batches, remembered for the rest of a load.

A dry run writes nothing, yet a later file of it may refer to keys that an
earlier file would create, and a revenue row may be attributed through an
account link that the accounts file would create (an activity through an
employment the employments file would create). Such keys and links are
*assumed*: kept in layers on top of what is stored, one layer for the whole
dry run and one more while a `--strict` check of one file runs, which is
committed when the file passes and discarded when it is refused.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from neomodel import StructuredNode

from graph.queries import Query, declare
from graph.schema import Contact, DebtorAccount, HasAccount, Organisation, RelationshipType, Territory, User, fields_of
from graph.store import Store

FIND_KEYS: dict[type[StructuredNode], Query] = {
    Organisation: declare("loading/find_organisations"),
    Contact: declare("loading/find_contacts"),
    DebtorAccount: declare("loading/find_debtors"),
    Territory: declare("loading/find_territories"),
    User: declare("loading/find_users"),
    RelationshipType: declare("loading/find_relationship_types"),
}
FIND_ACCOUNT_HOLDERS = declare("loading/find_account_holders")
FIND_EMPLOYMENTS = declare("loading/find_employments", days=("since", "until"))
# Keys per query: bounded so that one read stays small on a very large load.
LOOKUP_CHUNK = 20_000
# Past this many remembered keys of one class the cache stops growing; lookups still work.
MAX_REMEMBERED = 2_000_000
SOLD_TO = "sold_to"
DEFAULT_ACCOUNT_ROLE = fields_of(HasAccount)["role"].default


def noun(cls: type[StructuredNode]) -> str:
    """Return how a reason names a node class: `organisation`, `debtor account`."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


@dataclass(frozen=True)
class Job:
    """One WORKS_AT link of a contact: where, from when to when (inclusive, None open), and as main contact or not."""

    organisation: str
    since: datetime.date | None
    until: datetime.date | None
    main: bool

    def covers(self, day: datetime.date) -> bool:
        """Return whether the contact worked there on `day`."""
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


@dataclass
class _Assumed:
    """Keys and account links a dry run (or a strict check) would write, on top of what is stored."""

    keys: dict[type[StructuredNode], set[str]] = field(default_factory=dict)
    # debtor number -> organisation key -> role the link would have; None: the stored role, or the default
    accounts: dict[str, dict[str, str | None]] = field(default_factory=dict)
    # contact key -> organisation key -> the job the link would be
    jobs: dict[str, dict[str, Job]] = field(default_factory=dict)

    def absorb(self, other: "_Assumed") -> None:
        for cls, keys in other.keys.items():
            self.keys.setdefault(cls, set()).update(keys)
        for number, holders in other.accounts.items():
            self.accounts.setdefault(number, {}).update(holders)
        for contact, jobs in other.jobs.items():
            self.jobs.setdefault(contact, {}).update(jobs)


class KnownKeys:
    """The keys of one load known to be stored, or assumed to be, per node class.

    Keys that a load wrote, or that a lookup found, are remembered, so a file
    that refers to keys of an earlier file of the same load costs no read.
    Only keys found are remembered: a key not found is asked again.
    """

    def __init__(self, store: Store):
        self._store = store
        self._known: dict[type[StructuredNode], set[str]] = {}
        self._layers: list[_Assumed] = [_Assumed()]

    def remember(self, cls: type[StructuredNode], keys: Iterable[str]) -> None:
        """Record that these keys of `cls` are stored."""
        known = self._known.setdefault(cls, set())
        if len(known) < MAX_REMEMBERED:
            known.update(keys)

    def assume(self, cls: type[StructuredNode], keys: Iterable[str]) -> None:
        """Record that these keys of `cls` would be stored by what is being checked (nothing is written)."""
        self._layers[-1].keys.setdefault(cls, set()).update(keys)

    def assume_accounts(self, links: Iterable[tuple[str, str, str | None]]) -> None:
        """Record account links (organisation key, debtor number, role or None to keep) that would be written."""
        accounts = self._layers[-1].accounts
        for organisation, number, role in links:
            accounts.setdefault(number, {})[organisation] = role

    def assume_jobs(self, jobs: Iterable[tuple[str, Job]]) -> None:
        """Record WORKS_AT links (contact key, job) that would be written."""
        assumed = self._layers[-1].jobs
        for contact, job in jobs:
            assumed.setdefault(contact, {})[job.organisation] = job

    def begin(self) -> None:
        """Start a layer of assumptions that the next :meth:`commit` keeps or :meth:`discard` drops."""
        self._layers.append(_Assumed())

    def commit(self) -> None:
        """Keep the assumptions of the layer begun last, as part of the one below."""
        top = self._layers.pop()
        self._layers[-1].absorb(top)

    def discard(self) -> None:
        """Drop the assumptions of the layer begun last."""
        self._layers.pop()

    def _assumed(self, cls: type[StructuredNode], keys: set[str]) -> set[str]:
        """Return those of `keys` that some layer assumes."""
        assumed: set[str] = set()
        for layer in self._layers:
            assumed |= keys & layer.keys.get(cls, set())
        return assumed

    async def existing(self, cls: type[StructuredNode], keys: Iterable[str], *, fresh: bool = False) -> set[str]:
        """Return those of `keys` that are stored (or assumed) as nodes of `cls`, asking the store about unknown ones.

        Args:
            cls: the node class.
            keys: the keys to look for.
            fresh: ask the store about every key, remembered or not (assumed keys still count).
        """
        wanted = set(keys)
        known = set() if fresh else wanted & self._known.get(cls, set())
        found = known | self._assumed(cls, wanted)
        unknown = list(wanted - found)
        for start in range(0, len(unknown), LOOKUP_CHUNK):
            rows = await self._store.read(FIND_KEYS[cls], {"keys": unknown[start : start + LOOKUP_CHUNK]})
            new = {row["key"] for row in rows}
            found |= new
            self.remember(cls, new)
        return found

    async def sold_to_holders(self, numbers: Iterable[str]) -> dict[str, list[str]]:
        """Return, per debtor number, the keys of the organisations holding the account as `sold_to`.

        Account links assumed by a dry run count as if they were stored.
        """
        wanted = sorted(set(numbers))
        roles: dict[str, dict[str, str]] = {number: {} for number in wanted}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            rows = await self._store.read(FIND_ACCOUNT_HOLDERS, {"numbers": wanted[start : start + LOOKUP_CHUNK]})
            for row in rows:
                roles[row["number"]] = dict(zip(row["holders"], row["roles"], strict=True))
        for layer in self._layers:
            for number in wanted:
                for organisation, role in layer.accounts.get(number, {}).items():
                    if role is not None:
                        roles[number][organisation] = role
                    else:
                        roles[number].setdefault(organisation, DEFAULT_ACCOUNT_ROLE)
        return {
            number: sorted(organisation for organisation, role in holders.items() if role == SOLD_TO)
            for number, holders in roles.items()
        }

    async def employments(self, contacts: Iterable[str]) -> dict[str, list[Job]]:
        """Return, per contact key, their jobs: the stored WORKS_AT links, or those a dry run assumes instead."""
        wanted = sorted(set(contacts))
        jobs: dict[str, dict[str, Job]] = {contact: {} for contact in wanted}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            for row in await self._store.read(FIND_EMPLOYMENTS, {"keys": wanted[start : start + LOOKUP_CHUNK]}):
                jobs[row["contact"]][row["organisation"]] = Job(
                    row["organisation"], row["since"], row["until"], bool(row["main"])
                )
        for layer in self._layers:
            for contact in wanted:
                jobs[contact].update(layer.jobs.get(contact, {}))
        return {contact: list(held.values()) for contact, held in jobs.items()}
