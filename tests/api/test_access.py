"""Explain and audit endpoints on the demo data: who may ask (403/404), what hides (404 like a missing key), shapes."""

import datetime

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from seed.demo import DEMO_DIR

MID_2025 = {"as_of": "2025-06-30"}
COVER_DAY = {"as_of": "2025-08-10"}
AFTER_COVER = {"as_of": "2025-08-18"}
USERS = ("admin", "lena.vogel", "markus.weber", "anna.becker", "thomas.huber", "svc-erp")


@pytest.fixture
async def as_user(store):
    await loading.load_paths(store, [DEMO_DIR])
    keys = {user: await auth.create_key(store, user_key=user) for user in USERS}
    return lambda user: {"Authorization": f"Bearer {keys[user]}"}


def assert_not_found_like_a_missing_key(client, path, missing_path, headers, asked, missing):
    """A hidden organisation answers exactly like a missing one, but for the key asked."""
    hidden = client.get(path, headers=headers)
    absent = client.get(missing_path, headers=headers)

    assert hidden.status_code == absent.status_code == 404
    assert hidden.headers["content-type"] == absent.headers["content-type"] == PROBLEM_JSON
    assert hidden.json() == {**absent.json(), "detail": absent.json()["detail"].replace(missing, asked)}


async def test_explain_gives_the_substitution_path_on_the_days_of_the_cover(client, as_user):
    path = "/v1/access/thomas.huber/organisations/ORG-DE-0024"

    after = client.get(path, params=AFTER_COVER, headers=as_user("admin")).json()
    # thomas sees ORG-DE-0024 only while he covers: he may ask about it only then.
    client.app.state.clock = lambda: datetime.date(2025, 8, 10)
    during = client.get(path, params=COVER_DAY, headers=as_user("thomas.huber")).json()

    assert during["visible"] is True
    assert [(step["element"], step.get("label") or step["type"]) for step in during["path"]] == [
        ("node", "User"),
        ("relationship", "SUBSTITUTES"),
        ("node", "User"),
        ("relationship", "ASSIGNED_TO"),
        ("node", "Territory"),
        ("relationship", "ASSIGNED_TO"),
        ("node", "Organisation"),
    ]
    assert during["path"][1] == {
        "element": "relationship",
        "type": "SUBSTITUTES",
        "start": "thomas.huber",
        "end": "anna.becker",
        "properties": {"valid_from": "2025-08-04", "valid_to": "2025-08-17"},
    }
    assert during["path"][-1] == {
        "element": "node",
        "label": "Organisation",
        "key": "ORG-DE-0024",
        "name": "Bauzentrum Krause GmbH",
        "note": None,
    }
    assert after == {"visible": False, "path": [], "rights_as_of": "2025-08-18", "caller_rights_as_of": "2026-12-07"}
    assert (during["rights_as_of"], during["caller_rights_as_of"]) == ("2025-08-10", "2025-08-10")


async def test_explain_is_for_the_user_their_manager_analysts_and_admins(client, as_user):
    path = "/v1/access/anna.becker/organisations/ORG-DE-0024"

    for caller in ("anna.becker", "markus.weber", "lena.vogel", "admin"):
        assert client.get(path, params=MID_2025, headers=as_user(caller)).status_code == 200, caller
    refused = client.get(path, params=MID_2025, headers=as_user("thomas.huber"))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert client.get(path, params=MID_2025, headers=as_user("svc-erp")).status_code == 403
    acting = {**as_user("svc-erp"), "X-Act-As": "anna.becker"}
    assert client.get(path, params=MID_2025, headers=acting).status_code == 200


async def test_explain_of_an_unknown_user_is_not_found_for_those_who_may_ask_about_anyone(client, as_user):
    path = "/v1/access/nobody/organisations/ORG-DE-0024"

    assert client.get(path, headers=as_user("admin")).status_code == 404
    # A manager may ask only about the users they manage, a rep only about themself: neither learns about others.
    assert client.get(path, headers=as_user("markus.weber")).status_code == 403
    assert client.get(path, headers=as_user("thomas.huber")).status_code == 403


async def test_explain_of_an_organisation_the_caller_does_not_see_is_not_found(client, as_user):
    assert_not_found_like_a_missing_key(
        client,
        "/v1/access/anna.becker/organisations/ORG-DE-0001?as_of=2025-06-30",
        "/v1/access/anna.becker/organisations/ORG-XX-9999?as_of=2025-06-30",
        as_user("anna.becker"),
        "ORG-DE-0001",
        "ORG-XX-9999",
    )


async def test_a_role_that_sees_everything_is_explained_by_its_role(client, as_user):
    body = client.get("/v1/access/lena.vogel/organisations/ORG-AT-0001", headers=as_user("lena.vogel")).json()

    assert body["visible"] is True
    assert [(step["key"], bool(step["note"])) for step in body["path"]] == [("lena.vogel", True)]


async def test_viewers_list_users_with_their_territories_and_substitutions(client, as_user):
    body = client.get("/v1/organisations/ORG-DE-0024/viewers", params=COVER_DAY, headers=as_user("anna.becker")).json()

    onlookers = {item["key"]: item for item in body["items"]}
    assert body["hidden_count"] == 0
    assert list(onlookers) == sorted(onlookers)
    assert set(onlookers) == {"admin", "lena.vogel", "markus.weber", "anna.becker", "thomas.huber"}
    assert onlookers["thomas.huber"] == {
        "key": "thomas.huber",
        "name": "Thomas Huber",
        "role": "rep",
        "sees_everything": False,
        "grants": [
            {
                "territory_key": "DE-NORTH",
                "territory_name": "Germany North (postcodes 01-59)",
                "role": "owner",
                "substitutes_for": "anna.becker",
                "cover_from": "2025-08-04",
                "cover_to": "2025-08-17",
            }
        ],
    }
    assert onlookers["lena.vogel"]["sees_everything"] is True


async def test_viewers_of_an_organisation_the_caller_does_not_see_are_not_found(client, as_user):
    assert_not_found_like_a_missing_key(
        client,
        "/v1/organisations/ORG-DE-0001/viewers?as_of=2025-06-30",
        "/v1/organisations/ORG-XX-9999/viewers?as_of=2025-06-30",
        as_user("anna.becker"),
        "ORG-DE-0001",
        "ORG-XX-9999",
    )


async def test_a_merged_duplicates_key_answers_for_its_survivor(client, store, as_user):
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")

    merged = client.get("/v1/organisations/ORG-DE-0025/viewers", params=MID_2025, headers=as_user("anna.becker"))
    explained = client.get(
        "/v1/access/anna.becker/organisations/ORG-DE-0025", params=MID_2025, headers=as_user("anna.becker")
    )

    assert merged.status_code == 200 and "anna.becker" in {item["key"] for item in merged.json()["items"]}
    assert explained.json()["path"][-1]["key"] == "ORG-DE-0024"


async def test_a_portfolio_pages_through_every_organisation_once(client, as_user):
    path = "/v1/users/thomas.huber/organisations"
    whole = client.get(path, params=MID_2025, headers=as_user("thomas.huber")).json()

    seen, cursor = [], None
    while True:
        params = {**MID_2025, "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=params, headers=as_user("markus.weber")).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert whole["total"] == len(whole["items"]) == 17
    assert whole["hidden_count"] == 0 and whole["next_cursor"] is None
    assert seen == whole["items"]
    assert [item["key"] for item in seen] == sorted(item["key"] for item in seen)
    assert set(whole["items"][0]) == {"key", "name", "territory_key", "territory_name"}
    assert {item["territory_key"] for item in whole["items"]} == {"DE-SOUTH"}


async def test_a_portfolio_is_for_the_user_their_manager_analysts_and_admins(client, as_user):
    path = "/v1/users/thomas.huber/organisations"

    for caller in ("thomas.huber", "markus.weber", "lena.vogel", "admin"):
        assert client.get(path, params=MID_2025, headers=as_user(caller)).status_code == 200, caller
    assert client.get(path, params=MID_2025, headers=as_user("anna.becker")).status_code == 403
    assert client.get(path, params=MID_2025, headers=as_user("svc-erp")).status_code == 403
    assert client.get("/v1/users/nobody/organisations", headers=as_user("admin")).status_code == 404
    assert client.get("/v1/users/nobody/organisations", headers=as_user("anna.becker")).status_code == 403
    assert client.get(path, params={"limit": 0}, headers=as_user("admin")).status_code == 422
    assert client.get(path, params={"cursor": "nonsense"}, headers=as_user("admin")).status_code == 422


async def test_one_face_lists_groups_with_several_owners_for_analysts_and_admins(client, as_user):
    body = client.get("/v1/reports/one-face", params=MID_2025, headers=as_user("lena.vogel")).json()

    groups = {item["root_key"]: item for item in body["items"]}
    assert body["next_cursor"] is None
    assert [owner["key"] for owner in groups["ORG-DE-0001"]["owners"]] == ["anna.becker", "thomas.huber"]
    assert groups["ORG-DE-0001"]["name"] == "Müller Holding GmbH"
    assert set(groups["ORG-DE-0001"]["owners"][0]) == {"key", "name", "members"}
    first = client.get("/v1/reports/one-face", params={**MID_2025, "limit": 1}, headers=as_user("admin")).json()
    assert len(first["items"]) == 1 and first["next_cursor"] is not None
    for caller in ("markus.weber", "thomas.huber", "svc-erp"):
        assert client.get("/v1/reports/one-face", headers=as_user(caller)).status_code == 403, caller
