"""`/root?scope=domestic` and the organisation's `domestic_root` on a hand-built graph: a chain that leaves the
country and comes back, an organisation without a country, a re-parenting, and a rep who may not see the top."""

import pytest

from graph import auth
from tests.helpers import load_rows

# The US holding G over DE D1 over NL N over DE D2 over DE D3; X (no country) under D2; D4 moves from D2 to the
# French F on 2024-07-01. The rep u.south holds D2, so sees D2, D3 and X on every day, never N, D1, G or F.
ORGANISATIONS = {"G": "US", "D1": "DE", "N": "NL", "D2": "DE", "D3": "DE", "X": "", "D4": "DE", "F": "FR"}
PARENTS = [
    ("G", "D1", "", ""),
    ("D1", "N", "", ""),
    ("N", "D2", "", ""),
    ("D2", "D3", "", ""),
    ("D2", "X", "", ""),
    ("D2", "D4", "", "2024-06-30"),
    ("F", "D4", "2024-07-01", ""),
]


@pytest.fixture
async def as_user(store, tmp_path):
    organisations = [{"key": k, "name": f"Org {k}", "country": c} for k, c in ORGANISATIONS.items()]
    await load_rows(store, tmp_path, "organisations", organisations)
    rows = [{"parent_key": p, "child_key": c, "valid_from": f, "valid_to": t} for p, c, f, t in PARENTS]
    await load_rows(store, tmp_path, "parents", rows)
    await load_rows(store, tmp_path, "territories", [{"key": "south", "name": "South"}])
    users = [{"key": "u.admin", "name": "Admin", "role": "admin"}, {"key": "u.south", "name": "South", "role": "rep"}]
    await load_rows(store, tmp_path, "users", users)
    await load_rows(store, tmp_path, "user_territories", [{"user_key": "u.south", "territory_key": "south"}])
    await load_rows(store, tmp_path, "org_territories", [{"organisation_key": "D2", "territory_key": "south"}])

    async def headers(user):
        return {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"}

    return headers


def domestic(client, headers, key, as_of):
    params = {"as_of": as_of, "scope": "domestic"}
    response = client.get(f"/v1/organisations/{key}/root", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def answer(key, country, is_ultimate=True, hidden_count=0):
    return {"key": key, "name": f"Org {key}", "is_ultimate": is_ultimate, "hidden_count": hidden_count} | {
        "country": country
    }


async def test_the_topmost_one_in_the_country_counts_and_follows_the_re_parenting(client, as_user):
    admin = await as_user("u.admin")

    assert domestic(client, admin, "D3", "2024-06-30") == answer("D1", "DE")  # past the Dutch N, up to D1
    assert domestic(client, admin, "D4", "2024-06-30") == answer("D1", "DE")
    assert domestic(client, admin, "D4", "2024-07-01") == answer("D4", "DE")  # under the French F
    assert domestic(client, admin, "N", "2024-06-30") == answer("N", "NL")
    assert domestic(client, admin, "X", "2024-06-30") == answer("X", None)  # no country: itself


async def test_a_rep_gets_the_topmost_one_they_see_and_nothing_about_the_hidden_ones(client, as_user):
    south, admin = await as_user("u.south"), await as_user("u.admin")

    root = domestic(client, south, "D3", "2024-06-30")
    detail = client.get("/v1/organisations/D3", params={"as_of": "2024-06-30"}, headers=south).json()
    hidden = client.get("/v1/organisations/D1/root", params={"scope": "domestic"}, headers=south)
    whole = domestic(client, admin, "D3", "2024-06-30")

    assert root == answer("D2", "DE", is_ultimate=False, hidden_count=3)  # N, D1 and G, whatever their country
    assert detail["domestic_root"] == {"key": "D2", "name": "Org D2"}
    assert hidden.status_code == 404
    assert whole["key"] == "D1" and "D1" not in str(root) + str(detail)
