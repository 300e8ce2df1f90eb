"""`GET /v1/health`, the OpenAPI docs and error rendering."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth
from graph.errors import EngineUnavailable, QueryError
from tests.helpers import add_users


async def test_health_without_a_key_tells_only_the_status_and_the_engine(client, store, tmp_path):
    await add_users(store, tmp_path, one="rep", two="admin")

    response = client.get("/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "engine": store.engine}  # no counts of users or keys


async def test_health_with_a_key_counts_nodes_and_relationships(client, store, tmp_path):
    await add_users(store, tmp_path, one="rep", two="admin")
    headers = {"Authorization": f"Bearer {await auth.create_key(store, user_key='one')}"}

    body = client.get("/v1/health", headers=headers).json()

    assert body["status"] == "ok"
    assert body["engine"] == store.engine
    assert body["engine_version"].split()[0] in ("FalkorDB", "Neo4j")
    assert body["labels"] == {"ApiKey": 1, "User": 2}
    assert (body["nodes"], body["relationships"]) == (3, 1)


async def test_health_with_an_unknown_key_is_401(client):
    response = client.get("/v1/health", headers={"Authorization": "Bearer crm_not-a-key"})

    assert response.status_code == 401


class FailingStore:
    """A store whose every read fails with `error`, as the real ones word it."""

    engine = "falkordb"

    def __init__(self, error):
        self.error = error

    async def read(self, query, params=None, **options):
        raise self.error

    async def revision(self, **options):
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "detail"),
    [
        (EngineUnavailable("the embedded engine on /srv/data/falkordb.sock does not answer"), 503, "unavailable"),
        (
            QueryError("query auth/find_user failed: errMsg: Invalid input at end of input: MATCH (u:User"),
            500,
            "failed",
        ),
    ],
)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer crm_some-key"}], ids=["no key", "key"])
async def test_an_engine_failure_answers_a_generic_detail_and_logs_the_rest(
    client, caplog, error, status, detail, headers
):
    client.app.state.store = FailingStore(error)

    response = client.get("/v1/health", headers=headers)

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    assert detail in response.json()["detail"]
    assert str(error) not in response.text and "MATCH" not in response.text and ".sock" not in response.text
    assert str(error) in caplog.text  # the operator finds it in the server's log


async def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/v1/health" in client.get("/openapi.json").json()["paths"]


async def test_an_unknown_route_is_404_problem_json(client):
    response = client.get("/v1/no-such-thing")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
