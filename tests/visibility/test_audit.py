"""Who may look into what a user sees, and how a manager's own view limits the answer, on a small graph by hand."""

import datetime

import pytest

from graph import access
from graph.errors import Forbidden, InvalidInput, NotFound
from graph.visibility import Viewer
from tests.helpers import load_rows

DAY = datetime.date(2025, 3, 1)
LATER = datetime.date(2025, 9, 1)
# Rights are the asker's on the day of the request: `today`, whatever day a report describes.
MANAGER = Viewer("mgr", "manager", today=DAY)


@pytest.fixture
async def graph(store, tmp_path):
    """mgr owns T1; rep works T1 until June and owns T2; other owns T2; A is in T1, B in T2, C in both."""
    await load_rows(store, tmp_path, "organisations", [{"key": key, "name": f"Org {key}"} for key in "ABC"])
    await load_rows(store, tmp_path, "territories", [{"key": key, "name": f"Area {key}"} for key in ("T1", "T2")])
    roles = {"mgr": "manager", "rep": "rep", "other": "rep", "boss": "manager"}
    await load_rows(store, tmp_path, "users", [{"key": key, "name": key, "role": role} for key, role in roles.items()])
    assignments = [
        ("mgr", "T1", "owner", ""),
        ("rep", "T1", "member", "2025-06-30"),
        ("rep", "T2", "owner", ""),
        ("other", "T2", "owner", ""),
    ]
    await load_rows(
        store,
        tmp_path,
        "user_territories",
        [{"user_key": u, "territory_key": t, "role": r, "valid_to": end} for u, t, r, end in assignments],
    )
    placements = [("A", "T1"), ("B", "T2"), ("C", "T1"), ("C", "T2")]
    await load_rows(
        store, tmp_path, "org_territories", [{"organisation_key": o, "territory_key": t} for o, t in placements]
    )
    return store


async def test_a_manager_sees_only_their_own_part_of_a_users_portfolio(graph, snapshots):
    mine = await access.portfolio(
        graph, snapshots=snapshots, user_key="rep", as_of=DAY, viewer=Viewer("rep", "rep", today=DAY)
    )
    managed = await access.portfolio(graph, snapshots=snapshots, user_key="rep", as_of=DAY, viewer=MANAGER)

    assert ([item.key for item in mine.items], mine.total, mine.hidden_count) == (["A", "B", "C"], 3, 0)
    assert ([item.key for item in managed.items], managed.total, managed.hidden_count) == (["A", "C"], 2, 1)
    assert [(item.key, item.territory_key) for item in mine.items] == [("A", "T1"), ("B", "T2"), ("C", "T1")]


async def test_a_manager_manages_a_user_only_while_they_share_a_territory_today(graph, snapshots):
    former = Viewer("mgr", "manager", today=LATER)

    await access.require_auditor(graph, viewer=MANAGER, user_key="rep")
    with pytest.raises(Forbidden):
        await access.require_auditor(graph, viewer=former, user_key="rep")
    with pytest.raises(Forbidden):
        await access.require_auditor(graph, viewer=MANAGER, user_key="other")
    with pytest.raises(Forbidden):  # a manager of nothing manages nobody
        await access.require_auditor(graph, viewer=Viewer("boss", "manager", today=DAY), user_key="rep")
    with pytest.raises(Forbidden):  # going back to a day they managed the rep gives no right
        await access.portfolio(graph, snapshots=snapshots, user_key="rep", as_of=DAY, viewer=former)


async def test_a_report_describes_as_of_and_the_asker_sees_what_they_see_today(graph, snapshots):
    # On LATER rep holds only T2 (B, C); the manager, asking on DAY, sees T1 (A, C) today.
    later = await access.portfolio(graph, snapshots=snapshots, user_key="rep", as_of=LATER, viewer=MANAGER)
    explained = await access.explain(graph, user_key="rep", key="A", as_of=LATER, viewer=MANAGER)

    assert ([item.key for item in later.items], later.total, later.hidden_count) == (["C"], 1, 1)
    assert (explained.visible, explained.rights_as_of) == (False, LATER)


async def test_an_organisation_the_asker_does_not_see_is_not_found_for_explain_and_viewers(graph):
    with pytest.raises(NotFound, match="'B'") as hidden:
        await access.explain(graph, user_key="rep", key="B", as_of=DAY, viewer=MANAGER)
    with pytest.raises(NotFound) as missing:
        await access.explain(graph, user_key="rep", key="Z", as_of=DAY, viewer=MANAGER)
    with pytest.raises(NotFound, match="'B'"):
        await access.viewers(graph, key="B", as_of=DAY, viewer=MANAGER)

    assert str(hidden.value).replace("'B'", "'Z'") == str(missing.value)
    explained = await access.explain(graph, user_key="rep", key="A", as_of=LATER, viewer=Viewer("x", "admin"))
    assert explained == access.Access(False, [], LATER)


async def test_viewers_flag_roles_and_list_every_grant(graph):
    onlookers = await access.viewers(graph, key="C", as_of=DAY)

    assert [(o.key, [(g.territory_key, g.role) for g in o.grants]) for o in onlookers] == [
        ("mgr", [("T1", "owner")]),
        ("other", [("T2", "owner")]),
        ("rep", [("T1", "member"), ("T2", "owner")]),
    ]


async def test_pages_refuse_bad_limits_and_cursors(graph, snapshots):
    for read in (access.portfolio, access.one_face):
        arguments = {"snapshots": snapshots} | ({"user_key": "rep"} if read is access.portfolio else {})
        with pytest.raises(InvalidInput, match="limit"):
            await read(graph, as_of=DAY, limit=0, **arguments)
        with pytest.raises(InvalidInput, match="cursor"):
            await read(graph, as_of=DAY, cursor="nonsense", **arguments)
    with pytest.raises(NotFound, match="nobody"):
        await access.portfolio(graph, snapshots=snapshots, user_key="nobody", as_of=DAY)


async def test_one_face_counts_only_direct_owners_of_the_day(graph, snapshots):
    now = await access.one_face(graph, snapshots=snapshots, as_of=DAY)

    # A has one owner: rep works T1 only as a member.
    assert [(g.root_key, [(o.key, o.members) for o in g.owners]) for g in now.items] == [
        ("B", [("other", ["B"]), ("rep", ["B"])]),
        ("C", [("mgr", ["C"]), ("other", ["C"]), ("rep", ["C"])]),
    ]
