"""Visibility on the demo data: the counts seed/demo/README.md promises, explain, viewers, portfolios, one face."""

import datetime

import pytest

from graph import access, loading
from graph.access import LinkStep, NodeStep
from graph.errors import Forbidden, NotFound
from graph.settings import Inheritance
from graph.visibility import Viewer
from seed.demo import DEMO_DIR

MID_2025 = datetime.date(2025, 6, 30)
COVER_DAY = datetime.date(2025, 8, 10)
AFTER_COVER = datetime.date(2025, 8, 18)


@pytest.fixture
async def demo(store):
    await loading.load_paths(store, [DEMO_DIR])
    return store


async def portfolio_keys(store, snapshots, user_key, as_of):
    page = await access.portfolio(store, snapshots=snapshots, user_key=user_key, as_of=as_of, limit=10_000)
    return [item.key for item in page.items]


@pytest.mark.parametrize(
    ("user_key", "as_of", "count"),
    [
        ("thomas.huber", MID_2025, 17),
        ("anna.becker", MID_2025, 9),
        ("lukas.gruber", MID_2025, 2),
        ("lukas.gruber", datetime.date(2024, 6, 30), 17),
        ("pieter.bakker", MID_2025, 17),
        ("markus.weber", MID_2025, 42),
        ("sanne.devries", MID_2025, 15),
        ("thomas.huber", COVER_DAY, 24),
        ("thomas.huber", AFTER_COVER, 17),
        ("svc-erp", MID_2025, 0),
    ],
)
async def test_portfolios_hold_what_the_demo_readme_says(demo, snapshots, user_key, as_of, count):
    page = await access.portfolio(demo, snapshots=snapshots, user_key=user_key, as_of=as_of)

    assert page.total == len(page.items) == count
    assert page.next_cursor is None
    assert all(item.territory_key for item in page.items)


async def test_substitution_explains_thomas_huber_seeing_an_account_of_anna_becker(demo):
    explained = await access.explain(demo, user_key="thomas.huber", key="ORG-DE-0024", as_of=COVER_DAY)
    gone = await access.explain(demo, user_key="thomas.huber", key="ORG-DE-0024", as_of=AFTER_COVER)

    assert explained.visible
    assert explained.path == [
        NodeStep("User", "thomas.huber", "Thomas Huber"),
        LinkStep(
            "SUBSTITUTES",
            "thomas.huber",
            "anna.becker",
            {"valid_from": datetime.date(2025, 8, 4), "valid_to": datetime.date(2025, 8, 17)},
        ),
        NodeStep("User", "anna.becker", "Anna Becker"),
        LinkStep(
            "ASSIGNED_TO",
            "anna.becker",
            "DE-NORTH",
            {"role": "owner", "valid_from": datetime.date(2021, 3, 1), "valid_to": None},
        ),
        NodeStep("Territory", "DE-NORTH", "Germany North (postcodes 01-59)"),
        LinkStep("ASSIGNED_TO", "ORG-DE-0024", "DE-NORTH", {"source": "rule"}),
        NodeStep("Organisation", "ORG-DE-0024", "Bauzentrum Krause GmbH"),
    ]
    assert gone == access.Access(False, [], AFTER_COVER)
    assert explained.rights_as_of == COVER_DAY


async def test_explain_walks_the_territory_hierarchy_and_the_corporate_group(demo):
    explained = await access.explain(demo, user_key="markus.weber", key="ORG-DE-0007", as_of=MID_2025)

    assert explained.visible
    assert [(step.label, step.key) for step in explained.path if isinstance(step, NodeStep)] == [
        ("User", "markus.weber"),
        ("Territory", "REGION-CENTRAL"),
        ("Territory", "DE-SOUTH"),
        ("Organisation", "ORG-DE-0007"),
    ]
    inherited = await access.explain(demo, user_key="thomas.huber", key="ORG-DE-0010", as_of=MID_2025)
    assert [(step.type, step.start, step.end) for step in inherited.path if isinstance(step, LinkStep)] == [
        ("ASSIGNED_TO", "thomas.huber", "DE-SOUTH"),
        ("ASSIGNED_TO", "ORG-DE-0001", "DE-SOUTH"),
        ("PARENT_OF", "ORG-DE-0001", "ORG-DE-0009"),
        ("PARENT_OF", "ORG-DE-0009", "ORG-DE-0010"),
    ]
    assert inherited.path[-4].properties == {
        "kind": "legal",
        "valid_from": datetime.date(2021, 1, 1),
        "valid_to": None,
        "share": 75.5,
    }
    without = await access.explain(
        demo, user_key="thomas.huber", key="ORG-DE-0010", as_of=MID_2025, inherit=Inheritance.NONE
    )
    assert not without.visible


async def test_a_role_that_sees_everything_is_explained_by_the_role(demo):
    explained = await access.explain(demo, user_key="lena.vogel", key="ORG-AT-0001", as_of=MID_2025)

    assert explained.visible
    assert [(step.label, step.key) for step in explained.path] == [("User", "lena.vogel")]
    assert "analyst" in explained.path[0].note


async def test_explain_refuses_unknown_users_and_organisations(demo):
    with pytest.raises(NotFound, match="nobody"):
        await access.explain(demo, user_key="nobody", key="ORG-DE-0001", as_of=MID_2025)
    with pytest.raises(NotFound, match="ORG-XX"):
        await access.explain(demo, user_key="anna.becker", key="ORG-XX", as_of=MID_2025)


async def test_viewers_name_territories_substitutions_and_roles(demo):
    onlookers = {o.key: o for o in await access.viewers(demo, key="ORG-DE-0024", as_of=COVER_DAY)}

    assert set(onlookers) == {"admin", "lena.vogel", "markus.weber", "anna.becker", "thomas.huber"}
    assert onlookers["admin"].sees_everything and onlookers["admin"].grants == []
    assert [(g.territory_key, g.role, g.substitutes_for) for g in onlookers["thomas.huber"].grants] == [
        ("DE-NORTH", "owner", "anna.becker")
    ]
    assert [g.territory_key for g in onlookers["markus.weber"].grants] == ["REGION-CENTRAL"]
    after = {o.key for o in await access.viewers(demo, key="ORG-DE-0024", as_of=AFTER_COVER)}
    assert "thomas.huber" not in after


async def test_one_face_finds_the_mueller_group_owned_by_two_reps(demo, snapshots):
    page = await access.one_face(demo, snapshots=snapshots, as_of=MID_2025)

    groups = {group.root_key: group for group in page.items}
    mueller = groups["ORG-DE-0001"]
    assert {owner.key: owner.members for owner in mueller.owners} == {
        "anna.becker": ["ORG-DE-0009", "ORG-DE-0010"],
        "thomas.huber": [
            "ORG-DE-0001",
            "ORG-DE-0002",
            "ORG-DE-0003",
            "ORG-DE-0004",
            "ORG-DE-0005",
            "ORG-DE-0006",
            "ORG-DE-0007",
            "ORG-DE-0008",
            "ORG-DE-0011",
        ],
    }
    assert "ORG-NL-0001" not in groups  # pieter.bakker is a member of BENELUX, not an owner
    assert "ORG-DE-0029" in groups  # DE-NORTH (anna.becker) and KA-HEALTH (pieter.bakker)


async def test_a_manager_audits_the_users_of_the_territories_they_hold(demo):
    manager = Viewer("markus.weber", "manager", today=MID_2025)

    await access.require_auditor(demo, viewer=manager, user_key="anna.becker")
    await access.require_auditor(demo, viewer=Viewer("anna.becker", "rep", today=MID_2025), user_key="anna.becker")
    await access.require_auditor(demo, viewer=Viewer("lena.vogel", "analyst", today=MID_2025), user_key="anna.becker")
    with pytest.raises(Forbidden):
        await access.require_auditor(demo, viewer=Viewer("thomas.huber", "rep", today=MID_2025), user_key="anna.becker")
    with pytest.raises(Forbidden):  # svc-erp is assigned to nothing, so no manager holds it
        await access.require_auditor(demo, viewer=manager, user_key="svc-erp")
    with pytest.raises(Forbidden):  # like a user the manager does not manage: no user key can be probed
        await access.require_auditor(demo, viewer=manager, user_key="nobody")
    with pytest.raises(NotFound):
        await access.require_auditor(demo, viewer=Viewer("lena.vogel", "analyst", today=MID_2025), user_key="nobody")
