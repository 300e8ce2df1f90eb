"""`GET /v1/health`, the OpenAPI docs and error rendering."""

from api.problems import PROBLEM_JSON
from tests.helpers import add_users


async def test_health_needs_no_key_and_counts_nodes_and_relationships(client, store, tmp_path):
    await add_users(store, tmp_path, one="rep", two="admin")

    body = client.get("/v1/health").json()

    assert body["status"] == "ok"
    assert body["engine"] == store.engine
    assert body["engine_version"].split()[0] in ("FalkorDB", "Neo4j")
    assert body["labels"] == {"User": 2}
    assert (body["nodes"], body["relationships"]) == (2, 0)


async def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/v1/health" in client.get("/openapi.json").json()["paths"]


async def test_an_unknown_route_is_404_problem_json(client):
    response = client.get("/v1/no-such-thing")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
