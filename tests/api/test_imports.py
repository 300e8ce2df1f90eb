"""`POST /v1/imports/{kind}`: a load file as the body, admins only, answered with the load report."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, loading
from tests.helpers import add_users
from tests.loading.helpers import keys as stored_keys
from tests.loading.periods import END, PERIOD_KINDS, START, PeriodKind, write_base

CSV = {"Content-Type": "text/csv"}
ORGANISATIONS = "key,name,kind\nORG-A,Alpha,\nORG-B,Beta,factory\nORG-C,Gamma,branch\n"


@pytest.fixture
async def api_keys(store, tmp_path):
    await add_users(store, tmp_path, admin="admin", rep="rep", analyst="analyst")
    return {user: await auth.create_key(store, user_key=user) for user in ("admin", "rep", "analyst")}


def as_user(api_keys, user: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_keys[user]}", **headers}


async def test_an_admin_loads_a_csv_body_and_gets_the_report(client, store, api_keys):
    response = client.post(
        "/v1/imports/organisations", content=ORGANISATIONS, headers=as_user(api_keys, "admin", **CSV)
    )

    assert response.status_code == 200
    report = response.json()
    assert (report["dry_run"], report["strict"], report["ok"]) == (False, False, False)
    assert report["totals"] == {
        "files": 1,
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "not_written": 0,
    }
    (file,) = report["files"]
    assert (file["file"], file["kind"], file["outcome"]) == ("organisations.csv", "organisations", "loaded")
    assert file["rejections"] == [
        {
            "file": "organisations.csv",
            "line": 3,
            "field": "kind",
            "reason": "unknown value 'factory'; expected one of company, branch, household, association, chain",
        }
    ]
    assert await stored_keys(store, "Organisation") == {"ORG-A", "ORG-C"}


async def test_a_json_lines_body_loads_too_and_again_changes_nothing(client, store, api_keys):
    body = '{"key": "CON-1", "last_name": "Meier"}\n{"key": "CON-2", "last_name": "Schulz", "phone": 4930}\n'
    headers = as_user(api_keys, "admin", **{"Content-Type": "application/x-ndjson; charset=utf-8"})

    first = client.post("/v1/imports/contacts", content=body, headers=headers)
    again = client.post("/v1/imports/contacts", content=body, headers=headers)

    assert first.status_code == again.status_code == 200
    assert first.json()["files"][0]["file"] == "contacts.jsonl"
    assert (first.json()["totals"]["created"], again.json()["totals"]["unchanged"]) == (2, 2)
    assert await stored_keys(store, "Contact") == {"CON-1", "CON-2"}


async def test_a_dry_run_reports_what_would_change_and_changes_nothing(client, store, api_keys):
    response = client.post(
        "/v1/imports/organisations?dry_run=true", content=ORGANISATIONS, headers=as_user(api_keys, "admin", **CSV)
    )

    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert (response.json()["totals"]["created"], response.json()["totals"]["rejected"]) == (2, 1)
    assert await stored_keys(store, "Organisation") == set()


async def test_strict_writes_nothing_of_a_body_with_a_rejected_row(client, store, api_keys):
    response = client.post(
        "/v1/imports/organisations?strict=true", content=ORGANISATIONS, headers=as_user(api_keys, "admin", **CSV)
    )

    assert response.status_code == 200
    assert response.json()["files"][0]["outcome"] == "refused"
    assert response.json()["totals"]["not_written"] == 2
    assert await stored_keys(store, "Organisation") == set()


@pytest.mark.parametrize("period", PERIOD_KINDS, ids=[period.kind for period in PERIOD_KINDS])
async def test_a_link_that_ends_before_it_starts_is_reported_and_not_written(
    client, store, api_keys, tmp_path, period: PeriodKind
):
    await loading.load_paths(store, [write_base(tmp_path / "base")])

    response = client.post(
        f"/v1/imports/{period.kind}", content=period.file(START, END), headers=as_user(api_keys, "admin", **CSV)
    )

    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["files"][0]["rejections"] == [
        {"file": f"{period.kind}.csv", "line": 2, "field": period.end, "reason": period.backwards_reason()}
    ]
    assert await period.stored(store) == set()


async def test_a_bad_header_is_reported_as_a_failed_file(client, api_keys):
    response = client.post(
        "/v1/imports/organisations", content="key,colour\nORG-A,red\n", headers=as_user(api_keys, "admin", **CSV)
    )

    assert response.status_code == 200
    (file,) = response.json()["files"]
    assert file["outcome"] == "failed"
    assert (file["error"]["line"], file["error"]["field"]) == (1, "colour")


@pytest.mark.parametrize("user", ["rep", "analyst"])
async def test_any_role_but_admin_is_403(client, store, api_keys, user):
    response = client.post("/v1/imports/organisations", content=ORGANISATIONS, headers=as_user(api_keys, user, **CSV))

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert await stored_keys(store, "Organisation") == set()


async def test_without_a_key_it_is_401(client):
    response = client.post("/v1/imports/organisations", content=ORGANISATIONS, headers=CSV)

    assert response.status_code == 401


async def test_an_unknown_kind_is_404(client, api_keys):
    response = client.post("/v1/imports/customers", content=ORGANISATIONS, headers=as_user(api_keys, "admin", **CSV))

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "unknown kind 'customers'" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
async def test_another_content_type_is_415(client, api_keys, content_type):
    headers = as_user(api_keys, "admin", **({"Content-Type": content_type} if content_type else {}))

    response = client.post("/v1/imports/organisations", content=ORGANISATIONS, headers=headers)

    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_body_over_the_limit_is_413_and_nothing_is_loaded(client, store, api_keys, monkeypatch):
    limited = client.app.state.settings.model_copy(update={"max_import_bytes": 20})
    monkeypatch.setattr(client.app.state, "settings", limited)

    declared = client.post(
        "/v1/imports/organisations", content=ORGANISATIONS, headers=as_user(api_keys, "admin", **CSV)
    )
    streamed = client.post(
        "/v1/imports/organisations",
        content=(chunk.encode() for chunk in ORGANISATIONS.splitlines(keepends=True)),  # chunked: no length given
        headers=as_user(api_keys, "admin", **CSV),
    )

    assert declared.status_code == streamed.status_code == 413
    assert declared.headers["content-type"] == PROBLEM_JSON
    assert "larger than 20 bytes (CRMGRAPH_MAX_IMPORT_BYTES)" in streamed.json()["detail"]
    assert await stored_keys(store, "Organisation") == set()
