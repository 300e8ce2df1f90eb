"""The contact endpoints on the demo data: an organisation's, subtree's or group's contacts, and one contact."""

import datetime

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from seed.demo import DEMO_DIR

CONTRACT = {"key", "first_name", "last_name", "organisation_key", "role", "is_main_contact", "since", "until"}


@pytest.fixture
async def headers(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {"Authorization": f"Bearer {await auth.create_key(store, user_key='lena.vogel')}"}


def contacts_of(client, headers, key, **params):
    response = client.get(f"/v1/organisations/{key}/contacts", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def pairs(body):
    return [(item["key"], item["organisation_key"]) for item in body["items"]]


async def test_a_branch_contact_is_found_from_the_holding_only_with_subtree_or_group(client, headers):
    own = contacts_of(client, headers, "ORG-DE-0001", as_of="2025-06-30")
    group = contacts_of(client, headers, "ORG-DE-0001", as_of="2025-06-30", scope="group")
    subtree = contacts_of(client, headers, "ORG-DE-0003", as_of="2025-06-30", scope="subtree")

    assert pairs(own) == [("CON-0001", "ORG-DE-0001"), ("CON-0009", "ORG-DE-0001")]
    assert ("CON-0004", "ORG-DE-0007") in pairs(group)  # Abholmarkt Regensburg-Ost, four levels down
    assert ("CON-0004", "ORG-DE-0005") in pairs(group)  # the same person at a second member: a second item
    assert pairs(subtree) == [
        ("CON-0005", "ORG-DE-0003"),
        ("CON-0003", "ORG-DE-0004"),
        ("CON-0004", "ORG-DE-0005"),
        ("CON-0004", "ORG-DE-0007"),
    ]
    assert group["hidden_count"] == 0 and group["next_cursor"] is None
    assert pairs(group)[:2] == pairs(own)  # the root's people first


async def test_items_have_the_contract_fields(client, headers):
    body = contacts_of(client, headers, "ORG-DE-0011", as_of="2025-06-30")

    assert set(body) == {"items", "next_cursor", "hidden_count"}
    [item] = body["items"]
    assert CONTRACT <= set(item)
    assert {key: item[key] for key in CONTRACT} == {
        "key": "CON-0008",
        "first_name": "Stefan",
        "last_name": "Roth",
        "organisation_key": "ORG-DE-0011",
        "role": "Leiter Einkauf",
        "is_main_contact": True,
        "since": "2024-10-01",
        "until": None,
    }
    assert item["organisation_name"] == "Müller Haustechnik GmbH" and item["current"] is True


async def test_as_of_and_include_former_are_honoured(client, headers):
    # CON-0008 left Bauzentrum Krause (ORG-DE-0024) on 2024-09-30 and started at Müller Haustechnik the next day.
    before = contacts_of(client, headers, "ORG-DE-0011", as_of="2024-09-30")
    krause_now = contacts_of(client, headers, "ORG-DE-0024", as_of="2025-06-30")
    krause_all = contacts_of(client, headers, "ORG-DE-0024", as_of="2025-06-30", include_former="true")

    assert before["items"] == []
    assert pairs(krause_now) == [("CON-0021", "ORG-DE-0024")]
    assert [(item["key"], item["current"], item["until"]) for item in krause_all["items"]] == [
        ("CON-0021", True, None),
        ("CON-0008", False, "2024-09-30"),
    ]


async def test_pages_cover_the_group_exactly_once(client, headers):
    everything = contacts_of(client, headers, "ORG-NL-0004", as_of="2025-06-30", scope="group")

    seen, cursor = [], None
    while True:
        page = contacts_of(
            client,
            headers,
            "ORG-NL-0004",
            as_of="2025-06-30",
            scope="group",
            limit=2,
            **({"cursor": cursor} if cursor else {}),
        )
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pairs(everything) == [  # the root, then level by level, by key within a level
        ("CON-0010", "ORG-NL-0001"),
        ("CON-0015", "ORG-BE-0001"),
        ("CON-0010", "ORG-NL-0002"),
        ("CON-0015", "ORG-BE-0002"),
        ("CON-0011", "ORG-NL-0003"),
        ("CON-0014", "ORG-NL-0006"),
        ("CON-0012", "ORG-NL-0004"),
        ("CON-0013", "ORG-NL-0005"),
        ("CON-0016", "ORG-NL-0007"),
    ]
    assert seen == everything["items"]


async def test_a_contact_has_its_employment_history(client, headers):
    path = "/v1/contacts/CON-0008"

    before = client.get(path, params={"as_of": "2024-06-30"}, headers=headers).json()
    after = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()

    assert {key: before[key] for key in ("key", "first_name", "last_name", "email", "phone")} == {
        "key": "CON-0008",
        "first_name": "Stefan",
        "last_name": "Roth",
        "email": "s.roth@mueller-haustechnik.example",
        "phone": "+49 911 3120 45",
    }
    assert before["hidden_count"] == 0
    assert [(job["organisation_key"], job["since"], job["until"], job["current"]) for job in before["employments"]] == [
        ("ORG-DE-0024", "2016-01-01", "2024-09-30", True),
        ("ORG-DE-0011", "2024-10-01", None, False),
    ]
    assert [job["current"] for job in after["employments"]] == [False, True]
    assert set(after["employments"][0]) == {
        "organisation_key",
        "organisation_name",
        "role",
        "department",
        "is_main_contact",
        "since",
        "until",
        "current",
    }


async def test_an_open_start_comes_first_in_the_history(client, headers):
    body = client.get("/v1/contacts/CON-0021", headers=headers).json()

    assert [(job["organisation_key"], job["since"]) for job in body["employments"]] == [
        ("ORG-DE-0025", None),
        ("ORG-DE-0024", "2003-01-01"),
    ]


async def test_a_merged_duplicates_key_answers_for_its_survivor(client, store, headers):
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")

    body = contacts_of(client, headers, "ORG-DE-0025", as_of="2025-06-30")
    first = contacts_of(client, headers, "ORG-DE-0025", as_of="2025-06-30", include_former="true", limit=1)
    second = contacts_of(
        client, headers, "ORG-DE-0025", as_of="2025-06-30", include_former="true", limit=1, cursor=first["next_cursor"]
    )

    assert pairs(body) == [("CON-0021", "ORG-DE-0024")]
    assert pairs(first) + pairs(second) == [("CON-0021", "ORG-DE-0024"), ("CON-0008", "ORG-DE-0024")]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("path", ["/v1/organisations/NO-SUCH-ORG/contacts", "/v1/contacts/NO-SUCH-CONTACT"])
async def test_an_unknown_key_is_404_problem_json(client, headers, path):
    response = client.get(path, headers=headers)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "NO-SUCH" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/v1/organisations/ORG-DE-0001/contacts", "/v1/contacts/CON-0001"])
async def test_a_request_without_key_is_401(client, headers, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    "params",
    [{"scope": "everything"}, {"limit": 0}, {"limit": 10_001}, {"cursor": "not a cursor"}, {"as_of": "2025-13-01"}],
)
async def test_bad_parameters_are_422_problem_json(client, headers, params):
    response = client.get("/v1/organisations/ORG-DE-0001/contacts", params=params, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_reps_contact_list_and_contact_leave_out_organisations_they_may_not_see(client, store, headers):
    anna = {"Authorization": f"Bearer {await auth.create_key(store, user_key='anna.becker')}"}

    group = contacts_of(client, anna, "ORG-DE-0009", as_of="2025-06-30", scope="group")
    everything = contacts_of(client, headers, "ORG-DE-0009", as_of="2025-06-30", scope="group")
    client.app.state.clock = lambda: datetime.date(2024, 6, 30)  # while he works at Krause, which anna sees
    krause = client.get("/v1/contacts/CON-0008", params={"as_of": "2024-06-30"}, headers=anna).json()

    assert {organisation for _, organisation in pairs(group)} <= {"ORG-DE-0009", "ORG-DE-0010"}
    assert group["hidden_count"] == len(everything["items"]) - len(group["items"]) > 0
    # Then at Krause (hers), later at Müller Haustechnik (not hers): the later job is left out and counted.
    assert [job["organisation_key"] for job in krause["employments"]] == ["ORG-DE-0024"]
    assert krause["hidden_count"] == 1
