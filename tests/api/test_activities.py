"""The activity endpoints on the demo data with a few activities: an organisation's, its group's, a contact's, a
user's follow-ups and the last contact, each as the calling user sees it.

anna.becker holds DE-NORTH (Müller Logistik ORG-DE-0009 with its depot ORG-DE-0010, and Bauzentrum Krause
ORG-DE-0024); thomas.huber DE-SOUTH (the rest of the Müller group); lukas.gruber covers for thomas.huber from
2025-11-17 to 2026-01-16; lena.vogel is an analyst (seed/demo/README.md).
"""

import datetime

import pytest

from api.problems import PROBLEM_JSON
from graph import auth, loading
from seed.demo import DEMO_DIR
from tests.api.test_visibility_everywhere import assert_answers_as_missing
from tests.helpers import load_activities

DAY = "2025-06-30"
# key, organisation, type, status, date, contacts, owner, subject
ACTIVITIES = [
    ("A-01", "ORG-DE-0001", "call", "done", "2025-05-10", "CON-0001", "thomas.huber", "Jahresgespräch"),
    ("A-02", "ORG-DE-0009", "meeting", "done", "2025-06-01", "CON-0006", "anna.becker", "Rahmenvertrag Logistik"),
    ("A-03", "ORG-DE-0010", "offer", "open", "2025-06-20", "CON-0007", "anna.becker", "Angebot Lagerflächen"),
    ("A-04", "ORG-DE-0011", "task", "open", "2025-06-15", "CON-0008", "thomas.huber", "Muster nachreichen"),
    ("A-05", "ORG-DE-0024", "call", "done", "2024-03-01", "CON-0008", "anna.becker", "Bestellung Frühjahr"),
    ("A-06", "ORG-DE-0003", "note", "done", "2025-06-05", "CON-0005", "", "Messebesuch"),
    ("A-07", "ORG-DE-0011", "email", "open", "2025-12-01", "", "thomas.huber", "Preisliste 2026"),
    # anna's, about an organisation of thomas's that she may not see.
    ("A-08", "ORG-DE-0003", "task", "open", "2025-06-15", "CON-0005;CON-0002", "anna.becker", "Rückruf Einkauf"),
]
COLUMNS = ("key", "organisation_key", "type", "status", "date", "contact_keys", "owner_key", "subject")
# The demo's load files but its own activities: these tests bring theirs.
DEMO_WITHOUT_ACTIVITIES = sorted(path for path in DEMO_DIR.glob("*.csv") if path.stem != "activities")
# The Müller group on DAY, newest first, then by key.
GROUP = ["A-07", "A-03", "A-04", "A-08", "A-06", "A-02", "A-01"]
ACTIVITY_ROUTES = [
    "/v1/organisations/ORG-DE-0009/activities",
    "/v1/organisations/ORG-DE-0009/last-contact",
    "/v1/contacts/CON-0008/activities",
    "/v1/users/anna.becker/follow-ups",
]


@pytest.fixture
async def as_user(store):
    """Load the demo and the activities; return the headers of a fresh API key of a demo user."""
    await loading.load_paths(store, DEMO_WITHOUT_ACTIVITIES)
    await load_activities(store, [dict(zip(COLUMNS, row, strict=True)) for row in ACTIVITIES])

    async def headers(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"}

    return headers


def on(client, today: str) -> None:
    client.app.state.clock = lambda: datetime.date.fromisoformat(today)


def read(client, headers, path, **params):
    response = client.get(f"/v1{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def keys(body):
    return [item["key"] for item in body["items"]]


async def test_a_groups_activities_are_listed_newest_first_with_organisation_contacts_and_owner(client, as_user):
    lena = await as_user("lena.vogel")

    group = read(client, lena, "/organisations/ORG-DE-0009/activities", scope="group", as_of=DAY)
    own = read(client, lena, "/organisations/ORG-DE-0011/activities", as_of=DAY)
    subtree = read(client, lena, "/organisations/ORG-DE-0009/activities", scope="subtree", as_of=DAY)

    assert keys(group) == GROUP and group["hidden_count"] == 0 and group["next_cursor"] is None
    assert keys(own) == ["A-07", "A-04"]
    assert keys(subtree) == ["A-03", "A-02"]  # Müller Logistik and its depot
    assert group["items"][3] == {
        "key": "A-08",
        "type": "task",
        "status": "open",
        "date": "2025-06-15",
        "subject": "Rückruf Einkauf",
        "organisation": {"key": "ORG-DE-0003", "name": "Müller Baustoffe Bayern GmbH"},
        "contacts": [
            {"key": "CON-0002", "first_name": "Sabine", "last_name": "Hartmann"},
            {"key": "CON-0005", "first_name": "Markus", "last_name": "Fischer"},
        ],
        "owner": {"key": "anna.becker", "name": "Anna Becker"},
    }
    assert group["items"][4]["owner"] is None and group["items"][0]["contacts"] == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, ["A-07", "A-03", "A-04", "A-08"]),
        ({"type": "call,meeting"}, ["A-02", "A-01"]),
        ({"from": "2025-06-01", "to": "2025-06-15"}, ["A-04", "A-08", "A-06", "A-02"]),
        ({"status": "done", "type": "note", "from": "", "to": ""}, ["A-06"]),
        ({"from": "2025-07-01", "to": "2025-06-01"}, []),
    ],
)
async def test_filters_keep_the_status_type_and_days_asked_for(client, as_user, params, expected):
    lena = await as_user("lena.vogel")

    body = read(client, lena, "/organisations/ORG-DE-0001/activities", scope="group", as_of=DAY, **params)

    assert keys(body) == expected


async def test_a_rep_sees_the_activities_of_the_part_of_the_group_they_see_and_counts_the_rest(client, as_user):
    anna = await as_user("anna.becker")
    pages, cursor = [], None
    while True:
        page = read(
            client,
            anna,
            "/organisations/ORG-DE-0009/activities",
            scope="group",
            as_of=DAY,
            limit=1,
            **({"cursor": cursor} if cursor else {}),
        )
        pages.append(page)
        if (cursor := page["next_cursor"]) is None:
            break

    assert [key for page in pages for key in keys(page)] == ["A-03", "A-02"]
    assert {page["hidden_count"] for page in pages} == {5}  # the same on every page


async def test_a_contacts_activities_are_those_about_organisations_the_caller_sees(client, as_user):
    lena, thomas, anna = await as_user("lena.vogel"), await as_user("thomas.huber"), await as_user("anna.becker")

    everything = read(client, lena, "/contacts/CON-0008/activities")
    seen = read(client, thomas, "/contacts/CON-0008/activities")
    calls = read(client, lena, "/contacts/CON-0008/activities", type="call")
    on(client, "2024-06-30")  # then at Krause, in anna's territory
    then = read(client, anna, "/contacts/CON-0008/activities")

    assert keys(everything) == ["A-04", "A-05"] and everything["hidden_count"] == 0
    # Stefan Roth works at Müller Haustechnik now: thomas sees him, not the Krause call in anna's territory.
    assert keys(seen) == ["A-04"] and seen["hidden_count"] == 1
    assert keys(calls) == ["A-05"]
    assert keys(then) == ["A-05"] and then["hidden_count"] == 1


async def test_a_contact_the_caller_may_not_see_answers_exactly_like_a_missing_one(client, as_user):
    anna, lena = await as_user("anna.becker"), await as_user("lena.vogel")

    hidden = client.get("/v1/contacts/CON-0008/activities", headers=anna)  # at Müller Haustechnik since 2024-10
    missing = client.get("/v1/contacts/NO-SUCH-CONTACT/activities", headers=anna)

    assert_answers_as_missing(hidden, missing, "CON-0008", "NO-SUCH-CONTACT")
    assert client.get("/v1/contacts/NO-SUCH-CONTACT/activities", headers=lena).status_code == 404


async def test_follow_ups_are_the_open_activities_due_of_the_user_and_of_whom_they_cover_for(client, as_user):
    thomas, anna, lukas = await as_user("thomas.huber"), await as_user("anna.becker"), await as_user("lukas.gruber")
    markus = await as_user("markus.weber")

    on(client, DAY)
    due = read(client, thomas, "/users/thomas.huber/follow-ups")
    later = read(client, thomas, "/users/thomas.huber/follow-ups", due_before="2025-12-31")
    annas = read(client, anna, "/users/anna.becker/follow-ups")
    managed = read(client, markus, "/users/anna.becker/follow-ups")
    on(client, "2025-12-01")  # lukas covers for thomas
    covering = read(client, lukas, "/users/lukas.gruber/follow-ups")
    on(client, "2026-02-01")  # the cover has ended
    after = read(client, lukas, "/users/lukas.gruber/follow-ups")

    assert keys(due) == ["A-04"] and due["hidden_count"] == 0
    assert keys(later) == ["A-04", "A-07"]  # the oldest due first
    # A-08 is about Müller Baustoffe Bayern, which anna may not see: left out and counted; her manager sees it.
    assert keys(annas) == ["A-03"] and annas["hidden_count"] == 1
    assert keys(managed) == ["A-08", "A-03"] and managed["hidden_count"] == 0
    assert keys(covering) == ["A-04", "A-07"] and covering["hidden_count"] == 0
    assert after == {"items": [], "next_cursor": None, "hidden_count": 0}


async def test_follow_ups_are_for_the_user_their_manager_analysts_and_admins(client, as_user):
    thomas, lena = await as_user("thomas.huber"), await as_user("lena.vogel")
    on(client, DAY)

    refused = client.get("/v1/users/anna.becker/follow-ups", headers=thomas)
    analyst = client.get("/v1/users/anna.becker/follow-ups", headers=lena)

    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM_JSON
    assert analyst.status_code == 200 and keys(analyst.json()) == ["A-08", "A-03"]


async def test_the_last_contact_of_an_organisation_and_its_group(client, as_user):
    lena, anna = await as_user("lena.vogel"), await as_user("anna.becker")

    everything = read(client, lena, "/organisations/ORG-DE-0009/last-contact", as_of=DAY)
    seen = read(client, anna, "/organisations/ORG-DE-0009/last-contact", as_of=DAY)
    depot = read(client, lena, "/organisations/ORG-DE-0010/last-contact", as_of=DAY)

    assert (everything["key"], everything["name"]) == ("ORG-DE-0009", "Müller Logistik GmbH")
    assert everything["last_contact"]["key"] == "A-02" and everything["last_contact"]["date"] == "2025-06-01"
    assert everything["group_last_contact"]["key"] == "A-06" and everything["hidden_count"] == 0
    # Müller Baustoffe Bayern's note is hidden from anna: her group's last contact is Müller Logistik's meeting.
    assert seen["group_last_contact"]["key"] == "A-02" and seen["hidden_count"] == 9
    assert depot["last_contact"] is None and depot["group_last_contact"]["key"] == "A-06"  # its offer is open


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/organisations/ORG-DE-0001/activities", {"scope": "everything"}),
        ("/v1/organisations/ORG-DE-0001/activities", {"status": "closed"}),
        ("/v1/organisations/ORG-DE-0001/activities", {"type": "visit"}),
        ("/v1/organisations/ORG-DE-0001/activities", {"from": "2025-13-01"}),
        ("/v1/organisations/ORG-DE-0001/activities", {"cursor": "bm90IGEgY3Vyc29y"}),
        ("/v1/contacts/CON-0001/activities", {"limit": 0}),
        ("/v1/users/thomas.huber/follow-ups", {"due_before": "tomorrow"}),
    ],
)
async def test_bad_parameters_are_422_problem_json(client, as_user, path, params):
    lena = await as_user("lena.vogel")

    response = client.get(path, params=params, headers=lena)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize("path", ACTIVITY_ROUTES)
async def test_a_request_without_key_is_401(client, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
