"""The connection endpoints on the demo data: memberships, members, suppliers, customers, related, as of a day."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from seed.demo import DEMO_DIR

ENDPOINTS = ["memberships", "members", "suppliers", "customers", "related"]
DAY = {"as_of": "2025-06-30"}


@pytest.fixture
async def headers(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {"Authorization": f"Bearer {await auth.create_key(store, user_key='lena.vogel')}"}


def get(client, headers, path, **params):
    response = client.get(f"/v1/organisations/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.json()
    return response.json()


async def test_memberships_name_the_association_with_its_kind(client, headers):
    body = get(client, headers, "ORG-DE-0003/memberships", **DAY)

    assert body == {
        "items": [
            {
                "key": "ORG-DE-0050",
                "name": "Baustoff-Einkaufsring Süd eG",
                "kind": "association",
                "valid_from": "2016-01-01",
                "valid_to": None,
            }
        ],
        "next_cursor": None,
        "hidden_count": 0,
    }


async def test_members_honour_as_of_and_pages_cover_them_exactly_once(client, headers):
    path = "ORG-DE-0050/members"
    members_2024 = [item["key"] for item in get(client, headers, path, as_of="2024-12-31")["items"]]
    members_2025 = [item["key"] for item in get(client, headers, path, as_of="2025-01-01")["items"]]

    seen, cursor = [], None
    while True:
        page = get(client, headers, path, as_of="2024-12-31", limit=4, **({"cursor": cursor} if cursor else {}))
        seen.extend(item["key"] for item in page["items"])
        if (cursor := page["next_cursor"]) is None:
            break

    assert members_2024 == ["ORG-AT-0001", "ORG-DE-0003", "ORG-DE-0011", "ORG-DE-0021", "ORG-DE-0022", "ORG-DE-0023"]
    assert members_2025 == [key for key in members_2024 if key != "ORG-DE-0023"]  # left on 2024-12-31
    assert seen == members_2024


async def test_group_suppliers_leave_out_the_groups_own_and_list_each_link(client, headers):
    own = get(client, headers, "ORG-DE-0002/suppliers", **DAY)["items"]
    müller_group = get(client, headers, "ORG-DE-0007/suppliers", scope="group", **DAY)["items"]
    vdb_2024 = get(client, headers, "ORG-NL-0005/suppliers", scope="group", as_of="2024-12-31")["items"]
    vdb_2025 = get(client, headers, "ORG-NL-0005/suppliers", scope="group", as_of="2025-01-01")["items"]

    assert [(item["key"], item["via_key"]) for item in own] == [
        ("ORG-DE-0009", "ORG-DE-0002"),
        ("ORG-DE-0030", "ORG-DE-0002"),
    ]
    assert müller_group == [
        {
            "key": "ORG-DE-0030",
            "name": "Schwarzwald Dämmtechnik GmbH",
            "since": "2016-03-01",
            "until": None,
            "note": "Dämmstoffe, Rahmenvertrag",
            "via_key": "ORG-DE-0002",
        }
    ]  # Müller Logistik supplies inside the group: internal, left out
    assert [(item["key"], item["via_key"]) for item in vdb_2024] == [
        ("ORG-NL-0030", "ORG-NL-0003"),
        ("ORG-NL-0030", "ORG-NL-0006"),
    ]
    assert [(item["key"], item["via_key"]) for item in vdb_2025] == [("ORG-NL-0030", "ORG-NL-0003")]


async def test_customers_of_a_supplier(client, headers):
    body = get(client, headers, "ORG-DE-0030/customers", **DAY)

    assert [(item["key"], item["via_key"]) for item in body["items"]] == [
        ("ORG-DE-0002", "ORG-DE-0030"),
        ("ORG-DE-0021", "ORG-DE-0030"),
    ]
    assert body["hidden_count"] == 0 and body["next_cursor"] is None
    assert get(client, headers, "ORG-DE-0009/customers", scope="group", **DAY)["items"] == []


async def test_related_shows_contacts_by_full_name_and_filters_by_type(client, headers):
    everything = get(client, headers, "ORG-DE-0001/related", **DAY)
    sisters = get(client, headers, "ORG-CH-0001/related", type="sister_of")["items"]
    consultants = get(client, headers, "ORG-CH-0001/related", type="consultant_of")["items"]

    assert everything == {
        "items": [
            {
                "key": "CON-0023",
                "name": "Nina Kessler",
                "label": "Contact",
                "type": "consultant_of",
                "direction": "incoming",
                "note": "Beratung Konzernumbau 2024, Verlagerung Haustechnik",
            }
        ],
        "next_cursor": None,
        "hidden_count": 0,
    }
    assert [(item["key"], item["label"], item["direction"]) for item in sisters] == [
        ("ORG-AT-0001", "Organisation", "incoming")
    ]
    assert consultants == []


async def test_an_unregistered_type_is_422_naming_the_registered_ones(client, headers):
    response = client.get("/v1/organisations/ORG-DE-0001/related", params={"type": "owner_of"}, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "'owner_of'" in response.json()["detail"]
    assert "consultant_of, former_name_of, sister_of" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ["suppliers", "customers"])
async def test_an_unknown_scope_is_422(client, headers, endpoint):
    response = client.get(f"/v1/organisations/ORG-DE-0001/{endpoint}", params={"scope": "subtree"}, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "scope" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_an_unknown_organisation_is_404_problem_json(client, headers, endpoint):
    response = client.get(f"/v1/organisations/NO-SUCH-ORG/{endpoint}", headers=headers)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_every_endpoint_needs_an_api_key(client, endpoint):
    response = client.get(f"/v1/organisations/ORG-DE-0001/{endpoint}")

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_merged_duplicates_key_still_answers_for_its_survivor(client, store, headers):
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")

    response = client.get("/v1/organisations/ORG-DE-0025/memberships", headers=headers)

    assert response.status_code == 200


async def test_a_reps_group_suppliers_leave_out_links_with_an_end_they_may_not_see(client, store, headers):
    anna = {"Authorization": f"Bearer {await auth.create_key(store, user_key='anna.becker')}"}
    thomas = {"Authorization": f"Bearer {await auth.create_key(store, user_key='thomas.huber')}"}

    everything = get(client, headers, "ORG-DE-0009/suppliers", scope="group", **DAY)
    hers = get(client, anna, "ORG-DE-0009/suppliers", scope="group", **DAY)
    his = get(client, thomas, "ORG-DE-0009/suppliers", scope="group", **DAY)

    # Schwarzwald Dämmtechnik supplies Müller Baustoffe: both in thomas's south, neither in anna's north.
    assert [(item["key"], item["via_key"]) for item in everything["items"]] == [("ORG-DE-0030", "ORG-DE-0002")]
    assert hers == {"items": [], "next_cursor": None, "hidden_count": 1}
    assert his == everything and his["hidden_count"] == 0
