"""Visibility on every read that takes a key, on the demo data: a hidden object answers exactly like a missing one,
lists leave out what the caller may not see and count it in `hidden_count`, analysts and admins see everything."""

import datetime
import json
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from api.app import create_app
from api.problems import PROBLEM_JSON
from graph import admin, auth, duplicates, loading, visibility
from graph.errors import NotFound
from graph.hierarchy import reads
from graph.settings import Inheritance
from seed.demo import DEMO_DIR
from tests.helpers import load_rows

DAY = "2025-06-30"

# Every read of an organisation by key that hierarchy, connections, contacts, revenue and activities answer: (path
# after the key, query).
ORGANISATION_READS = [
    ("", {}),
    ("/ancestors", {}),
    ("/root", {}),
    ("/root", {"scope": "domestic"}),
    ("/descendants", {}),
    ("/descendants", {"format": "tree"}),
    ("/group", {}),
    ("/siblings", {}),
    ("/memberships", {}),
    ("/members", {}),
    ("/suppliers", {}),
    ("/suppliers", {"scope": "group"}),
    ("/customers", {}),
    ("/customers", {"scope": "group"}),
    ("/related", {}),
    ("/contacts", {}),
    ("/contacts", {"scope": "subtree"}),
    ("/contacts", {"scope": "group", "include_former": "true"}),
    ("/revenue", {}),
    ("/children", {}),
    ("/children", {"sort": "revenue"}),
    ("/levels", {}),
    ("/viewers", {}),
    ("/activities", {}),
    ("/activities", {"scope": "group", "status": "open"}),
    ("/last-contact", {}),
]
READ_IDS = [path + "?" + "&".join(f"{k}={v}" for k, v in query.items()) for path, query in ORGANISATION_READS]
# Every read of a territory by key: (path after the key, query).
TERRITORY_READS = [("/revenue", {})]
# Every read about a user by key, `{}` standing for the key: the user, their manager, analysts and admins may ask.
USER_READS = [
    "/users/{}/organisations",
    "/users/{}/revenue",
    "/users/{}/follow-ups",
    "/access/{}/organisations/ORG-DE-0009",
]
# Every read that takes a key in its path, `{}` standing for it, with a key of that kind that no object has.
KEYED_READS = [
    *((f"/organisations/{{}}{path}", query, "NO-SUCH-ORG") for path, query in ORGANISATION_READS),
    ("/contacts/{}", {}, "NO-SUCH-CONTACT"),
    ("/contacts/{}/activities", {}, "NO-SUCH-CONTACT"),
    *((f"/territories/{{}}{path}", query, "NO-SUCH-TERRITORY") for path, query in TERRITORY_READS),
    *((path, {}, "NO-SUCH-USER") for path in USER_READS),
    ("/access/anna.becker/organisations/{}", {}, "NO-SUCH-ORG"),
]
# Values no key can be: a NUL byte (the engine cuts a query's text there), a blank, a bad first character, too long.
NOT_KEYS = ["A\x00B", "A B", "-A", "A" * 129]


@pytest.fixture
async def demo(store):
    await loading.load_paths(store, [DEMO_DIR])


@pytest.fixture
def as_user(store, demo):
    """Return the headers of a fresh API key of a demo user (optionally a service key acting for another)."""

    async def headers(user: str, act_as: str | None = None) -> dict[str, str]:
        found = {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"}
        return found | ({"X-Act-As": act_as} if act_as else {})

    return headers


def read(client, headers, path, **params):
    response = client.get(f"/v1{path}", params={"as_of": DAY, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def on(client, today: str):
    """Set the day of every request the client makes from now on: the day whose rights decide what is seen."""
    client.app.state.clock = lambda: datetime.date.fromisoformat(today)


def keys(items, field="key"):
    return [item[field] for item in items]


def assert_answers_as_missing(hidden, missing, hidden_key, missing_key, status=404):
    """The answer for a hidden object is the one for a missing key, with only the key asked changed."""
    assert hidden.status_code == missing.status_code == status
    assert hidden.headers["content-type"] == missing.headers["content-type"] == PROBLEM_JSON
    assert hidden.json() == json.loads(missing.text.replace(missing_key, hidden_key))


@pytest.mark.parametrize(("path", "query"), ORGANISATION_READS, ids=READ_IDS)
async def test_an_organisation_the_caller_may_not_see_answers_exactly_like_a_missing_one(client, as_user, path, query):
    anna, lena = await as_user("anna.becker"), await as_user("lena.vogel")
    params = {"as_of": DAY, **query}

    hidden = client.get(f"/v1/organisations/ORG-DE-0001{path}", params=params, headers=anna)
    missing = client.get(f"/v1/organisations/NO-SUCH-ORG{path}", params=params, headers=anna)
    seen = client.get(f"/v1/organisations/ORG-DE-0001{path}", params=params, headers=lena)

    assert_answers_as_missing(hidden, missing, "ORG-DE-0001", "NO-SUCH-ORG")
    assert "Müller" not in hidden.text and "count" not in hidden.text  # no names, no counts
    assert seen.status_code == 200  # the analyst sees it: the 404 is visibility's


def test_every_read_of_an_organisation_by_key_is_checked_here(client):
    # A route added under /v1/organisations/{key} joins ORGANISATION_READS, or its visibility goes untested.
    prefix = "/v1/organisations/{key}"
    routes = {
        path.removeprefix(prefix)
        for path, operations in client.app.openapi()["paths"].items()
        if path.startswith(prefix) and "get" in operations
    }

    assert routes == {path for path, _ in ORGANISATION_READS}


@pytest.mark.parametrize(("path", "query"), TERRITORY_READS)
async def test_a_territory_the_caller_does_not_hold_answers_exactly_like_a_missing_one(client, as_user, path, query):
    thomas, markus = await as_user("thomas.huber"), await as_user("markus.weber")
    params = {"as_of": DAY, **query}

    hidden = client.get(f"/v1/territories/DE-NORTH{path}", params=params, headers=thomas)
    missing = client.get(f"/v1/territories/NO-SUCH-TERRITORY{path}", params=params, headers=thomas)
    held = client.get(f"/v1/territories/DE-NORTH{path}", params=params, headers=markus)

    assert_answers_as_missing(hidden, missing, "DE-NORTH", "NO-SUCH-TERRITORY")
    assert "Germany North" not in hidden.text
    assert held.status_code == 200  # the owner of the region holds it: the 404 is visibility's


@pytest.mark.parametrize("path", USER_READS)
async def test_a_user_the_caller_may_not_ask_about_is_refused_exactly_like_a_missing_one(client, as_user, path):
    # Markus manages the reps of his region, not the analyst; anna manages nobody.
    markus, anna, admin = await as_user("markus.weber"), await as_user("anna.becker"), await as_user("admin")
    answer = {
        (caller, user): client.get(f"/v1{path.format(user)}", params={"as_of": DAY}, headers=headers)
        for caller, headers in (("markus", markus), ("anna", anna), ("admin", admin))
        for user in ("lena.vogel", "NO-SUCH-USER")
    }

    for caller in ("markus", "anna"):
        refused, missing = answer[caller, "lena.vogel"], answer[caller, "NO-SUCH-USER"]
        assert_answers_as_missing(refused, missing, "lena.vogel", "NO-SUCH-USER", status=403)
    assert answer["admin", "NO-SUCH-USER"].status_code == 404  # who may ask about anyone learns it is missing
    assert client.get(f"/v1{path.format('anna.becker')}", params={"as_of": DAY}, headers=markus).status_code == 200


@pytest.mark.parametrize(("path", "query", "missing_key"), KEYED_READS, ids=[read[0] for read in KEYED_READS])
async def test_a_value_no_key_can_be_answers_404_like_a_missing_key(client, as_user, path, query, missing_key):
    anna, admin = await as_user("anna.becker"), await as_user("admin")
    params = {"as_of": DAY, **query}
    missing = client.get(f"/v1{path.format(missing_key)}", params=params, headers=admin)

    for value in NOT_KEYS:
        for headers in (anna, admin):
            answer = client.get(f"/v1{path.format(quote(value, safe=''))}", params=params, headers=headers)

            assert answer.status_code == missing.status_code == 404, (value, answer.text)
            assert answer.headers["content-type"] == PROBLEM_JSON
            assert answer.json() == {
                **missing.json(),
                "detail": missing.json()["detail"].replace(repr(missing_key), repr(value)),
            }


async def test_a_body_field_that_is_no_key_is_invalid_input_and_a_path_key_is_missing(client, as_user):
    admin = await as_user("admin")

    merge = client.post("/v1/merges", json={"survivor": "ORG-DE-0024", "duplicate": "A\x00B"}, headers=admin)
    parent = client.put("/v1/organisations/ORG-DE-0010/parent", json={"parent_key": "A\x00B"}, headers=admin)
    child = client.put("/v1/organisations/A%00B/parent", json={"parent_key": "ORG-DE-0009"}, headers=admin)
    ended = client.delete("/v1/organisations/A%00B/parent", headers=admin)

    assert (merge.status_code, parent.status_code, child.status_code, ended.status_code) == (422, 422, 404, 404)
    assert [error["field"] for error in merge.json()["errors"]] == ["body.duplicate"]
    assert child.json()["detail"] == ended.json()["detail"] == "no organisation has the key 'A\\x00B'"


async def test_a_contact_the_caller_may_not_see_answers_exactly_like_a_missing_one(client, as_user):
    anna, thomas = await as_user("anna.becker"), await as_user("thomas.huber")

    hidden = client.get("/v1/contacts/CON-0001", params={"as_of": DAY}, headers=anna)
    missing = client.get("/v1/contacts/NO-SUCH-CONTACT", params={"as_of": DAY}, headers=anna)

    assert_answers_as_missing(hidden, missing, "CON-0001", "NO-SUCH-CONTACT")
    assert "Müller" not in hidden.text and "Klaus" not in hidden.text
    assert read(client, thomas, "/contacts/CON-0001")["key"] == "CON-0001"  # Müller Holding's: thomas sees it


async def test_a_contact_is_seen_through_a_current_employer_only(client, as_user):
    anna, thomas = await as_user("anna.becker"), await as_user("thomas.huber")
    path = "/v1/contacts/CON-0008"  # at Krause (DE-NORTH) until 2024-09-30, at Müller Haustechnik (DE-SOUTH) after

    on(client, "2024-06-30")
    then = client.get(path, params={"as_of": "2024-06-30"}, headers=anna)
    on(client, DAY)
    now = client.get(path, params={"as_of": DAY}, headers=anna)
    looking_back = client.get(path, params={"as_of": "2024-06-30"}, headers=anna)
    history = read(client, thomas, "/contacts/CON-0008")

    assert then.status_code == 200 and keys(then.json()["employments"], "organisation_key") == ["ORG-DE-0024"]
    assert then.json()["hidden_count"] == 1  # the later job at Müller Haustechnik, in thomas's territory
    assert now.status_code == looking_back.status_code == 404
    # Thomas sees his present employer, not the Krause job in anna's territory: left out and counted.
    assert keys(history["employments"], "organisation_key") == ["ORG-DE-0011"] and history["hidden_count"] == 1


async def test_a_merged_key_whose_survivor_is_hidden_names_only_the_key_asked(client, store, as_user):
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")  # Krause: anna's, not thomas's
    anna, thomas = await as_user("anna.becker"), await as_user("thomas.huber")

    hidden = client.get("/v1/organisations/ORG-DE-0025/root", params={"as_of": DAY}, headers=thomas)
    missing = client.get("/v1/organisations/NO-SUCH-ORG/root", params={"as_of": DAY}, headers=thomas)

    assert_answers_as_missing(hidden, missing, "ORG-DE-0025", "NO-SUCH-ORG")
    assert "ORG-DE-0024" not in hidden.text
    assert read(client, anna, "/organisations/ORG-DE-0025/root")["key"] == "ORG-DE-0024"


async def test_anna_sees_the_mueller_logistics_branch_of_the_group_and_counts_the_rest(client, as_user):
    anna = await as_user("anna.becker")

    detail = read(client, anna, "/organisations/ORG-DE-0009")
    ancestors = read(client, anna, "/organisations/ORG-DE-0010/ancestors")
    root = read(client, anna, "/organisations/ORG-DE-0010/root")
    domestic = read(client, anna, "/organisations/ORG-DE-0010/root", scope="domestic")
    group = read(client, anna, "/organisations/ORG-DE-0010/group")
    siblings = read(client, anna, "/organisations/ORG-DE-0009/siblings")
    customers = read(client, anna, "/organisations/ORG-DE-0009/customers")

    # The holding above Müller Logistik is hidden: no parent, counted once.
    assert (detail["parent"], detail["child_count"], detail["hidden_count"]) == (None, 1, 1)
    assert keys(ancestors["items"]) == ["ORG-DE-0009"] and ancestors["hidden_count"] == 1
    assert root == {"key": "ORG-DE-0009", "name": "Müller Logistik GmbH", "is_ultimate": False, "hidden_count": 1}
    assert domestic == root | {"country": "DE"}  # the German holding above is hidden too
    assert detail["domestic_root"] == {"key": "ORG-DE-0009", "name": "Müller Logistik GmbH"}
    # The group of 11 (holding included): the root she sees, its one member, the 9 others hidden.
    assert group["root"] == {"key": "ORG-DE-0009", "name": "Müller Logistik GmbH", "is_ultimate": False}
    assert [(m["key"], m["parent_key"]) for m in group["members"]] == [("ORG-DE-0010", "ORG-DE-0009")]
    assert (group["member_count"], group["hidden_count"]) == (1, 9)
    assert siblings == {"items": [], "next_cursor": None, "hidden_count": 2}
    assert customers == {"items": [], "next_cursor": None, "hidden_count": 1}  # it supplies Müller Baustoffe


async def test_contact_lists_keep_the_employments_at_visible_organisations_and_count_the_others(client, as_user):
    anna, lena = await as_user("anna.becker"), await as_user("lena.vogel")
    params = {"scope": "group", "include_former": "true"}

    seen = read(client, anna, "/organisations/ORG-DE-0010/contacts", **params)
    everything = read(client, lena, "/organisations/ORG-DE-0001/contacts", **params)
    pages, cursor = [], None
    while True:
        page = read(
            client,
            anna,
            "/organisations/ORG-DE-0010/contacts",
            limit=1,
            **params,
            **({"cursor": cursor} if cursor else {}),
        )
        pages.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    visible = {"ORG-DE-0009", "ORG-DE-0010"}
    assert seen["items"] == [item for item in everything["items"] if item["organisation_key"] in visible]
    assert seen["hidden_count"] == len(everything["items"]) - len(seen["items"]) > 0
    assert pages == seen["items"] and page["hidden_count"] == seen["hidden_count"]


async def test_thomas_sees_the_association_but_not_its_austrian_member(client, as_user):
    thomas, lena = await as_user("thomas.huber"), await as_user("lena.vogel")

    members = read(client, thomas, "/organisations/ORG-DE-0050/members")
    everything = read(client, lena, "/organisations/ORG-DE-0050/members")
    related = read(client, thomas, "/organisations/ORG-DE-0001/related")

    assert "ORG-AT-0001" in keys(everything["items"])
    assert keys(members["items"]) == [key for key in keys(everything["items"]) if key != "ORG-AT-0001"]
    assert members["hidden_count"] == 1
    # The consultant CON-0023 works for no organisation thomas sees: the link is left out and counted.
    assert related == {"items": [], "next_cursor": None, "hidden_count": 1}


@pytest.mark.parametrize("user", ["lena.vogel", "admin"])
async def test_analysts_and_admins_see_everything_with_nothing_hidden(client, as_user, user):
    headers = await as_user(user)

    group = read(client, headers, "/organisations/ORG-DE-0010/group")
    root = read(client, headers, "/organisations/ORG-DE-0010/root")
    domestic = read(client, headers, "/organisations/ORG-DE-0010/root", scope="domestic")
    members = read(client, headers, "/organisations/ORG-DE-0050/members")
    contact = read(client, headers, "/contacts/CON-0008")

    assert group["root"]["key"] == "ORG-DE-0001" and group["root"]["is_ultimate"] is True
    assert (group["member_count"], group["hidden_count"]) == (10, 0)
    assert (root["key"], root["is_ultimate"], root["hidden_count"]) == ("ORG-DE-0001", True, 0)
    assert domestic == root | {"country": "DE"}
    assert len(members["items"]) == 5 and members["hidden_count"] == 0
    assert len(contact["employments"]) == 2 and contact["hidden_count"] == 0


async def test_a_service_key_acting_as_a_user_answers_as_that_user(client, as_user):
    acting = await as_user("svc-erp", act_as="anna.becker")
    itself = await as_user("svc-erp")

    detail = read(client, acting, "/organisations/ORG-DE-0009")
    hidden = client.get("/v1/organisations/ORG-DE-0001", params={"as_of": DAY}, headers=acting)
    own = client.get("/v1/organisations/ORG-DE-0009", params={"as_of": DAY}, headers=itself)

    assert (detail["parent"], detail["hidden_count"]) == (None, 1)
    assert hidden.status_code == 404
    assert own.status_code == 404  # the service account itself holds no territory


async def test_going_back_to_a_day_of_former_access_gives_no_access(client, as_user):
    # lukas.gruber owned DE-SOUTH, which holds the Müller group, until 2024-06-30; he has AT-CH since.
    lukas = await as_user("lukas.gruber")
    group = {"scope": "group", "from": "2025-01", "to": "2026-12", "as_of": "2024-06-30"}
    revenue, contacts = "/v1/organisations/ORG-DE-0001/revenue", "/v1/organisations/ORG-DE-0001/contacts"

    on(client, "2024-06-30")
    assert client.get(revenue, params=group, headers=lukas).status_code == 200
    on(client, "2026-12-07")
    assert_answers_as_missing(
        client.get(revenue, params=group, headers=lukas),
        client.get("/v1/organisations/ORG-XX-9999/revenue", params=group, headers=lukas),
        "ORG-DE-0001",
        "ORG-XX-9999",
    )
    assert client.get(contacts, params={"as_of": "2024-06-30"}, headers=lukas).status_code == 404
    assert client.get("/v1/users/lukas.gruber/organisations?as_of=2024-06-30", headers=lukas).json()["total"] == 0


async def test_a_substitute_sees_the_absent_colleagues_data_only_while_covering(client, as_user):
    # thomas.huber covers for anna.becker from 2025-08-04 to 2025-08-17.
    thomas = await as_user("thomas.huber")
    path, covered = "/v1/organisations/ORG-DE-0024/revenue", {"as_of": "2025-08-10"}

    answers = {}
    for today in ("2025-08-03", "2025-08-10", "2025-08-18", "2026-12-07"):
        on(client, today)
        answers[today] = client.get(path, params=covered, headers=thomas).status_code
    on(client, "2026-12-07")
    explained = client.get("/v1/access/thomas.huber/organisations/ORG-DE-0024", params=covered, headers=thomas)
    on(client, "2025-08-10")
    covering = client.get("/v1/access/thomas.huber/organisations/ORG-DE-0024", params=covered, headers=thomas)

    assert answers == {"2025-08-03": 404, "2025-08-10": 200, "2025-08-18": 404, "2026-12-07": 404}
    assert explained.status_code == 404
    assert covering.json()["visible"] is True
    assert (covering.json()["rights_as_of"], covering.json()["caller_rights_as_of"]) == ("2025-08-10", "2025-08-10")


async def test_a_report_about_a_user_describes_as_of_with_the_callers_rights_of_today(client, as_user):
    # markus.weber manages anna.becker today; he asks what thomas.huber could see during his cover.
    markus = await as_user("markus.weber")
    on(client, "2026-12-07")

    answer = client.get(
        "/v1/access/thomas.huber/organisations/ORG-DE-0024", params={"as_of": "2025-08-18"}, headers=markus
    ).json()

    assert (answer["visible"], answer["path"]) == (False, [])
    assert (answer["rights_as_of"], answer["caller_rights_as_of"]) == ("2025-08-18", "2026-12-07")


async def test_a_former_employee_is_listed_without_the_details_of_a_job_the_caller_may_not_see(client, as_user):
    # CON-0008 bought for ORG-DE-0024 (anna's) until 2024-09-30 and works at ORG-DE-0011 (not anna's) since.
    anna, lena = await as_user("anna.becker"), await as_user("lena.vogel")
    on(client, "2026-12-07")
    path, former = "/v1/organisations/ORG-DE-0024/contacts", {"include_former": "true", "as_of": "2026-12-07"}

    listed = {item["key"]: item for item in client.get(path, params=former, headers=anna).json()["items"]}
    everything = {item["key"]: item for item in client.get(path, params=former, headers=lena).json()["items"]}

    assert client.get("/v1/contacts/CON-0008", headers=anna).status_code == 404
    stefan = listed["CON-0008"]
    assert (stefan["first_name"], stefan["last_name"], stefan["email"], stefan["phone"]) == (
        "Stefan",
        "Roth",
        None,
        None,
    )
    assert (stefan["organisation_key"], stefan["role"], stefan["until"]) == ("ORG-DE-0024", "Einkäufer", "2024-09-30")
    assert everything["CON-0008"]["email"] == "s.roth@mueller-haustechnik.example"
    # A contact anna sees keeps the details: each is listed as the analyst sees it.
    assert all(item == everything[key] for key, item in listed.items() if key != "CON-0008")


async def test_without_inheritance_descendants_are_hidden(settings, store, as_user):
    thomas = await as_user("thomas.huber")
    flat = settings.model_copy(update={"visibility_inherit": Inheritance.NONE})

    with TestClient(create_app(settings)) as down, TestClient(create_app(flat)) as none:
        inherited = read(down, thomas, "/organisations/ORG-DE-0001/descendants")
        direct = read(none, thomas, "/organisations/ORG-DE-0001/descendants")
        logistics = none.get("/v1/organisations/ORG-DE-0009", params={"as_of": DAY}, headers=thomas)

    # Müller Logistik and its depot in Bremen are in the north: thomas saw them only through the holding.
    assert {"ORG-DE-0009", "ORG-DE-0010"} <= set(keys(inherited["items"])) and inherited["hidden_count"] == 0
    assert not {"ORG-DE-0009", "ORG-DE-0010"} & set(keys(direct["items"]))
    assert direct["hidden_count"] == len(inherited["items"]) - len(direct["items"]) >= 2
    assert logistics.status_code == 404


# ---------------------------------------------------------------------------------------------
# The hierarchy reads for a rep on random forests, against a plain-Python reference of what they should show.

POOL = ("a", "b", "c", "d", "e", "f", "g")


@st.composite
def forests(draw):
    """Organisations, each under an earlier one or a root, in a country or none, and which of them are placed in
    the rep's territory."""
    organisations = draw(st.permutations(POOL))[: draw(st.integers(1, len(POOL)))]
    parents = {}
    for index, organisation in enumerate(organisations[1:], start=1):
        if draw(st.integers(0, 4)):  # mostly one group: hidden organisations between seen ones
            parents[organisation] = draw(st.sampled_from(organisations[:index]))
    countries = {o: draw(st.sampled_from(["DE", "DE", "NL", None])) for o in organisations}
    placed = set(draw(st.lists(st.sampled_from(organisations), max_size=4, unique=True)))
    return list(organisations), parents, countries, placed


class Expected:
    """What a rep who holds the organisations in `placed` should see of a forest."""

    def __init__(self, organisations, parents, placed, inherit, countries=None):
        self.organisations, self.parents = organisations, parents
        self.countries = countries or {}
        down = inherit is Inheritance.DOWN
        self.seen = {o for o in organisations if o in placed or (down and placed & set(self.chain(o)))}

    def chain(self, organisation):
        """The ancestors, nearest first."""
        found = []
        while organisation in self.parents:
            organisation = self.parents[organisation]
            found.append(organisation)
        return found

    def below(self, organisation):
        """(depth, key, parent) of every descendant, by depth then key."""
        found, level, depth = [], [organisation], 0
        while level:
            depth += 1
            level = sorted(c for c, p in self.parents.items() if p in level)
            found.extend((depth, c, self.parents[c]) for c in level)
        return found

    def shown(self, members, left_out=None):
        masked = [(k, d, p if p in self.seen else None) for d, k, p in members if k in self.seen and k != left_out]
        return masked, sum(1 for _, k, _ in members if k not in self.seen)

    def detail(self, o):
        parent = self.parents.get(o)
        children = [c for c, p in self.parents.items() if p == o]
        shown_children = [c for c in children if c in self.seen]
        hidden = (parent is not None and parent not in self.seen) + len(children) - len(shown_children)
        return (parent if parent in self.seen else None), len(shown_children), hidden

    def ancestry(self, o):
        chain = self.chain(o)
        shown = [(a, depth) for depth, a in enumerate(chain, start=1) if a in self.seen]
        top, top_depth = shown[-1] if shown else (o, 0)
        return shown, len(chain) - len(shown), top, len(chain) - top_depth

    def domestic(self, o):
        """The topmost seen ancestor in o's country (else o), and the hidden ancestors above it whatever their country;
        o without a country is its own, with nothing counted."""
        country = self.countries.get(o)
        if country is None:
            return o, 0
        chain = self.chain(o)
        same = [depth for depth, a in enumerate(chain, start=1) if a in self.seen and self.countries.get(a) == country]
        depth = same[-1] if same else 0
        return (chain[depth - 1] if depth else o), sum(1 for a in chain[depth:] if a not in self.seen)

    def group(self, o):
        chain = self.chain(o)
        ultimate = chain[-1] if chain else o
        top = self.ancestry(o)[2]
        members, hidden = self.shown(self.below(ultimate), left_out=top)
        return top, members, len(members), hidden + (ultimate not in self.seen)

    def siblings(self, o):
        parent = self.parents.get(o)
        if parent is None:
            return [], 0
        others = sorted(c for c, p in self.parents.items() if p == parent and c != o)
        return self.shown([(0, c, parent) for c in others])


async def every_page(read, limit, **arguments):
    items, cursor = [], None
    while True:
        page = await read(**arguments, cursor=cursor, limit=limit)
        items.extend(page.items)
        if page.next_cursor is None:
            return items, page.hidden_count
        assert len(page.items) == limit
        cursor = page.next_cursor


def triples(members):
    return [(m.key, m.depth, m.parent_key) for m in members]


@examples(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forest=forests(), inherit=st.sampled_from(Inheritance), limit=st.integers(1, 3))
async def test_the_hierarchy_reads_show_a_rep_what_the_reference_says(store, tmp_path, forest, inherit, limit):
    organisations, parents, countries, placed = forest
    await admin.delete_everything(store)
    rows = [{"key": o, "name": f"Org {o}", "country": countries[o] or ""} for o in organisations]
    await load_rows(store, tmp_path, "organisations", rows)
    await load_rows(store, tmp_path, "territories", [{"key": "t", "name": "T"}])
    await load_rows(store, tmp_path, "users", [{"key": "u.rep", "name": "Rep", "role": "rep"}])
    await load_rows(store, tmp_path, "user_territories", [{"user_key": "u.rep", "territory_key": "t", "role": "owner"}])
    if parents:
        rows = [{"parent_key": p, "child_key": c, "kind": "legal"} for c, p in parents.items()]
        await load_rows(store, tmp_path, "parents", rows)
    if placed:
        await load_rows(
            store, tmp_path, "org_territories", [{"organisation_key": o, "territory_key": "t"} for o in placed]
        )
    today = datetime.date(2026, 12, 7)  # the links and assignments here have no dates: any day will do
    viewer = visibility.Viewer("u.rep", "rep", inherit, today=today)
    expected = Expected(organisations, parents, placed, inherit, countries)
    asked = dict(store=store, as_of=today, viewer=viewer)

    for o in organisations:
        if o not in expected.seen:
            for answer in (
                reads.detail,
                reads.ancestry,
                reads.domestic_root,
                reads.descendants,
                reads.group,
                reads.siblings,
            ):
                with pytest.raises(NotFound, match=f"'{o}'"):
                    await answer(key=o, **asked)
            continue
        detail = await reads.detail(key=o, **asked)
        ancestry = await reads.ancestry(key=o, **asked)
        domestic = await reads.domestic_root(key=o, **asked)
        below = await every_page(reads.descendants, limit, key=o, **asked)
        group = await reads.group(key=o, **asked, limit=len(POOL))
        siblings = await every_page(reads.siblings, limit, key=o, **asked)

        parent, child_count, hidden = expected.detail(o)
        assert (detail.parent and detail.parent.key, detail.child_count, detail.hidden_count) == (
            parent,
            child_count,
            hidden,
        )
        shown, hidden, top, above = expected.ancestry(o)
        assert [(a.key, a.depth) for a in ancestry.ancestors] == shown and ancestry.hidden_count == hidden
        assert (ancestry.root.key, ancestry.hidden_above_root, ancestry.is_ultimate) == (top, above, above == 0)
        assert (domestic.root.key, domestic.hidden_above_root) == expected.domestic(o)
        assert domestic.country == countries[o] and detail.domestic_root == domestic.root
        assert (triples(below[0]), below[1]) == expected.shown(expected.below(o))
        top, members, count, hidden = expected.group(o)
        assert (group.root.key, triples(group.members.items), group.member_count) == (top, members, count)
        assert group.hidden_count == hidden and group.is_ultimate == (ancestry.hidden_above_root == 0)
        assert (triples(siblings[0]), siblings[1]) == expected.siblings(o)
