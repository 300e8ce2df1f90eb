"""Days from 0001-01-01 to 9999-12-31 through the API: stored, compared and shown right, and never a 500.

FalkorDB compared its own dates wrongly once they were more than about 68 years apart, and a day before the year
1000 broke every rollup: crmgraph stores day numbers instead (graph/days.py, docs/hierarchy.md "Days").
"""

import datetime

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from api.app import create_app
from graph import admin, auth, loading
from seed.demo import DEMO_DIR
from tests.helpers import add_users, load_rows

TODAY = datetime.date.today().isoformat()
# Every read whose answer depends on the days of links, and the rollups that read the snapshot.
READS = (
    "/v1/organisations/C",
    "/v1/organisations/C/ancestors",
    "/v1/organisations/C/root",
    "/v1/organisations/C/siblings",
    "/v1/organisations/C/memberships",
    "/v1/organisations/C/customers",
    "/v1/organisations/C/revenue?scope=group",
    "/v1/organisations/P/descendants",
    "/v1/organisations/P/group",
    "/v1/organisations/P/contacts?scope=group&include_former=true",
    "/v1/organisations/P/revenue?scope=subtree&breakdown=period,member,tree",
    "/v1/organisations/A/members",
    "/v1/organisations/P/suppliers",
    "/v1/contacts/K",
    "/v1/groups",
    "/v1/reports/one-face",
    "/v1/organisations/C/viewers",
)


@pytest.fixture
async def admin_headers(store, tmp_path) -> dict[str, str]:
    await add_users(store, tmp_path / "users", admin="admin")
    return {"Authorization": f"Bearer {await auth.create_key(store, user_key='admin')}"}


async def load_links(store, directory, valid_from: str, valid_to: str) -> None:
    """P is C's parent, C a member of A, K works at C, C supplies P: every link from `valid_from` to `valid_to`."""
    await load_rows(
        store, directory, "organisations", [{"key": key, "name": f"Org {key}", "country": "DE"} for key in "PCA"]
    )
    await load_rows(store, directory, "contacts", [{"key": "K", "last_name": "Kay"}])
    period = {"valid_from": valid_from, "valid_to": valid_to}
    await load_rows(store, directory, "parents", [{"parent_key": "P", "child_key": "C", **period}])
    await load_rows(store, directory, "memberships", [{"member_key": "C", "association_key": "A", **period}])
    jobs = [{"contact_key": "K", "organisation_key": "C", "since": valid_from, "until": valid_to}]
    await load_rows(store, directory, "employments", jobs)
    supplies = [{"supplier_key": "C", "customer_key": "P", "since": valid_from, "until": valid_to}]
    await load_rows(store, directory, "supplies", supplies)
    await load_rows(store, directory, "debtors", [{"number": "100", "name": "Debtor 100"}])
    await load_rows(store, directory, "accounts", [{"organisation_key": "C", "debtor_number": "100"}])
    await load_rows(store, directory, "revenue", [{"debtor_number": "100", "period": TODAY[:7], "revenue": "10.00"}])


async def test_a_link_begun_in_1901_and_open_until_9999_12_31_holds_today(client, store, tmp_path, admin_headers):
    await load_links(store, tmp_path, "1901-01-01", "9999-12-31")

    def get(path: str, **params: str) -> dict:
        response = client.get(path, params=params, headers=admin_headers)
        assert response.status_code == 200, response.text
        return response.json()

    assert get("/v1/organisations/C")["parent"] == {
        "key": "P",
        "name": "Org P",
        "kind": "legal",
        "valid_from": "1901-01-01",
        "valid_to": "9999-12-31",
        "share": None,
    }
    assert [item["key"] for item in get("/v1/organisations/C/ancestors")["items"]] == ["P"]
    assert get("/v1/organisations/C/root")["key"] == "P"
    assert [member["key"] for member in get("/v1/organisations/P/group")["members"]] == ["C"]
    assert get("/v1/organisations/P/revenue", scope="subtree")["revenue"] == 10.0
    assert [item["key"] for item in get("/v1/organisations/C/memberships")["items"]] == ["A"]
    assert [item["key"] for item in get("/v1/organisations/P/contacts", scope="group")["items"]] == ["K"]
    assert get("/v1/contacts/K")["employments"][0]["current"] is True
    assert get("/v1/organisations/C/ancestors", as_of="1900-12-31")["items"] == []
    assert get("/v1/organisations/C/root", as_of="9999-12-31")["key"] == "P"


async def test_a_link_ended_in_the_year_339_breaks_no_read_now_or_after_a_restart(client, store, settings):
    await loading.load_paths(store, [DEMO_DIR])
    headers = {"Authorization": f"Bearer {await auth.create_key(store, user_key='admin')}"}
    reads = [
        "/v1/groups",
        "/v1/organisations/ORG-DE-0001/revenue?scope=group",
        "/v1/organisations/ORG-DE-0001/contacts?scope=group",
        "/v1/reports/one-face",
        "/v1/users/thomas.huber/organisations",
        "/v1/users/thomas.huber/revenue",
    ]

    ended = client.delete("/v1/organisations/ORG-DE-0005/parent", params={"valid_to": "0339-08-10"}, headers=headers)

    assert ended.status_code in (200, 404, 409), ended.text
    for path in reads:
        assert client.get(path, headers=headers).status_code == 200, path
    with TestClient(create_app(settings)) as restarted:
        for path in reads:
            assert restarted.get(path, headers=headers).status_code == 200, path


calendar_days = st.dates(datetime.date.min, datetime.date.max)


@examples(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ends=st.lists(calendar_days, min_size=2, max_size=2).map(sorted), as_of=calendar_days)
async def test_links_of_any_days_answer_every_read_right(client, store, tmp_path, ends, as_of):
    await admin.delete_everything(store)
    await add_users(store, tmp_path / "users", admin="admin")
    headers = {"Authorization": f"Bearer {await auth.create_key(store, user_key='admin')}"}
    valid_from, valid_to = (day.isoformat() for day in ends)
    await load_links(store, tmp_path, valid_from, valid_to)

    answers = {path: client.get(f"{path}{'&' if '?' in path else '?'}as_of={as_of}", headers=headers) for path in READS}

    assert {path: answer.status_code for path, answer in answers.items()} == dict.fromkeys(READS, 200)
    in_force = ends[0] <= as_of <= ends[1]
    ancestors = answers["/v1/organisations/C/ancestors"].json()["items"]
    assert [item["key"] for item in ancestors] == (["P"] if in_force else [])
    assert [item["key"] for item in answers["/v1/organisations/C/memberships"].json()["items"]] == (
        ["A"] if in_force else []
    )
    contacts = answers["/v1/organisations/P/contacts?scope=group&include_former=true"].json()["items"]
    assert [item["key"] for item in contacts] == (["K"] if in_force else [])
