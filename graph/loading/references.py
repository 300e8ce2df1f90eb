"""Which referenced keys exist: asked in batches, remembered for the rest of a load."""

import re
from collections.abc import Iterable

from neomodel import StructuredNode

from graph.queries import Query, declare
from graph.schema import Contact, DebtorAccount, Organisation, RelationshipType, Territory, User
from graph.store import Store

FIND_KEYS: dict[type[StructuredNode], Query] = {
    Organisation: declare("loading/find_organisations"),
    Contact: declare("loading/find_contacts"),
    DebtorAccount: declare("loading/find_debtors"),
    Territory: declare("loading/find_territories"),
    User: declare("loading/find_users"),
    RelationshipType: declare("loading/find_relationship_types"),
}
FIND_SOLD_TO_HOLDERS = declare("loading/find_sold_to_holders")
# Keys per query: bounded so that one read stays small on a very large load.
LOOKUP_CHUNK = 20_000
# Past this many remembered keys of one class the cache stops growing; lookups still work.
MAX_REMEMBERED = 2_000_000


def noun(cls: type[StructuredNode]) -> str:
    """Return how a reason names a node class: `organisation`, `debtor account`."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


class KnownKeys:
    """The keys of one load known to be stored, per node class.

    Keys that a load wrote, or that a lookup found, are remembered, so a file
    that refers to keys of an earlier file of the same load costs no read.
    Only keys found are remembered: a key not found is asked again.
    """

    def __init__(self, store: Store):
        self._store = store
        self._known: dict[type[StructuredNode], set[str]] = {}

    def remember(self, cls: type[StructuredNode], keys: Iterable[str]) -> None:
        """Record that these keys of `cls` are stored."""
        known = self._known.setdefault(cls, set())
        if len(known) < MAX_REMEMBERED:
            known.update(keys)

    async def existing(self, cls: type[StructuredNode], keys: Iterable[str]) -> set[str]:
        """Return those of `keys` that are stored as nodes of `cls`, asking the store about unknown ones."""
        wanted = set(keys)
        known = self._known.setdefault(cls, set())
        unknown = list(wanted - known)
        found = wanted & known
        for start in range(0, len(unknown), LOOKUP_CHUNK):
            rows = await self._store.read(FIND_KEYS[cls], {"keys": unknown[start : start + LOOKUP_CHUNK]})
            new = {row["key"] for row in rows}
            found |= new
            self.remember(cls, new)
        return found

    async def sold_to_holders(self, numbers: Iterable[str]) -> dict[str, list[str]]:
        """Return, per debtor number, the keys of the organisations holding the account as `sold_to`."""
        wanted = sorted(set(numbers))
        holders: dict[str, list[str]] = {number: [] for number in wanted}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            rows = await self._store.read(FIND_SOLD_TO_HOLDERS, {"numbers": wanted[start : start + LOOKUP_CHUNK]})
            for row in rows:
                holders[row["number"]] = sorted(row["holders"])
        return holders
