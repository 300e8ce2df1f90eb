"""Visibility on every read that takes a key, on the demo data: a hidden object answers exactly like a missing one,
lists leave out what the caller may not see and count it in `hidden_count`, analysts and admins see everything."""

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from graph.settings import Inheritance
from seed.demo import DEMO_DIR

DAY = "2025-06-30"

# Every read of an organisation by key that hierarchy, connections and contacts answer: (path after the key, query).
ORGANISATION_READS = [
    ("", {}),
    ("/ancestors", {}),
    ("/root", {}),
    ("/descendants", {}),
    ("/descendants", {"format": "tree"}),
    ("/group", {}),
    ("/siblings", {}),
    ("/memberships", {}),
    ("/members", {}),
    ("/suppliers", {}),
    ("/suppliers", {"scope": "group"}),
    ("/customers", {}),
    ("/customers", {"scope": "group"}),
    ("/related", {}),
    ("/contacts", {}),
    ("/contacts", {"scope": "subtree"}),
    ("/contacts", {"scope": "group", "include_former": "true"}),
]
READ_IDS = [path + "?" + "&".join(f"{k}={v}" for k, v in query.items()) for path, query in ORGANISATION_READS]


@pytest.fixture
async def demo(store):
    await loading.load_paths(store, [DEMO_DIR])


@pytest.fixture
def as_user(store, demo):
    """Return the headers of a fresh API key of a demo user (optionally a service key acting for another)."""

    async def headers(user: str, act_as: str | None = None) -> dict[str, str]:
        found = {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"}
        return found | ({"X-Act-As": act_as} if act_as else {})

    return headers


def read(client, headers, path, **params):
    response = client.get(f"/v1{path}", params={"as_of": DAY, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def keys(items, field="key"):
    return [item[field] for item in items]


def assert_answers_as_missing(hidden, missing, hidden_key, missing_key):
    """The answer for a hidden object is the one for a missing key, with only the key asked changed."""
    assert hidden.status_code == missing.status_code == 404
    assert hidden.headers["content-type"] == missing.headers["content-type"] == PROBLEM_JSON
    assert hidden.json() == json.loads(missing.text.replace(missing_key, hidden_key))


@pytest.mark.parametrize(("path", "query"), ORGANISATION_READS, ids=READ_IDS)
async def test_an_organisation_the_caller_may_not_see_answers_exactly_like_a_missing_one(client, as_user, path, query):
    anna, lena = await as_user("anna.becker"), await as_user("lena.vogel")
    params = {"as_of": DAY, **query}

    hidden = client.get(f"/v1/organisations/ORG-DE-0001{path}", params=params, headers=anna)
    missing = client.get(f"/v1/organisations/NO-SUCH-ORG{path}", params=params, headers=anna)
    seen = client.get(f"/v1/organisations/ORG-DE-0001{path}", params=params, headers=lena)

    assert_answers_as_missing(hidden, missing, "ORG-DE-0001", "NO-SUCH-ORG")
    assert "Müller" not in hidden.text and "count" not in hidden.text  # no names, no counts
    assert seen.status_code == 200  # the analyst sees it: the 404 is visibility's


async def test_a_contact_the_caller_may_not_see_answers_exactly_like_a_missing_one(client, as_user):
    anna, thomas = await as_user("anna.becker"), await as_user("thomas.huber")

    hidden = client.get("/v1/contacts/CON-0001", params={"as_of": DAY}, headers=anna)
    missing = client.get("/v1/contacts/NO-SUCH-CONTACT", params={"as_of": DAY}, headers=anna)

    assert_answers_as_missing(hidden, missing, "CON-0001", "NO-SUCH-CONTACT")
    assert "Müller" not in hidden.text and "Klaus" not in hidden.text
    assert read(client, thomas, "/contacts/CON-0001")["key"] == "CON-0001"  # Müller Holding's: thomas sees it


async def test_a_contact_is_seen_through_a_current_employer_only(client, as_user):
    anna, thomas = await as_user("anna.becker"), await as_user("thomas.huber")
    path = "/v1/contacts/CON-0008"  # at Krause (DE-NORTH) until 2024-09-30, at Müller Haustechnik (DE-SOUTH) after

    then = client.get(path, params={"as_of": "2024-06-30"}, headers=anna)
    now = client.get(path, params={"as_of": DAY}, headers=anna)
    history = read(client, thomas, "/contacts/CON-0008")

    assert then.status_code == 200 and keys(then.json()["employments"], "organisation_key") == ["ORG-DE-0024"]
    assert then.json()["hidden_count"] == 1  # the later job at Müller Haustechnik, in thomas's territory
    assert now.status_code == 404
    # Thomas sees his present employer, not the Krause job in anna's territory: left out and counted.
    assert keys(history["employments"], "organisation_key") == ["ORG-DE-0011"] and history["hidden_count"] == 1


async def test_a_merged_key_whose_survivor_is_hidden_names_only_the_key_asked(client, store, as_user):
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")  # Krause: anna's, not thomas's
    anna, thomas = await as_user("anna.becker"), await as_user("thomas.huber")

    hidden = client.get("/v1/organisations/ORG-DE-0025/root", params={"as_of": DAY}, headers=thomas)
    missing = client.get("/v1/organisations/NO-SUCH-ORG/root", params={"as_of": DAY}, headers=thomas)

    assert_answers_as_missing(hidden, missing, "ORG-DE-0025", "NO-SUCH-ORG")
    assert "ORG-DE-0024" not in hidden.text
    assert read(client, anna, "/organisations/ORG-DE-0025/root")["key"] == "ORG-DE-0024"


async def test_anna_sees_the_mueller_logistics_branch_of_the_group_and_counts_the_rest(client, as_user):
    anna = await as_user("anna.becker")

    detail = read(client, anna, "/organisations/ORG-DE-0009")
    ancestors = read(client, anna, "/organisations/ORG-DE-0010/ancestors")
    root = read(client, anna, "/organisations/ORG-DE-0010/root")
    group = read(client, anna, "/organisations/ORG-DE-0010/group")
    siblings = read(client, anna, "/organisations/ORG-DE-0009/siblings")
    customers = read(client, anna, "/organisations/ORG-DE-0009/customers")

    # The holding above Müller Logistik is hidden: no parent, counted once.
    assert (detail["parent"], detail["child_count"], detail["hidden_count"]) == (None, 1, 1)
    assert keys(ancestors["items"]) == ["ORG-DE-0009"] and ancestors["hidden_count"] == 1
    assert root == {"key": "ORG-DE-0009", "name": "Müller Logistik GmbH", "is_ultimate": False, "hidden_count": 1}
    # The group of 11 (holding included): the root she sees, its one member, the 9 others hidden.
    assert group["root"] == {"key": "ORG-DE-0009", "name": "Müller Logistik GmbH", "is_ultimate": False}
    assert [(m["key"], m["parent_key"]) for m in group["members"]] == [("ORG-DE-0010", "ORG-DE-0009")]
    assert (group["member_count"], group["hidden_count"]) == (1, 9)
    assert siblings == {"items": [], "next_cursor": None, "hidden_count": 2}
    assert customers == {"items": [], "next_cursor": None, "hidden_count": 1}  # it supplies Müller Baustoffe


async def test_contact_lists_keep_the_employments_at_visible_organisations_and_count_the_others(client, as_user):
    anna, lena = await as_user("anna.becker"), await as_user("lena.vogel")
    params = {"scope": "group", "include_former": "true"}

    seen = read(client, anna, "/organisations/ORG-DE-0010/contacts", **params)
    everything = read(client, lena, "/organisations/ORG-DE-0001/contacts", **params)
    pages, cursor = [], None
    while True:
        page = read(
            client,
            anna,
            "/organisations/ORG-DE-0010/contacts",
            limit=1,
            **params,
            **({"cursor": cursor} if cursor else {}),
        )
        pages.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    visible = {"ORG-DE-0009", "ORG-DE-0010"}
    assert seen["items"] == [item for item in everything["items"] if item["organisation_key"] in visible]
    assert seen["hidden_count"] == len(everything["items"]) - len(seen["items"]) > 0
    assert pages == seen["items"] and page["hidden_count"] == seen["hidden_count"]


async def test_thomas_sees_the_association_but_not_its_austrian_member(client, as_user):
    thomas, lena = await as_user("thomas.huber"), await as_user("lena.vogel")

    members = read(client, thomas, "/organisations/ORG-DE-0050/members")
    everything = read(client, lena, "/organisations/ORG-DE-0050/members")
    related = read(client, thomas, "/organisations/ORG-DE-0001/related")

    assert "ORG-AT-0001" in keys(everything["items"])
    assert keys(members["items"]) == [key for key in keys(everything["items"]) if key != "ORG-AT-0001"]
    assert members["hidden_count"] == 1
    # The consultant CON-0023 works for no organisation thomas sees: the link is left out and counted.
    assert related == {"items": [], "next_cursor": None, "hidden_count": 1}


@pytest.mark.parametrize("user", ["lena.vogel", "admin"])
async def test_analysts_and_admins_see_everything_with_nothing_hidden(client, as_user, user):
    headers = await as_user(user)

    group = read(client, headers, "/organisations/ORG-DE-0010/group")
    root = read(client, headers, "/organisations/ORG-DE-0010/root")
    members = read(client, headers, "/organisations/ORG-DE-0050/members")
    contact = read(client, headers, "/contacts/CON-0008")

    assert group["root"]["key"] == "ORG-DE-0001" and group["root"]["is_ultimate"] is True
    assert (group["member_count"], group["hidden_count"]) == (10, 0)
    assert (root["key"], root["is_ultimate"], root["hidden_count"]) == ("ORG-DE-0001", True, 0)
    assert len(members["items"]) == 5 and members["hidden_count"] == 0
    assert len(contact["employments"]) == 2 and contact["hidden_count"] == 0


async def test_a_service_key_acting_as_a_user_answers_as_that_user(client, as_user):
    acting = await as_user("svc-erp", act_as="anna.becker")
    itself = await as_user("svc-erp")

    detail = read(client, acting, "/organisations/ORG-DE-0009")
    hidden = client.get("/v1/organisations/ORG-DE-0001", params={"as_of": DAY}, headers=acting)
    own = client.get("/v1/organisations/ORG-DE-0009", params={"as_of": DAY}, headers=itself)

    assert (detail["parent"], detail["hidden_count"]) == (None, 1)
    assert hidden.status_code == 404
    assert own.status_code == 404  # the service account itself holds no territory


async def test_a_substitute_sees_the_absent_colleagues_organisations_for_the_days_of_the_cover(client, as_user):
    thomas = await as_user("thomas.huber")
    path = "/v1/organisations/ORG-DE-0024"

    during = client.get(path, params={"as_of": "2025-08-10"}, headers=thomas)
    after = client.get(path, params={"as_of": "2025-08-18"}, headers=thomas)

    assert during.status_code == 200 and after.status_code == 404


async def test_without_inheritance_descendants_are_hidden(settings, store, as_user):
    thomas = await as_user("thomas.huber")
    flat = settings.model_copy(update={"visibility_inherit": Inheritance.NONE})

    with TestClient(create_app(settings)) as down, TestClient(create_app(flat)) as none:
        inherited = read(down, thomas, "/organisations/ORG-DE-0001/descendants")
        direct = read(none, thomas, "/organisations/ORG-DE-0001/descendants")
        logistics = none.get("/v1/organisations/ORG-DE-0009", params={"as_of": DAY}, headers=thomas)

    # Müller Logistik and its depot in Bremen are in the north: thomas saw them only through the holding.
    assert {"ORG-DE-0009", "ORG-DE-0010"} <= set(keys(inherited["items"])) and inherited["hidden_count"] == 0
    assert not {"ORG-DE-0009", "ORG-DE-0010"} & set(keys(direct["items"]))
    assert direct["hidden_count"] == len(inherited["items"]) - len(direct["items"]) >= 2
    assert logistics.status_code == 404
