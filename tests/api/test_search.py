"""`GET /v1/organisations`: the search on the demo data, over HTTP."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, loading
from seed.demo import DEMO_DIR

PATH = "/v1/organisations"


@pytest.fixture
async def keys(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {
        user: {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"} for user in ("lena.vogel",)
    }


async def test_a_key_a_vat_id_and_a_name_prefix_answer_with_how_they_matched(client, keys):
    admin = keys["lena.vogel"]

    by_key = client.get(PATH, params={"q": "ORG-DE-0001"}, headers=admin).json()["items"]
    by_vat = client.get(PATH, params={"q": "de 281.734-561"}, headers=admin).json()["items"]
    by_name = client.get(PATH, params={"q": "müller hol"}, headers=admin).json()["items"]

    assert (by_key[0]["key"], by_key[0]["match"]) == ("ORG-DE-0001", "key")
    assert (by_vat[0]["key"], by_vat[0]["match"]) == ("ORG-DE-0001", "vat_id")
    assert [(item["key"], item["match"]) for item in by_name] == [("ORG-DE-0001", "name")]


async def test_pages_give_every_match_once_in_a_stable_order(client, keys):
    whole = client.get(PATH, params={"country": "DE"}, headers=keys["lena.vogel"]).json()
    seen, cursor = [], None
    while True:
        page = client.get(PATH, params={"country": "DE", "limit": 2, "cursor": cursor}, headers=keys["lena.vogel"])
        seen.extend(item["key"] for item in page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break

    assert seen == [item["key"] for item in whole["items"]] and len(set(seen)) == len(seen) > 2
    assert "hidden_count" not in whole


@pytest.mark.parametrize("q", ['"', "\\", "*", "@x|y", "-zq ~xj", "' OR 1=1 //", "zq\x00xj", "x" * 10_000])
async def test_hostile_text_never_fails_nor_matches_wrongly(client, keys, q):
    response = client.get(PATH, params={"q": q}, headers=keys["lena.vogel"])

    assert response.status_code == 200 and response.json()["items"] == []


async def test_neither_q_nor_country_is_refused(client, keys):
    response = client.get(PATH, params={"q": " ", "country": ""}, headers=keys["lena.vogel"])

    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM_JSON
    assert "q, country" in response.json()["detail"]


async def test_without_a_key_it_answers_401(client, keys):
    assert client.get(PATH, params={"q": "a"}).status_code == 401
