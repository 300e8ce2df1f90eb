"""`GET /v1/organisations/{key}/children` on the demo: the contract's fields, paging, visibility, errors."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from seed.demo import DEMO_DIR

YEAR = {"from": "2025-01", "to": "2025-12", "as_of": "2025-06-30"}
LEVEL_FIELDS = {
    "key",
    "name",
    "country",
    "from",
    "to",
    "as_of",
    "currency",
    "own",
    "total",
    "member_count",
    "child_count",
    "hidden_count",
    "items",
    "next_cursor",
}
ITEM_FIELDS = {
    "key",
    "name",
    "country",
    "kind",
    "share",
    "valid_from",
    "valid_to",
    "parent_key",
    "depth",
    "own",
    "total",
    "member_count",
    "hidden_count",
}


@pytest.fixture
async def keys_of(store):
    await loading.load_paths(store, [DEMO_DIR])
    users = ("lena.vogel", "anna.becker")
    return {user: {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"} for user in users}


def children(client, headers, key, **params):
    return client.get(f"/v1/organisations/{key}/children", params={**YEAR, **params}, headers=headers)


def chain(client, headers, key, **params):
    return client.get(f"/v1/organisations/{key}/levels", params={**YEAR, **params}, headers=headers)


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_level_has_every_contract_field_and_the_revenue_routes_figures(client, keys_of):
    analyst = keys_of["lena.vogel"]

    level = ok(children(client, analyst, "ORG-DE-0001"))

    assert set(level) == LEVEL_FIELDS and all(set(item) == ITEM_FIELDS for item in level["items"])
    assert (level["from"], level["to"], level["as_of"], level["currency"]) == (
        "2025-01",
        "2025-12",
        "2025-06-30",
        "EUR",
    )
    subtree = ok(
        client.get("/v1/organisations/ORG-DE-0001/revenue", params={**YEAR, "scope": "subtree"}, headers=analyst)
    )
    assert level["total"] == {"revenue": subtree["revenue"], "gross_profit": subtree["gross_profit"]}
    assert level["member_count"] == subtree["member_count"]
    for item in level["items"]:
        below = ok(
            client.get(f"/v1/organisations/{item['key']}/revenue", params={**YEAR, "scope": "subtree"}, headers=analyst)
        )
        assert item["total"]["revenue"] == below["revenue"] and item["member_count"] == below["member_count"]
        assert item["parent_key"] == "ORG-DE-0001" and item["depth"] == 1


@pytest.mark.parametrize("sort", ["key", "revenue"])
async def test_pages_cover_the_level_once_in_order(client, keys_of, sort):
    analyst = keys_of["lena.vogel"]
    whole = ok(children(client, analyst, "ORG-DE-0002", sort=sort, limit=1000))

    items, cursor = [], None
    while True:
        page = ok(
            children(client, analyst, "ORG-DE-0002", sort=sort, limit=1, **({"cursor": cursor} if cursor else {}))
        )
        items.extend(page["items"])
        if (cursor := page["next_cursor"]) is None:
            break

    assert items == whole["items"] and len(items) == whole["child_count"] > 1
    order = [item["key"] for item in items]
    if sort == "key":
        assert order == sorted(order)
    else:
        assert order == [i["key"] for i in sorted(items, key=lambda i: (-i["total"]["revenue"], i["key"]))]


async def test_a_rep_sees_their_part_with_the_hidden_count(client, keys_of):
    anna = keys_of["anna.becker"]

    hidden = children(client, anna, "ORG-DE-0001")
    missing = children(client, anna, "ORG-XX-0001")
    seen = ok(children(client, anna, "ORG-DE-0009"))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.headers["content-type"] == missing.headers["content-type"] == PROBLEM_JSON
    assert hidden.json() | {"detail": None} == missing.json() | {"detail": None}
    assert (seen["member_count"], seen["hidden_count"]) == (2, 0)
    assert [item["key"] for item in seen["items"]] == ["ORG-DE-0010"]


@pytest.mark.parametrize(("route", "answer"), [("children", "items"), ("levels", "levels")])
async def test_a_merged_duplicates_key_answers_for_its_survivor(client, store, keys_of, route, answer):
    # Without a key both answer 401 like every /v1 route (tests/api/test_auth.py).
    analyst = keys_of["lena.vogel"]
    asked = {"children": children, "levels": chain}[route]
    survivor = ok(asked(client, analyst, "ORG-DE-0024"))
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")

    merged = ok(asked(client, analyst, "ORG-DE-0025"))

    assert merged["key"] == "ORG-DE-0024" and merged[answer] == survivor[answer]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-13"},
        {"to": "2025-1"},
        {"from": "2025-06", "to": "2025-05"},
        {"sort": "name"},
        {"cursor": "nonsense"},
        {"limit": 0},
        {"as_of": "2025-02-30"},
    ],
)
async def test_bad_parameters_are_422_problem_json(client, keys_of, params):
    response = children(client, keys_of["lena.vogel"], "ORG-DE-0001", **params)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(("user", "key"), [("lena.vogel", "ORG-DE-0011"), ("anna.becker", "ORG-DE-0010")])
@pytest.mark.parametrize("sort", ["key", "revenue"])
async def test_the_levels_of_a_chain_are_the_levels_children_answers(client, keys_of, user, key, sort):
    headers = keys_of[user]
    ancestors = ok(client.get(f"/v1/organisations/{key}/ancestors", params={"as_of": YEAR["as_of"]}, headers=headers))

    answered = ok(chain(client, headers, key, sort=sort, limit=1))

    keys = [item["key"] for item in reversed(ancestors["items"])] + [key]
    assert set(answered) == {"key", "from", "to", "as_of", "currency", "hidden_count", "levels"}
    assert [level["key"] for level in answered["levels"]] == keys and len(keys) > 1
    assert answered["hidden_count"] == ancestors["hidden_count"]
    for level, below in zip(answered["levels"], [*keys[1:], None], strict=True):
        assert set(level) == LEVEL_FIELDS | {"chain_item"}
        one = ok(children(client, headers, level["key"], sort=sort, limit=1))
        assert {name: value for name, value in level.items() if name != "chain_item"} == one
        if below is None:
            assert level["chain_item"] is None
            continue
        whole = ok(children(client, headers, level["key"], sort=sort, limit=1000))
        assert level["chain_item"] == next(item for item in whole["items"] if item["key"] == below)
    organisation = ok(client.get(f"/v1/organisations/{keys[0]}", params={"as_of": YEAR["as_of"]}, headers=headers))
    assert answered["levels"][0]["country"] == organisation["country"]


async def test_the_levels_of_a_hidden_organisation_answer_404_like_a_missing_one(client, keys_of):
    anna = keys_of["anna.becker"]

    hidden = chain(client, anna, "ORG-DE-0001")
    missing = chain(client, anna, "ORG-XX-0001")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.headers["content-type"] == missing.headers["content-type"] == PROBLEM_JSON
    assert hidden.json() | {"detail": None} == missing.json() | {"detail": None}


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-13"},
        {"from": "2025-06", "to": "2025-05"},
        {"sort": "name"},
        {"limit": 0},
        {"limit": 100000},
        {"as_of": "2025-02-30"},
    ],
)
async def test_bad_parameters_of_the_levels_are_422_problem_json(client, keys_of, params):
    response = chain(client, keys_of["lena.vogel"], "ORG-DE-0011", **params)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
