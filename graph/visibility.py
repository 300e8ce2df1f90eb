"""Who may see what ("wem gehört der Kunde?"): the visibility of organisations, contacts and debtor accounts.

Use it as a module: `from graph import visibility`, then build a :class:`Viewer` for the user a request
answers for and ask `await visibility.visible_organisations(store, viewer=…, keys=…)` (one query for any
number of keys), or `await visibility.require_organisation(store, viewer=…, key=…)` before answering about
one organisation. This is the one filter every read applies; the reports that explain it for a user and a day
(why a user sees an organisation, who sees it, a portfolio) are :mod:`graph.access`, which builds on it.

The rules (DOMAIN.md), on a day D, dates inclusive and an empty one open:

- a user with role `analyst` or `admin` sees everything;
- anyone else sees an organisation when it, or with inheritance `down` (the default setting
  `CRMGRAPH_VISIBILITY_INHERIT`) one of its `PARENT_OF` ancestors that day, is `ASSIGNED_TO` a territory
  that the user is `ASSIGNED_TO` that day, directly or through the territory hierarchy (an assignment to a
  region holds its districts), or that a user the user `SUBSTITUTES` for that day is assigned to
  (covering is not followed further: covering for someone who covers for a third gives only the second's);
- a contact is visible when one of its current employers (`WORKS_AT` valid that day) is visible;
- an organisation the caller may not see is answered exactly like one that does not exist.

Which day D: what a caller may see is decided by the rights in force on the day of the request, the
:attr:`Viewer.today` the API sets from its clock; `as_of` chooses only the structure and the data shown, so going
back to a day on which one had access gives no access. The functions that filter for a viewer
(:func:`visible_organisations`, :func:`visible_ids`, :func:`visible_contacts`) take no day for that reason.
Reports *about* a user (:mod:`graph.access`) describe `as_of`, while the viewer who asks is checked on their
`today`.

Every check runs in the engine: one query tells which of a list of organisations a user sees.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from graph import snapshot
from graph.auth import ROLES_THAT_SEE_EVERYTHING
from graph.errors import NotFound
from graph.hierarchy import chains
from graph.queries import declare
from graph.settings import Inheritance
from graph.store import Store

FIND_VISIBLE_ORGANISATIONS = declare("visibility/find_visible_organisations")
FIND_CURRENT_EMPLOYERS = declare("visibility/find_current_employers")
FIND_GRANTED_TERRITORIES = declare("visibility/find_granted_territories")

# Keys checked in one query.
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user whose view an answer takes, and how far a territory's organisations reach.

    Attributes:
        key: the user's key.
        role: the user's role; `analyst` and `admin` see everything.
        inherit: whether an organisation's descendants are seen with it.
        today: the day of the request, whose rights decide what the user sees, whatever day an answer shows
            (the API sets it from its clock; tests set it).
    """

    key: str
    role: str
    inherit: Inheritance = Inheritance.DOWN
    today: datetime.date = field(default_factory=datetime.date.today)

    @property
    def sees_everything(self) -> bool:
        """Return whether the role bypasses territory visibility."""
        return self.role in ROLES_THAT_SEE_EVERYTHING


def not_found(key: str) -> NotFound:
    """Return the error for an organisation that does not exist or may not be seen: the two read the same."""
    return chains.not_found(key)


async def visible_organisations(store: Store, *, viewer: Viewer, keys: Collection[str]) -> set[str]:
    """Return which of the organisations in `keys` the viewer sees on their `today`.

    Args:
        store: the graph.
        viewer: whose view, and the day whose rights, ancestors and territories decide it.
        keys: organisation keys; a key no organisation has is never visible.

    Returns:
        The visible keys (all existing ones for a viewer who sees everything).

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    if viewer.sees_everything:
        return set(await chains.names(store, keys=wanted))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        params = {
            "user": viewer.key,
            "keys": wanted[start : start + CHUNK],
            "as_of": viewer.today,
            "inherit": viewer.inherit is Inheritance.DOWN,
        }
        found.update(row["key"] for row in await store.read(FIND_VISIBLE_ORGANISATIONS, params))
    return found


async def can_see(store: Store, *, viewer: Viewer, key: str) -> bool:
    """Return whether the viewer sees the organisation on their `today` (one query)."""
    return key in await visible_organisations(store, viewer=viewer, keys=[key])


async def require_organisation(store: Store, *, viewer: Viewer, key: str) -> None:
    """Raise NotFound unless the organisation exists and the viewer sees it on their `today`.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    if not await can_see(store, viewer=viewer, key=key):
        raise not_found(key)


async def visible_keys(store: Store, *, viewer: Viewer | None, keys: Collection[str]) -> set[str]:
    """Return which of the stored organisations in `keys` the viewer sees on their `today`.

    The one filter the reads of the hierarchy, connections and contacts apply: without a viewer, or for
    one who sees everything, every key is kept and nothing is asked of the engine. It takes no day: rights are
    those of the day of the request, whatever day a read shows (docs/visibility.md).

    Raises:
        QueryError: the engine failed a read.
    """
    if not filters(viewer):
        return set(keys)
    return await visible_organisations(store, viewer=viewer, keys=keys)


async def require_visible(store: Store, *, viewer: Viewer | None, key: str) -> None:
    """Raise NotFound, exactly as for a key no organisation has, unless the viewer sees the organisation today.

    Without a viewer, or for one who sees everything, nothing is checked.

    Raises:
        NotFound: the viewer may not see the organisation, or it does not exist.
        QueryError: the engine failed a read.
    """
    if filters(viewer):
        await require_organisation(store, viewer=viewer, key=key)


def filters(viewer: Viewer | None) -> bool:
    """Return whether reads for `viewer` leave out what they may not see."""
    return viewer is not None and not viewer.sees_everything


async def granted_territories(store: Store, *, user_key: str, as_of: datetime.date) -> list[str]:
    """Return the keys of the territories whose organisations a user sees on a day, ordered by key.

    Those the user, or a user they substitute for that day, is assigned to that day, and every territory
    below those. A user who sees everything by role still gets only their assignments here.

    Raises:
        QueryError: the engine failed a read.
    """
    rows = await store.read(FIND_GRANTED_TERRITORIES, {"user": user_key, "as_of": as_of})
    return sorted(rows[0]["keys"]) if rows else []


async def held_ids(
    found: snapshot.Snapshot,
    *,
    territory_keys: Collection[str],
    as_of: datetime.date,
    inherit: Inheritance,
) -> np.ndarray:
    """Return the snapshot ids, sorted, of the organisations some territories hold on a day.

    Those assigned to one of the territories and, with inheritance `down`, every descendant of those
    that day. Pass :func:`granted_territories` for everything a user sees through territories (their
    portfolio), or one territory and those below it for a territory's organisations.

    Raises:
        QueryError: the engine failed a read.
    """
    holders = found.assignments.holders(territory_keys)
    if inherit is not Inheritance.DOWN or not len(holders):
        return holders
    return (await found.forest(as_of)).covered(holders)


async def visible_ids(store: Store, found: snapshot.Snapshot, *, viewer: Viewer | None) -> np.ndarray | None:
    """Return the snapshot ids, sorted, of the organisations the viewer sees on their `today`; None for all of them.

    The rule of :func:`visible_organisations` for whole scopes at once: what the viewer's
    :func:`granted_territories` hold (:func:`held_ids`, with the viewer's inheritance).

    Raises:
        QueryError: the engine failed a read.
    """
    if viewer is None or viewer.sees_everything:
        return None
    granted = await granted_territories(store, user_key=viewer.key, as_of=viewer.today)
    return await held_ids(found, territory_keys=granted, as_of=viewer.today, inherit=viewer.inherit)


async def shown_ids(
    store: Store, found: snapshot.Snapshot, *, viewer: Viewer | None, ids: np.ndarray, asked: int | None = None
) -> np.ndarray:
    """Return those of the snapshot ids `ids` that the viewer sees on their `today`, in their order.

    Args:
        store: the graph.
        found: the snapshot the ids are of.
        viewer: whose view; None for no filter.
        ids: the ids of a scope.
        asked: the id of the organisation the scope is of, which it holds: the viewer must see it.

    Raises:
        NotFound: the viewer may not see the organisation `asked`: the error of a key no organisation has.
        QueryError: the engine failed a read.
    """
    seen = await visible_ids(store, found, viewer=viewer)
    if seen is None:
        return ids
    if asked is not None and not np.isin(asked, seen):
        raise not_found(found.keys[asked])
    return ids[np.isin(ids, seen)]


async def visible_contacts(store: Store, *, viewer: Viewer, keys: Collection[str]) -> set[str]:
    """Return which of the contacts in `keys` the viewer sees on their `today`: those with a visible current employer.

    A viewer who sees everything sees every contact, employed or not.

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    if viewer.sees_everything:
        return set(wanted)
    employers: dict[str, list[str]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = await store.read(FIND_CURRENT_EMPLOYERS, {"keys": wanted[start : start + CHUNK], "as_of": viewer.today})
        employers.update((row["key"], row["employers"]) for row in rows)
    employing = {key for found in employers.values() for key in found}
    seen = await visible_organisations(store, viewer=viewer, keys=employing)
    return {contact for contact, found in employers.items() if seen.intersection(found)}
