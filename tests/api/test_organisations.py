"""The hierarchy endpoints on the demo data: ancestors, root, descendants, group, as of a day."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from graph.settings import Inheritance
from seed.demo import DEMO_DIR

ENDPOINTS = [
    "",
    "/ancestors",
    "/root",
    "/root?scope=domestic",
    "/descendants",
    "/descendants?format=tree",
    "/group",
    "/siblings",
]


@pytest.fixture
async def headers(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {"Authorization": f"Bearer {await auth.create_key(store, user_key='lena.vogel')}"}


async def test_ancestors_follow_the_reparenting_of_the_day(client, headers):
    path = "/v1/organisations/ORG-DE-0011/ancestors"

    before = client.get(path, params={"as_of": "2024-03-31"}, headers=headers).json()["items"]
    after = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()["items"]

    assert [(item["key"], item["depth"]) for item in before] == [("ORG-DE-0002", 1), ("ORG-DE-0001", 2)]
    assert [(item["key"], item["depth"]) for item in after] == [("ORG-DE-0001", 1)]


async def test_root_of_a_deep_branch_is_the_holding(client, headers):
    response = client.get("/v1/organisations/ORG-DE-0007/root", params={"as_of": "2025-06-30"}, headers=headers)

    assert response.json()["key"] == "ORG-DE-0001"


async def test_the_global_root_answers_as_before_and_the_domestic_one_stays_in_the_country(client, headers):
    path = "/v1/organisations/ORG-BE-0002/root"  # Gent branch → Van der Berg Belgium → the Dutch group holding

    default = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()
    chosen = client.get(path, params={"as_of": "2025-06-30", "scope": "global"}, headers=headers).json()
    domestic = client.get(path, params={"as_of": "2025-06-30", "scope": "domestic"}, headers=headers).json()

    assert (
        default
        == chosen
        == {
            "key": "ORG-NL-0001",
            "name": "Van der Berg Groep B.V.",
            "is_ultimate": True,
            "hidden_count": 0,
        }
    )
    assert domestic == {
        "key": "ORG-BE-0001",
        "name": "Van der Berg Belgium BV",
        "is_ultimate": True,
        "hidden_count": 0,
        "country": "BE",
    }


async def test_an_unknown_scope_of_the_root_is_invalid(client, headers):
    response = client.get("/v1/organisations/ORG-BE-0002/root", params={"scope": "national"}, headers=headers)

    assert response.status_code == 422


async def test_an_organisation_names_its_domestic_root_of_the_day(client, headers):
    path = "/v1/organisations/ORG-BE-0002"

    before = client.get(path, params={"as_of": "2022-04-30"}, headers=headers).json()  # not yet in the group
    after = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()
    holding = client.get("/v1/organisations/ORG-NL-0001", params={"as_of": "2025-06-30"}, headers=headers).json()

    assert before["domestic_root"] == {"key": "ORG-BE-0002", "name": "Van der Berg Belgium vestiging Gent"}
    assert after["domestic_root"] == {"key": "ORG-BE-0001", "name": "Van der Berg Belgium BV"}
    assert holding["domestic_root"] == {"key": "ORG-NL-0001", "name": "Van der Berg Groep B.V."}


async def test_descendant_pages_cover_the_group_exactly_once(client, headers):
    path = "/v1/organisations/ORG-DE-0001/descendants"
    everything = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()

    seen, cursor = [], None
    while True:
        params = {"as_of": "2025-06-30", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=params, headers=headers).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == everything["items"]
    assert everything["hidden_count"] == 0
    assert {"key", "name", "kind", "depth", "parent_key"} == set(everything["items"][0])


async def test_kinds_and_max_depth_filter_descendants(client, headers):
    path = "/v1/organisations/ORG-DE-0001/descendants"

    branches = client.get(path, params={"kinds": "branch"}, headers=headers).json()["items"]
    shallow = client.get(path, params={"max_depth": 1}, headers=headers).json()["items"]

    assert branches == []  # the holding's own links are legal: nothing under them is followed
    assert {item["depth"] for item in shallow} == {1}


async def test_group_names_the_root_and_counts_every_member(client, headers):
    response = client.get("/v1/organisations/ORG-DE-0004/group", params={"as_of": "2025-06-30"}, headers=headers)

    body = response.json()
    assert body["root"]["key"] == "ORG-DE-0001"
    assert body["member_count"] == len(body["members"]) > 5
    assert body["hidden_count"] == 0


async def test_an_organisation_comes_with_its_parent_and_child_count_of_the_day(client, headers):
    path = "/v1/organisations/ORG-DE-0011"

    before = client.get(path, params={"as_of": "2024-03-31"}, headers=headers).json()
    after = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()
    holding = client.get("/v1/organisations/ORG-DE-0001", params={"as_of": "2025-06-30"}, headers=headers).json()

    assert before["parent"] == {
        "key": "ORG-DE-0002",
        "name": "Müller Baustoffe GmbH",
        "kind": "legal",
        "valid_from": "2018-07-01",
        "valid_to": "2024-03-31",
        "share": None,
    }
    assert after["parent"]["key"] == "ORG-DE-0001" and after["parent"]["valid_from"] == "2024-04-01"
    assert (holding["key"], holding["parent"], holding["child_count"]) == ("ORG-DE-0001", None, 3)
    assert holding["name"] == "Müller Holding GmbH" and holding["city"] == "Stuttgart"


async def test_siblings_share_the_parent_of_the_day(client, headers):
    path = "/v1/organisations/ORG-DE-0004/siblings"

    early = client.get(path, params={"as_of": "2020-03-31"}, headers=headers).json()
    later = client.get(path, params={"as_of": "2025-06-30", "limit": 1}, headers=headers).json()

    assert [(item["key"], item["depth"], item["parent_key"]) for item in early["items"]] == [
        ("ORG-DE-0005", 0, "ORG-DE-0003")
    ]
    assert [item["key"] for item in later["items"]] == ["ORG-DE-0005"] and later["next_cursor"]
    rest = client.get(path, params={"as_of": "2025-06-30", "cursor": later["next_cursor"]}, headers=headers).json()
    assert [item["key"] for item in rest["items"]] == ["ORG-DE-0006"] and rest["next_cursor"] is None


async def test_the_tree_format_nests_the_flat_page(client, headers):
    path = "/v1/organisations/ORG-DE-0002/descendants"
    flat = client.get(path, params={"as_of": "2025-06-30"}, headers=headers).json()["items"]

    tree = client.get(path, params={"as_of": "2025-06-30", "format": "tree"}, headers=headers).json()

    def walk(nodes):
        for node in nodes:
            yield {field: value for field, value in node.items() if field != "children"}
            for child in node["children"]:
                assert child["parent_key"] == node["key"] and child["depth"] == node["depth"] + 1
            yield from walk(node["children"])

    assert {item["parent_key"] for item in tree["items"]} == {"ORG-DE-0002"}
    assert sorted(walk(tree["items"]), key=lambda item: item["key"]) == sorted(flat, key=lambda item: item["key"])
    assert tree["hidden_count"] == 0 and tree["next_cursor"] is None


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_every_endpoint_needs_an_api_key(client, endpoint):
    response = client.get(f"/v1/organisations/ORG-DE-0001{endpoint}")

    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_an_unknown_organisation_is_404_problem_json(client, headers, endpoint):
    response = client.get(f"/v1/organisations/NO-SUCH-ORG{endpoint}", headers=headers)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_merged_duplicates_key_still_answers_for_its_survivor(client, store, headers):
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")

    response = client.get("/v1/organisations/ORG-DE-0025/root", headers=headers)

    assert response.status_code == 200
    assert response.json()["key"] == "ORG-DE-0024"


async def test_a_reps_pages_stay_full_and_every_page_gives_the_whole_lists_hidden_count(settings, store, headers):
    thomas = {"Authorization": f"Bearer {await auth.create_key(store, user_key='thomas.huber')}"}
    path = "/v1/organisations/ORG-DE-0001/descendants"
    # Without inheritance thomas sees only what is assigned to his territory: Müller Logistik's north is hidden.
    flat = settings.model_copy(update={"visibility_inherit": Inheritance.NONE})

    with TestClient(create_app(flat)) as client:
        whole = client.get(path, params={"as_of": "2025-06-30"}, headers=thomas).json()
        pages, cursor = [], None
        while True:
            params = {"as_of": "2025-06-30", "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = client.get(path, params=params, headers=thomas).json()
            assert len(page["items"]) == 2 or page["next_cursor"] is None
            assert page["hidden_count"] == whole["hidden_count"]
            pages.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break

    assert pages == whole["items"] and whole["hidden_count"] >= 2
    assert not {"ORG-DE-0009", "ORG-DE-0010"} & {item["key"] for item in pages}
