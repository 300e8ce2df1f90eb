"""`GET /v1/duplicates` and `POST /v1/merges` on the demo data."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, loading
from seed.demo import DEMO_DIR


@pytest.fixture
async def keys(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {user: await auth.create_key(store, user_key=user) for user in ("admin", "lena.vogel", "thomas.huber")}


def as_user(keys, user):
    return {"Authorization": f"Bearer {keys[user]}"}


async def test_analysts_list_candidates_with_reasons_and_scores(client, keys):
    response = client.get("/v1/duplicates", params={"min_score": 0.3}, headers=as_user(keys, "lena.vogel"))

    assert response.status_code == 200
    items = response.json()["items"]
    pairs = {(item["a"]["key"], item["b"]["key"]): item for item in items}
    assert "shared_contact" in {reason["code"] for reason in pairs["ORG-DE-0024", "ORG-DE-0025"]["reasons"]}
    assert [item["score"] for item in items] == sorted((item["score"] for item in items), reverse=True)


async def test_a_rep_may_not_list_candidates(client, keys):
    response = client.get("/v1/duplicates", headers=as_user(keys, "thomas.huber"))

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_an_admin_merges_and_a_second_merge_changes_nothing(client, keys):
    body = {"survivor": "ORG-DE-0024", "duplicate": "ORG-DE-0025"}

    first = client.post("/v1/merges", json=body, headers=as_user(keys, "admin"))
    second = client.post("/v1/merges", json=body, headers=as_user(keys, "admin"))

    assert first.status_code == 200 and not first.json()["already_merged"]
    assert "ORG-DE-0025" in first.json()["former_keys"]
    assert second.status_code == 200 and second.json()["already_merged"]


@pytest.mark.parametrize("user", ["lena.vogel", "thomas.huber"])
async def test_only_admins_merge(client, keys, user):
    body = {"survivor": "ORG-DE-0024", "duplicate": "ORG-DE-0025"}

    assert client.post("/v1/merges", json=body, headers=as_user(keys, user)).status_code == 403


async def test_a_merge_that_would_close_a_cycle_is_409_with_its_reasons(client, keys):
    body = {"survivor": "ORG-DE-0001", "duplicate": "ORG-DE-0002"}

    response = client.post("/v1/merges", json=body, headers=as_user(keys, "admin"))

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["reasons"]


async def test_merging_an_unknown_organisation_is_404(client, keys):
    body = {"survivor": "ORG-DE-0024", "duplicate": "NO-SUCH-ORG"}

    assert client.post("/v1/merges", json=body, headers=as_user(keys, "admin")).status_code == 404
