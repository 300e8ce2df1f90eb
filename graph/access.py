"""Reports about who sees what: why a user sees an organisation, who sees it, a user's portfolio, one face.

Use it as a module: `from graph import access`. The rules, and the filter every read applies for the viewer who
asks, are :mod:`graph.visibility`; this module explains them for any user on any day (`as_of`), for auditors and
for the users themselves. It builds on that filter and is never imported by it. Each report checks the viewer who
asks on their `today` (:func:`require_auditor`, :func:`graph.visibility.require_organisation`) while describing
`as_of`, so going back to a day on which one had access gives no access.

Explain and viewers walk up from an organisation and the territory tree with a few small queries; the portfolio
and one face take whole scopes from the snapshot.
"""

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph import auth, paging, snapshots, visibility
from graph.auth import ROLES_THAT_SEE_EVERYTHING
from graph.errors import Forbidden, NotFound
from graph.hierarchy import chains
from graph.queries import declare
from graph.settings import Inheritance
from graph.store import Row, Store

FIND_ASSIGNMENTS = declare("access/find_assignments", days=("valid_from", "valid_to"))
FIND_COVERED_USERS = declare("access/find_covered_users", days=("valid_from", "valid_to"))
FIND_COVERING_USERS = declare("access/find_covering_users", days=("valid_from", "valid_to"))
FIND_TERRITORY_PARENTS = declare("access/find_territory_parents")
FIND_ORGANISATION_TERRITORIES = declare("access/find_organisation_territories")
FIND_TERRITORY_USERS = declare("access/find_territory_users", days=("valid_from", "valid_to"))
FIND_USERS_WITH_ROLES = declare("access/find_users_with_roles")
FIND_OWNED_ORGANISATIONS = declare("access/find_owned_organisations")
FIND_PARENT_LINKS = declare("access/find_parent_links", days=("valid_from", "valid_to"))

# The role that may audit the users assigned to the territories it holds.
MANAGER_ROLE = "manager"


@dataclass(frozen=True, slots=True)
class NodeStep:
    """A node on a path that grants access.

    Attributes:
        label: `User`, `Territory` or `Organisation`.
        key: its key.
        name: its name.
        note: why the node grants access on its own: set only for a user who sees everything by role.
    """

    label: str
    key: str
    name: str | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class LinkStep:
    """A relationship on a path that grants access, in its stored direction.

    Attributes:
        type: `SUBSTITUTES`, `ASSIGNED_TO` or `PARENT_OF`.
        start: the key of the node it leaves.
        end: the key of the node it points to.
        properties: what grants access through it on the day: the period of a substitution; the role and
            period of a user's assignment; the source of an organisation's assignment; the kind, period and
            share of a parent link between organisations (none for one between territories, which has no dates).
    """

    type: str
    start: str
    end: str
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Access:
    """Whether a user sees an organisation on a day, and the shortest chain that grants it.

    Attributes:
        visible: whether the user sees the organisation.
        path: nodes and relationships alternating, from the user to the organisation; only the user (with a
            note) for a role that sees everything; empty when not visible.
        rights_as_of: the day whose assignments, substitutions and structure the answer describes (`as_of`).
    """

    visible: bool
    path: list[NodeStep | LinkStep]
    rights_as_of: datetime.date


@dataclass(frozen=True, slots=True)
class Grant:
    """An assignment through which a user sees an organisation: their own, or one of a user they cover for.

    Attributes:
        territory_key: the territory assigned.
        territory_name: its name.
        role: the assignment's role, `owner` or `member`.
        substitutes_for: the key of the absent user whose assignment it is; None for the user's own.
        cover_from: the substitution's first day; None when open or not through a substitution.
        cover_to: the substitution's last day; None when open or not through a substitution.
    """

    territory_key: str
    territory_name: str | None
    role: str
    substitutes_for: str | None = None
    cover_from: datetime.date | None = None
    cover_to: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class Onlooker:
    """A user who sees an organisation on a day, and how.

    Attributes:
        key: the user's key.
        name: the user's name.
        role: the user's role.
        sees_everything: whether the role alone lets the user see it (`analyst`, `admin`).
        grants: the assignments that let the user see it, ordered by territory and absent user.
    """

    key: str
    name: str | None
    role: str
    sees_everything: bool
    grants: list[Grant]


@dataclass(frozen=True, slots=True)
class Holding:
    """An organisation in a user's portfolio and the territory that gives it.

    Attributes:
        key: the organisation's key.
        name: its name.
        territory_key: the territory it, or with inheritance its nearest ancestor so assigned, is assigned to
            among those the user holds (the smallest key when there are several).
        territory_name: that territory's name.
    """

    key: str
    name: str | None
    territory_key: str | None
    territory_name: str | None


@dataclass(frozen=True, slots=True)
class Portfolio:
    """One page of the organisations a user holds through territories.

    Attributes:
        items: the organisations, ordered by key.
        next_cursor: give it as `cursor` to get the next page; None when this page is the last.
        total: how many organisations the portfolio holds in all, of those shown.
        hidden_count: how many more it holds that the viewer may not see.
    """

    items: list[Holding]
    next_cursor: str | None
    total: int
    hidden_count: int = 0


@dataclass(frozen=True, slots=True)
class Owner:
    """A user who owns members of a group, and which.

    Attributes:
        key: the user's key.
        name: the user's name.
        members: the keys of the group's members they own, ordered.
    """

    key: str
    name: str | None
    members: list[str]


@dataclass(frozen=True, slots=True)
class SplitGroup:
    """A group (a root and everything under it on a day) whose members have more than one owner.

    Attributes:
        root_key: the root's key.
        name: the root's name.
        owners: the owners, ordered by key.
    """

    root_key: str
    name: str | None
    owners: list[Owner]


@dataclass(frozen=True, slots=True)
class SplitGroupPage:
    """One page of groups with more than one owner, ordered by root key.

    Attributes:
        items: the groups on this page.
        next_cursor: give it as `cursor` to get the next page; None when this page is the last.
    """

    items: list[SplitGroup]
    next_cursor: str | None


def no_user(key: str) -> NotFound:
    """Return the error for a user key that no user has."""
    return NotFound(f"no user has the key {key!r}")


async def explain(
    store: Store,
    *,
    user_key: str,
    key: str,
    as_of: datetime.date,
    inherit: Inheritance = Inheritance.DOWN,
    viewer: visibility.Viewer | None = None,
) -> Access:
    """Return whether a user sees an organisation on a day, and the chain that grants it.

    The chain is user [-SUBSTITUTES-> absent user] -ASSIGNED_TO-> territory [-PARENT_OF-> territory …]
    <-ASSIGNED_TO- organisation [-PARENT_OF-> … the organisation asked]. Of all chains the shortest is
    given; among equally short ones the one through the nearest organisation, then the fewest territory
    levels, then the user's own assignment before a substitution, then the smallest keys.

    Args:
        store: the graph.
        user_key: the user whose access is explained.
        key: the organisation's key.
        as_of: the day.
        inherit: whether an organisation is seen through an assigned ancestor.
        viewer: who asks: the user, their manager, an analyst or an admin (:func:`require_auditor`), who
            must see the organisation too, both on the viewer's `today` whatever `as_of`; None: anyone.

    Returns:
        The answer; for a role that sees everything the path is the user alone, with a note.

    Raises:
        NotFound: no user has `user_key`; no organisation has `key`, or the viewer may not see it (the same error).
        Forbidden: the viewer may not look into what the user sees.
        QueryError: the engine failed a read.
    """
    if viewer is not None:
        await require_auditor(store, viewer=viewer, user_key=user_key)
        await visibility.require_organisation(store, viewer=viewer, key=key)
    asked = await user(store, key=user_key)
    holders = await _holders(store, key=key, as_of=as_of, inherit=inherit)
    if asked["role"] in ROLES_THAT_SEE_EVERYTHING:
        note = f"the role {asked['role']} sees every organisation"
        return Access(True, [NodeStep("User", asked["key"], asked["name"], note)], as_of)
    covers = await covered_users(store, user_key=user_key, as_of=as_of)
    assignments = {
        (row["user_key"], row["territory_key"]): row
        for row in await store.read(FIND_ASSIGNMENTS, {"users": [user_key, *sorted(covers)], "as_of": as_of})
    }
    holdings = await _organisation_territories(store, [holder.key for holder in holders])
    territory_names, parents = await _territories_above(store, holdings)
    best: tuple | None = None
    for depth, holder in enumerate(holders):
        for held in holdings.get(holder.key, []):
            for hops, territory in enumerate(_upwards(held["territory_key"], parents)):
                for assignee in [user_key, *sorted(covers)]:
                    if (assignee, territory) not in assignments:
                        continue
                    through_cover = assignee != user_key
                    length = depth + hops + through_cover
                    candidate = (length, depth, hops, through_cover, assignee, territory, held["territory_key"])
                    if best is None or candidate < best:
                        best = candidate
    if best is None:
        return Access(False, [], as_of)
    _, depth, hops, through_cover, assignee, _, held_key = best
    path: list[NodeStep | LinkStep] = [NodeStep("User", asked["key"], asked["name"])]
    if through_cover:
        cover = covers[assignee]
        period = {"valid_from": cover["valid_from"], "valid_to": cover["valid_to"]}
        path += [LinkStep("SUBSTITUTES", user_key, assignee, period), NodeStep("User", assignee, cover["name"])]
    territories = _upwards(held_key, parents)[: hops + 1][::-1]
    assignment = assignments[(assignee, territories[0])]
    properties = {field: assignment[field] for field in ("role", "valid_from", "valid_to")}
    path += [LinkStep("ASSIGNED_TO", assignee, territories[0], properties)]
    path.append(NodeStep("Territory", territories[0], territory_names[territories[0]]))
    for upper, lower in zip(territories, territories[1:], strict=False):
        path += [LinkStep("PARENT_OF", upper, lower, {}), NodeStep("Territory", lower, territory_names[lower])]
    holder = holders[depth]
    source = next(row["source"] for row in holdings[holder.key] if row["territory_key"] == held_key)
    path += [LinkStep("ASSIGNED_TO", holder.key, held_key, {"source": source})]
    path.append(NodeStep("Organisation", holder.key, holder.name))
    downwards = holders[: depth + 1][::-1]
    pairs = [{"parent": upper.key, "child": lower.key} for upper, lower in zip(downwards, downwards[1:], strict=False)]
    links = {
        (row["parent"], row["child"]): row
        for row in (await store.read(FIND_PARENT_LINKS, {"links": pairs, "as_of": as_of}) if pairs else [])
    }
    for upper, lower in zip(downwards, downwards[1:], strict=False):
        link = links[(upper.key, lower.key)]
        properties = {field: link[field] for field in ("kind", "valid_from", "valid_to", "share")}
        path += [LinkStep("PARENT_OF", upper.key, lower.key, properties)]
        path.append(NodeStep("Organisation", lower.key, lower.name))
    return Access(True, path, as_of)


async def viewers(
    store: Store,
    *,
    key: str,
    as_of: datetime.date,
    inherit: Inheritance = Inheritance.DOWN,
    viewer: visibility.Viewer | None = None,
) -> list[Onlooker]:
    """Return every user who sees an organisation on a day, and through which assignments.

    Args:
        store: the graph.
        key: the organisation's key.
        as_of: the day.
        inherit: whether an organisation is seen through an assigned ancestor.
        viewer: who asks, who must see the organisation on their `today` whatever `as_of`; None: anyone.

    Returns:
        The users ordered by key: those who see it through territories, with every assignment that grants
        it (their own, or an absent user's they cover for that day), and those whose role sees everything
        (flagged, with any grants they also have).

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        QueryError: the engine failed a read.
    """
    if viewer is not None:
        await visibility.require_organisation(store, viewer=viewer, key=key)
    holders = await _holders(store, key=key, as_of=as_of, inherit=inherit)
    holdings = await _organisation_territories(store, [holder.key for holder in holders])
    _, parents = await _territories_above(store, holdings)
    granting = sorted(
        {up for rows in holdings.values() for row in rows for up in _upwards(row["territory_key"], parents)}
    )
    assigned = await store.read(FIND_TERRITORY_USERS, {"territories": granting, "as_of": as_of}) if granting else []
    absent_keys = sorted({row["user_key"] for row in assigned})
    covering = await store.read(FIND_COVERING_USERS, {"users": absent_keys, "as_of": as_of}) if absent_keys else []
    everything = await store.read(FIND_USERS_WITH_ROLES, {"roles": sorted(ROLES_THAT_SEE_EVERYTHING)})
    users = {row["user_key"]: (row["user_name"], row["user_role"]) for row in assigned}
    users.update((row["key"], (row["name"], row["role"])) for row in [*covering, *everything])
    grants: dict[str, set[Grant]] = {user: set() for user in users}
    for row in assigned:
        grants[row["user_key"]].add(Grant(row["territory_key"], row["territory_name"], row["role"]))
    for cover in covering:
        for row in assigned:
            if row["user_key"] == cover["absent_key"]:
                grant = Grant(
                    row["territory_key"],
                    row["territory_name"],
                    row["role"],
                    cover["absent_key"],
                    cover["valid_from"],
                    cover["valid_to"],
                )
                grants[cover["key"]].add(grant)
    return [
        Onlooker(
            user,
            name,
            role,
            role in ROLES_THAT_SEE_EVERYTHING,
            sorted(grants[user], key=lambda grant: (grant.territory_key, grant.substitutes_for or "")),
        )
        for user, (name, role) in sorted(users.items())
    ]


async def portfolio(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    user_key: str,
    as_of: datetime.date,
    inherit: Inheritance = Inheritance.DOWN,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Portfolio:
    """Return one page of a user's portfolio on a day: the organisations the user holds through territories.

    Those :func:`graph.visibility.held_ids` gives for the user's :func:`graph.visibility.granted_territories`:
    what a user who does not see everything by role sees. An analyst's or admin's portfolio is only what their
    own assignments give them.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        user_key: the user's key.
        as_of: the day.
        inherit: whether an organisation is held through an assigned ancestor.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: who asks: the user, their manager, an analyst or an admin (:func:`require_auditor`);
            organisations the viewer may not see on their `today` are left out and counted. None: anyone.

    Returns:
        The page, ordered by key, each organisation with the territory that gives it, the total and how
        many the viewer may not see.

    Raises:
        NotFound: no user has the key.
        Forbidden: the viewer may not look into the user's portfolio.
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str)
    if viewer is not None:
        await require_auditor(store, viewer=viewer, user_key=user_key)
    await user(store, key=user_key)
    found = await snapshots.current()
    granted = await visibility.granted_territories(store, user_key=user_key, as_of=as_of)
    held = await visibility.held_ids(found, territory_keys=granted, as_of=as_of, inherit=inherit)
    seen = await visibility.visible_ids(store, found, viewer=viewer)
    shown = held if seen is None else np.intersect1d(held, seen, assume_unique=True)
    # Ids are in key order: the page after a key starts at the first id past it.
    start = int(np.searchsorted(shown, bisect.bisect_right(found.keys, after[0]))) if after is not None else 0
    page = shown[start : start + limit]
    page_keys = found.keys_of(page)
    next_cursor = paging.encode_cursor(page_keys[-1]) if start + limit < len(shown) else None
    forest = await found.forest(as_of) if inherit is Inheritance.DOWN else None
    names = await chains.names(store, keys=page_keys)
    assignments = found.assignments
    granted_keys = set(granted)
    holding = {number for number, key in enumerate(assignments.territory_keys) if key in granted_keys}
    items = []
    holder_chains = forest.chains(page) if forest else [[organisation] for organisation in page.tolist()]
    holders = sorted({holder for chain in holder_chains for holder in chain})
    territories_of = dict(zip(holders, assignments.territories_of(holders), strict=True))
    for key, chain in zip(page_keys, holder_chains, strict=True):
        # The nearest holder assigned to a held territory gives it, the territory with the smallest key first.
        giving = next((number for holder in chain for number in territories_of[holder] if number in holding), None)
        if giving is None:
            items.append(Holding(key, names.get(key), None, None))
        else:
            territory = (assignments.territory_keys[giving], assignments.territory_names[giving])
            items.append(Holding(key, names.get(key), *territory))
    return Portfolio(items, next_cursor, len(shown), len(held) - len(shown))


async def one_face(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    as_of: datetime.date,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
) -> SplitGroupPage:
    """Return one page of the groups whose members have more than one owner on a day ("one face to the customer").

    A group is a root on the day and everything under it (a root alone is a group of one). An owner of a
    member is a user assigned that day as `owner` directly to a territory the member is assigned to: not
    through the territory hierarchy, a substitution or inheritance.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        as_of: the day.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most groups on a page, 1 to MAX_LIMIT.

    Returns:
        The page of groups ordered by root key, each with its owners and the members each owns.

    Raises:
        InvalidInput: `limit` is out of range or the cursor not one this function gave.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str)
    roots = await chains.roots(store, snapshots=snapshots, as_of=as_of)
    owners: dict[str, dict[str, set[str]]] = {}
    owner_names: dict[str, str | None] = {}
    for row in await store.read(FIND_OWNED_ORGANISATIONS, {"as_of": as_of}):
        owner_names[row["key"]] = row["name"]
        for member in row["organisations"]:
            owners.setdefault(roots.get(member, member), {}).setdefault(row["key"], set()).add(member)
    split = sorted(root for root, owned in owners.items() if len(owned) > 1)
    start = bisect.bisect_right(split, after[0]) if after is not None else 0
    page = split[start : start + limit]
    names = await chains.names(store, keys=page)
    items = [
        SplitGroup(
            root,
            names.get(root),
            [Owner(owner, owner_names[owner], sorted(members)) for owner, members in sorted(owners[root].items())],
        )
        for root in page
    ]
    return SplitGroupPage(items, paging.encode_cursor(page[-1]) if start + limit < len(split) else None)


async def require_auditor(store: Store, *, viewer: visibility.Viewer, user_key: str) -> None:
    """Raise unless the viewer may look into what a user sees, on any day.

    The user themself may, and so may an analyst or an admin, and the user's manager: a user with role
    `manager` who holds (:func:`graph.visibility.granted_territories`) a territory the user is assigned to, both
    on the viewer's `today`: a former manager may not look back into the user's past.

    Raises:
        Forbidden: the viewer is none of those.
        NotFound: no user has `user_key` (told only to analysts and admins, who may ask about anyone).
        QueryError: the engine failed a read.
    """
    if viewer.key == user_key:
        return
    if viewer.sees_everything:
        await user(store, key=user_key)
        return
    # Anyone else is refused alike for a user who exists and one who does not: no user key can be probed.
    refusal = Forbidden(f"only {user_key}, their manager, an analyst or an admin may see this")
    if viewer.role != MANAGER_ROLE:
        raise refusal
    held = set(await visibility.granted_territories(store, user_key=viewer.key, as_of=viewer.today))
    assigned = await store.read(FIND_ASSIGNMENTS, {"users": [user_key], "as_of": viewer.today})
    if not held.intersection(row["territory_key"] for row in assigned):
        raise refusal


async def covered_users(store: Store, *, user_key: str, as_of: datetime.date) -> dict[str, Row]:
    """Return the users a user `SUBSTITUTES` for on a day, each with its name and the cover's `valid_from` and
    `valid_to`, by key; empty for an unknown user.

    Raises:
        QueryError: the engine failed a read.
    """
    return {row["key"]: row for row in await store.read(FIND_COVERED_USERS, {"user": user_key, "as_of": as_of})}


async def user(store: Store, *, key: str) -> Row:
    """Return the key, name and role of a user.

    Raises:
        NotFound: no user has the key.
        QueryError: the engine failed a read.
    """
    rows = await store.read(auth.FIND_USER, {"key": key})
    if not rows:
        raise no_user(key)
    return rows[0]


async def _holders(store: Store, *, key: str, as_of: datetime.date, inherit: Inheritance) -> "list[chains.Node]":
    """Return the organisations whose assignments could show `key` on a day: itself, then with inheritance its
    ancestors, nearest first (depth 0 for itself); raise the not-found error for an unknown key."""
    names = await chains.names(store, keys=[key])
    if key not in names:
        raise visibility.not_found(key)
    itself = chains.Node(key, names[key], None, 0)
    if inherit is not Inheritance.DOWN:
        return [itself]
    return [itself, *(await chains.ancestor_chains(store, keys=[key], as_of=as_of))[key]]


async def _organisation_territories(store: Store, keys: Iterable[str]) -> dict[str, list[Row]]:
    """Return the territory assignments of each organisation by its key, ordered by territory key."""
    wanted = sorted(set(keys))
    found: dict[str, list[Row]] = {}
    for start in range(0, len(wanted), visibility.CHUNK):
        for row in await store.read(FIND_ORGANISATION_TERRITORIES, {"keys": wanted[start : start + visibility.CHUNK]}):
            found.setdefault(row["key"], []).append(row)
    return {key: sorted(rows, key=lambda row: row["territory_key"]) for key, rows in found.items()}


async def _territories_above(
    store: Store, holdings: dict[str, list[Row]]
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Return the names of the territories in `holdings` and of all above them, and the parent of each.

    The territory hierarchy is walked up one level per query.
    """
    names = {row["territory_key"]: row["territory_name"] for rows in holdings.values() for row in rows}
    parents: dict[str, str] = {}
    frontier = sorted(names)
    while frontier:
        reached = []
        for row in await store.read(FIND_TERRITORY_PARENTS, {"keys": frontier}):
            # More than one parent only on data that breaks the rules: the smallest key, so answers are stable.
            if row["child"] not in parents or row["key"] < parents[row["child"]]:
                parents[row["child"]] = row["key"]
            if row["key"] not in names:
                names[row["key"]] = row["name"]
                reached.append(row["key"])
        frontier = sorted(set(reached))
    return names, parents


def _upwards(territory: str, parents: dict[str, str]) -> list[str]:
    """Return a territory and the territories above it, nearest first (stopping where a cycle would close)."""
    chain = [territory]
    while chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    return chain
