"""Authentication: API keys, their revocation, and acting for another user."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth
from tests.helpers import add_users


@pytest.fixture
async def keys(store, tmp_path):
    await add_users(store, tmp_path, rep="rep", svc="service", admin="admin")
    return {user: await auth.create_key(store, user_key=user) for user in ("rep", "svc", "admin")}


def bearer(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


async def test_a_request_without_key_is_401_problem_json(client):
    response = client.get("/v1/me")

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


async def test_an_unknown_key_is_401(client, keys):
    response = client.get("/v1/me", headers=bearer("crm_not-a-key"))

    assert response.status_code == 401


async def test_a_valid_key_answers_for_its_user(client, keys):
    response = client.get("/v1/me", headers=bearer(keys["rep"]))

    assert response.status_code == 200
    assert response.json() == {"key": "rep", "name": "Rep", "role": "rep", "authenticated_as": "rep"}


async def test_keys_are_stored_only_as_hashes(store, keys):
    from graph.queries import ALL_QUERIES

    rows = await store.read(ALL_QUERIES["auth/find_user_by_key_hash"], {"hash": keys["rep"]})

    assert rows == []  # the key itself is no stored value
    assert await store.read(ALL_QUERIES["auth/find_user_by_key_hash"], {"hash": auth.hash_key(keys["rep"])})


async def test_a_revoked_key_is_401_and_other_users_keep_theirs(client, store, keys):
    revoked = await auth.revoke_keys(store, user_key="rep")

    assert revoked == 1
    assert client.get("/v1/me", headers=bearer(keys["rep"])).status_code == 401
    assert client.get("/v1/me", headers=bearer(keys["admin"])).status_code == 200


async def test_a_service_key_may_act_for_a_user(client, keys):
    response = client.get("/v1/me", headers={**bearer(keys["svc"]), "X-Act-As": "rep"})

    assert response.status_code == 200
    assert response.json()["key"] == "rep"
    assert response.json()["authenticated_as"] == "svc"


@pytest.mark.parametrize("user", ["rep", "admin"])
async def test_any_other_role_sending_act_as_is_403(client, keys, user):
    response = client.get("/v1/me", headers={**bearer(keys[user]), "X-Act-As": "svc"})

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_acting_for_an_unknown_user_is_403(client, keys):
    response = client.get("/v1/me", headers={**bearer(keys["svc"]), "X-Act-As": "nobody"})

    assert response.status_code == 403


async def test_keys_for_an_unknown_user_are_refused(store):
    from graph.errors import NotFound

    with pytest.raises(NotFound):
        await auth.create_key(store, user_key="nobody")
    with pytest.raises(NotFound):
        await auth.revoke_keys(store, user_key="nobody")


async def test_every_v1_route_but_health_needs_a_key(client):
    routes = [
        (method.upper(), path)
        for path, operations in client.app.openapi()["paths"].items()
        if path.startswith("/v1/") and path != "/v1/health"
        for method in operations
    ]

    answers = {
        (method, path): client.request(method, path.replace("{", "").replace("}", "")).status_code
        for method, path in routes
    }

    assert routes
    assert {route: status for route, status in answers.items() if status != 401} == {}
