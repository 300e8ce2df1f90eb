"""Who may see what ("wem gehört der Kunde?"): the visibility of organisations, contacts and debtor accounts.

Use it as a module: `from graph import visibility`, then build a :class:`Viewer` for the user a request
answers for and ask `await visibility.visible_organisations(store, viewer=…, keys=…, as_of=…)` (one
query for any number of keys), or `await visibility.require_organisation(store, viewer=…, key=…, as_of=…)`
before answering about one organisation.

The rules (DOMAIN.md), on the day asked (`as_of`), dates inclusive and an empty one open:

- a user with role `analyst` or `admin` sees everything;
- anyone else sees an organisation when it, or with inheritance `down` (the default setting
  `CRMGRAPH_VISIBILITY_INHERIT`) one of its `PARENT_OF` ancestors that day, is `ASSIGNED_TO` a territory
  that the user is `ASSIGNED_TO` that day, directly or through the territory hierarchy (an assignment to a
  region holds its districts), or that a user the user `SUBSTITUTES` for that day is assigned to
  (covering is not followed further: covering for someone who covers for a third gives only the second's);
- a contact is visible when one of its current employers (`WORKS_AT` valid that day) is visible;
- an organisation the caller may not see is answered exactly like one that does not exist.

Every check runs in the engine: one query tells which of a list of organisations a user sees.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from graph import hierarchy
from graph.auth import ROLES_THAT_SEE_EVERYTHING
from graph.errors import NotFound
from graph.queries import declare
from graph.settings import Inheritance
from graph.store import Store

FIND_VISIBLE_ORGANISATIONS = declare("visibility/find_visible_organisations")
FIND_CURRENT_EMPLOYERS = declare("visibility/find_current_employers")
FIND_GRANTED_TERRITORIES = declare("visibility/find_granted_territories")
FIND_HELD_ORGANISATIONS = declare("visibility/find_held_organisations")

# Keys checked in one query.
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user whose view an answer takes, and how far a territory's organisations reach.

    Attributes:
        key: the user's key.
        role: the user's role; `analyst` and `admin` see everything.
        inherit: whether an organisation's descendants are seen with it.
    """

    key: str
    role: str
    inherit: Inheritance = Inheritance.DOWN

    @property
    def sees_everything(self) -> bool:
        """Return whether the role bypasses territory visibility."""
        return self.role in ROLES_THAT_SEE_EVERYTHING


def not_found(key: str) -> NotFound:
    """Return the error for an organisation that does not exist or may not be seen: the two read the same."""
    return NotFound(f"no organisation has the key {key!r}")


async def visible_organisations(
    store: Store, *, viewer: Viewer, keys: Collection[str], as_of: datetime.date
) -> set[str]:
    """Return which of the organisations in `keys` the viewer sees on a day.

    Args:
        store: the graph.
        viewer: whose view.
        keys: organisation keys; a key no organisation has is never visible.
        as_of: the day.

    Returns:
        The visible keys (all existing ones for a viewer who sees everything).

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    if viewer.sees_everything:
        return set(await hierarchy.names(store, keys=wanted))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        params = {
            "user": viewer.key,
            "keys": wanted[start : start + CHUNK],
            "as_of": as_of,
            "inherit": viewer.inherit is Inheritance.DOWN,
        }
        found.update(row["key"] for row in await store.read(FIND_VISIBLE_ORGANISATIONS, params))
    return found


async def can_see(store: Store, *, viewer: Viewer, key: str, as_of: datetime.date) -> bool:
    """Return whether the viewer sees the organisation on a day (one query)."""
    return key in await visible_organisations(store, viewer=viewer, keys=[key], as_of=as_of)


async def require_organisation(store: Store, *, viewer: Viewer, key: str, as_of: datetime.date) -> None:
    """Raise NotFound unless the organisation exists and the viewer sees it on a day.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    if not await can_see(store, viewer=viewer, key=key, as_of=as_of):
        raise not_found(key)


async def granted_territories(store: Store, *, user_key: str, as_of: datetime.date) -> list[str]:
    """Return the keys of the territories whose organisations a user sees on a day, ordered by key.

    Those the user, or a user they substitute for that day, is assigned to that day, and every territory
    below those. A user who sees everything by role still gets only their assignments here.

    Raises:
        QueryError: the engine failed a read.
    """
    rows = await store.read(FIND_GRANTED_TERRITORIES, {"user": user_key, "as_of": as_of})
    return sorted(rows[0]["keys"]) if rows else []


async def held_organisations(
    store: Store, *, territory_keys: Collection[str], as_of: datetime.date, inherit: Inheritance
) -> set[str]:
    """Return the keys of the organisations some territories hold on a day.

    Those assigned to one of the territories and, with inheritance `down`, every descendant of those
    that day. Pass :func:`granted_territories` for everything a user sees through territories (their
    portfolio), or one territory and those below it for a territory's organisations.

    Raises:
        QueryError: the engine failed a read.
    """
    if not territory_keys:
        return set()
    params = {"territories": sorted(territory_keys), "as_of": as_of, "inherit": inherit is Inheritance.DOWN}
    rows = await store.read(FIND_HELD_ORGANISATIONS, params)
    return set(rows[0]["keys"]) if rows else set()


async def visible_contacts(store: Store, *, viewer: Viewer, keys: Collection[str], as_of: datetime.date) -> set[str]:
    """Return which of the contacts in `keys` the viewer sees on a day: those with a visible current employer.

    A viewer who sees everything sees every contact, employed or not.

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    if viewer.sees_everything:
        return set(wanted)
    employers: dict[str, list[str]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = await store.read(FIND_CURRENT_EMPLOYERS, {"keys": wanted[start : start + CHUNK], "as_of": as_of})
        employers.update((row["key"], row["employers"]) for row in rows)
    seen = await visible_organisations(
        store, viewer=viewer, keys={key for found in employers.values() for key in found}, as_of=as_of
    )
    return {contact for contact, found in employers.items() if seen.intersection(found)}
