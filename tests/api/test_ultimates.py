"""`GET /v1/reports/ultimates` and `POST /v1/imports/gleif-rr`: who may call them, and what they answer."""

import pytest

from graph import auth, loading
from tests.helpers import add_users
from tests.loading.gleif_files import HOLDING, SUB, rr, write_rr
from tests.loading.helpers import write


@pytest.fixture
async def api_keys(store, tmp_path):
    await add_users(store, tmp_path, admin="admin", rep="rep", analyst="analyst")
    return {user: await auth.create_key(store, user_key=user) for user in ("admin", "rep", "analyst")}


def as_user(api_keys, user: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_keys[user]}", **headers}


async def test_the_report_answers_analysts_and_admins_only(client, store, api_keys, tmp_path):
    organisations = write(tmp_path, "organisations.csv", "key,name,declared_ultimate_key\nA,Alpha,TOP\nTOP,Top,\n")
    await loading.load_paths(store, [organisations])

    assert client.get("/v1/reports/ultimates").status_code == 401
    assert client.get("/v1/reports/ultimates", headers=as_user(api_keys, "rep")).status_code == 403
    for caller in ("analyst", "admin"):
        response = client.get("/v1/reports/ultimates", headers=as_user(api_keys, caller))
        assert response.status_code == 200
        body = response.json()
        assert (body["checked"], body["total"], body["next_cursor"]) == (1, 1, None)
        assert body["items"] == [
            {
                "key": "A",
                "name": "Alpha",
                "declared_ultimate_key": "TOP",
                "declared_ultimate_name": "Top",
                "root_key": "A",
                "reason": "no_parent",
                "chain": ["A"],
            }
        ]


async def test_an_admin_imports_a_gleif_file_and_others_may_not(client, store, api_keys, tmp_path):
    body = write_rr(tmp_path, [rr(SUB, HOLDING), rr(SUB, "BAD")]).read_bytes()
    headers = {"Content-Type": "text/csv"}

    assert client.post("/v1/imports/gleif-rr", content=body, headers=headers).status_code == 401
    refused = client.post("/v1/imports/gleif-rr", content=body, headers=as_user(api_keys, "analyst", **headers))
    assert refused.status_code == 403
    ndjson = as_user(api_keys, "admin", **{"Content-Type": "application/x-ndjson"})
    assert client.post("/v1/imports/gleif-rr", content=body, headers=ndjson).status_code == 415
    response = client.post("/v1/imports/gleif-rr", content=body, headers=as_user(api_keys, "admin", **headers))

    assert response.status_code == 200
    report = response.json()
    assert [(file["kind"], file["created"], file["rejected"]) for file in report["files"]] == [
        ("organisations", 2, 0),
        ("parents", 1, 1),
    ]
    (rejection,) = report["files"][1]["rejections"]
    assert (rejection["file"], rejection["line"], rejection["field"]) == (
        "gleif-rr.csv",
        3,
        "Relationship.EndNode.NodeID",
    )
