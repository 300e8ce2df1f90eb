"""Authentication: API keys, their revocation, and acting for another user."""

import secrets

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.problems import PROBLEM_JSON
from graph import admin, auth
from graph.errors import Unauthenticated
from graph.store.opening import open_store
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


@pytest.mark.parametrize("user", ["admin", "svc", "svc2"])
async def test_a_service_key_may_not_act_for_an_admin_or_a_service(client, store, tmp_path, keys, user):
    await add_users(store, tmp_path / "more", svc2="service")
    as_admin = {**bearer(keys["svc"]), "X-Act-As": user}

    me = client.get("/v1/me", headers=as_admin)
    imported = client.post(
        "/v1/imports/users", headers=as_admin | {"Content-Type": "text/csv"}, content=b"key,name,role\n"
    )

    assert me.status_code == imported.status_code == 403
    assert me.headers["content-type"] == PROBLEM_JSON


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


class CountingStore:
    """A store that notes the name of every query it reads, the revision token's too."""

    def __init__(self, store):
        self.store = store
        self.asked: list[str] = []

    async def read(self, query, params=None):
        self.asked.append(query.name)
        return await self.store.read(query, params)

    async def revision(self):
        self.asked.append("revision")
        return await self.store.revision()


async def test_while_the_graph_is_unchanged_a_key_is_looked_up_once(store, keys):
    counting = CountingStore(store)

    callers = [await auth.authenticate(counting, api_key=keys["rep"]) for _ in range(3)]

    assert {caller.key for caller in callers} == {"rep"}
    assert counting.asked == ["revision", "auth/find_user_by_key_hash", "revision", "revision"]


async def test_a_key_revoked_by_another_process_is_401_at_the_next_request(client, store, keys):
    # Arrange: the app has its own store, as another process would; it has answered for the key before.
    assert client.get("/v1/me", headers=bearer(keys["rep"])).status_code == 200

    # Act
    await auth.revoke_keys(store, user_key="rep")

    # Assert
    assert client.get("/v1/me", headers=bearer(keys["rep"])).status_code == 401
    assert client.get("/v1/me", headers=bearer(keys["admin"])).status_code == 200


async def test_a_role_changed_by_a_load_counts_at_the_next_request(client, store, keys, tmp_path):
    assert client.get("/v1/me", headers=bearer(keys["rep"])).json()["role"] == "rep"

    await add_users(store, tmp_path / "again", rep="analyst")

    assert client.get("/v1/me", headers=bearer(keys["rep"])).json()["role"] == "analyst"


USERS = ("ana", "ben")
ROLES = ("rep", "admin")
changes = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(USERS), st.integers(0, 1)),
        st.tuples(st.just("revoke"), st.sampled_from(USERS), st.integers(0, 1)),
        st.tuples(st.just("role"), st.sampled_from(USERS), st.sampled_from(ROLES)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=changes)
async def test_two_processes_answer_every_key_as_the_graph_holds_it_at_that_moment(settings, store, tmp_path, changes):
    # Arrange: a second store on the same graph stands for a second process; both keep the keys they have seen.
    await admin.delete_everything(store)
    await add_users(store, tmp_path, ana="rep", ben="rep")
    roles = {"ana": "rep", "ben": "rep"}
    active: dict[str, str] = {}  # the reference: user by active key
    made = ["crm_" + secrets.token_urlsafe(32)]  # every key made, and one never made
    async with await open_store(settings, start_engine=False) as other:
        processes = (store, other)
        for number, change in enumerate(changes):
            # Act: change the graph through either process.
            if change[0] == "create":
                made.append(await auth.create_key(processes[change[2]], user_key=change[1]))
                active[made[-1]] = change[1]
            elif change[0] == "revoke":
                await auth.revoke_keys(processes[change[2]], user_key=change[1])
                active = {api_key: user for api_key, user in active.items() if user != change[1]}
            else:
                await add_users(store, tmp_path / f"change-{number}", **{change[1]: change[2]})
                roles[change[1]] = change[2]

            # Assert: both processes answer every key as the reference holds it now.
            for api_key in made:
                expected = (active[api_key], roles[active[api_key]]) if api_key in active else None
                for process in processes:
                    assert await who(process, api_key) == expected


async def who(store, api_key: str) -> tuple[str, str] | None:
    """Return the key and role of the user a key answers for, None for a 401."""
    try:
        caller = await auth.authenticate(store, api_key=api_key)
    except Unauthenticated:
        return None
    return caller.key, caller.role
