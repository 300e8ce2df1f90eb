"""`PUT` and `DELETE /v1/organisations/{key}/parent`: admins re-parent and end links; refusals are problems."""

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, duplicates
from graph.hierarchy.rules import Link
from tests.helpers import add_users
from tests.hierarchy.helpers import add_links, add_organisations, d
from tests.structure.helpers import parent_links

PATH = "/v1/organisations/{}/parent"


@pytest.fixture
async def headers(store, tmp_path):
    """Bearer headers per role; organisations G → H1 → A → B, and H2, A under H1 since 2020."""
    await add_users(store, tmp_path, admin="admin", rep="rep", analyst="analyst")
    await add_organisations(store, tmp_path, ["G", "H1", "H2", "A", "B"])
    await add_links(store, tmp_path, [Link("G", "H1"), Link("H1", "A", d("2020-01-01")), Link("A", "B")])
    return {
        user: {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"}
        for user in ("admin", "rep", "analyst")
    }


async def test_an_admin_re_parents_and_the_ancestors_follow_the_day(client, store, headers):
    body = {"parent_key": "H2", "kind": "branch", "valid_from": "2024-07-01"}

    response = client.put(PATH.format("A"), json=body, headers=headers["admin"])

    assert response.status_code == 200
    assert response.json() == {
        "link": {
            "parent_key": "H2",
            "child_key": "A",
            "kind": "branch",
            "valid_from": "2024-07-01",
            "valid_to": None,
            "share": None,
        },
        "ended": {
            "parent_key": "H1",
            "child_key": "A",
            "kind": "legal",
            "valid_from": "2020-01-01",
            "valid_to": "2024-06-30",
            "share": None,
        },
    }
    ancestors = "/v1/organisations/B/ancestors"
    before = client.get(ancestors, params={"as_of": "2024-06-30"}, headers=headers["admin"]).json()["items"]
    after = client.get(ancestors, params={"as_of": "2024-07-01"}, headers=headers["admin"]).json()["items"]
    assert [item["key"] for item in before] == ["A", "H1", "G"]
    assert [item["key"] for item in after] == ["A", "H2"]


async def test_putting_the_same_parent_again_changes_nothing(client, store, headers):
    body = {"parent_key": "H1", "valid_from": "2024-07-01"}

    response = client.put(PATH.format("A"), json=body, headers=headers["admin"])

    assert response.status_code == 200
    assert (response.json()["link"]["valid_from"], response.json()["ended"]) == ("2020-01-01", None)
    assert Link("H1", "A", d("2020-01-01"), None, "legal", None) in await parent_links(store)


async def test_delete_ends_the_link_of_the_day_and_then_there_is_none(client, store, headers):
    ended = client.delete(PATH.format("A"), params={"valid_to": "2024-03-31"}, headers=headers["admin"])
    after = client.delete(PATH.format("A"), params={"valid_to": "2024-04-01"}, headers=headers["admin"])

    assert ended.status_code == 200
    assert ended.json() == {
        "parent_key": "H1",
        "child_key": "A",
        "kind": "legal",
        "valid_from": "2020-01-01",
        "valid_to": "2024-03-31",
        "share": None,
    }
    assert after.status_code == 404
    assert after.headers["content-type"] == PROBLEM_JSON
    assert after.json()["detail"] == "A has no parent on 2024-04-01"


@pytest.mark.parametrize(
    ("key", "body", "status", "detail"),
    [
        (
            "G",
            {"parent_key": "B", "valid_from": "2024-01-01"},
            409,
            "cannot make B the parent of G from 2024-01-01: B → G would make a cycle: G is an ancestor of B "
            "(G → H1 → A → B) during 2024-01-01 to (open)",
        ),
        (
            "A",
            {"parent_key": "H2", "valid_from": "2020-01-01"},
            409,
            "cannot make H2 the parent of A from 2020-01-01: A already has the parent H1 from 2020-01-01 to (open), "
            "overlapping H2 → A from 2020-01-01 to (open)",
        ),
        (
            "A",
            {"parent_key": "H2", "share": 120},
            422,
            "share: 120 is not a percentage from 0 to 100",
        ),
        ("A", {"parent_key": "A"}, 422, "child_key: an organisation cannot be its own parent"),
        ("A", {"parent_key": "NOPE"}, 404, "parent_key: unknown organisation 'NOPE'"),
        ("NOPE", {"parent_key": "A"}, 404, "no organisation has the key 'NOPE'"),
    ],
)
async def test_refused_changes_are_problems_with_the_reason_and_change_nothing(
    client, store, headers, key, body, status, detail
):
    before = await parent_links(store)

    response = client.put(PATH.format(key), json=body, headers=headers["admin"])

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    assert detail in response.json()["detail"]
    assert await parent_links(store) == before


@pytest.mark.parametrize("method", ["put", "delete"])
async def test_only_admins_may_change_the_structure(client, store, headers, method):
    send = getattr(client, method)
    arguments = {"json": {"parent_key": "H2"}} if method == "put" else {}
    before = await parent_links(store)

    anonymous = send(PATH.format("A"), **arguments)
    others = [send(PATH.format("A"), headers=headers[user], **arguments) for user in ("rep", "analyst")]

    assert anonymous.status_code == 401
    assert [response.status_code for response in others] == [403, 403]
    assert await parent_links(store) == before


async def test_a_merged_duplicates_key_stands_for_its_survivor(client, store, tmp_path, headers):
    await add_organisations(store, tmp_path, ["H2-OLD", "A-OLD"])
    await duplicates.merge(store, survivor="H2", duplicate="H2-OLD")
    await duplicates.merge(store, survivor="A", duplicate="A-OLD")

    response = client.put(
        PATH.format("A-OLD"), json={"parent_key": "H2-OLD", "valid_from": "2024-07-01"}, headers=headers["admin"]
    )

    assert response.status_code == 200
    assert (response.json()["link"]["parent_key"], response.json()["link"]["child_key"]) == ("H2", "A")
