"""The revenue endpoints on the demo data: rollups of an organisation's scope and the groups ranking.

Amounts are read from the JSON text as Decimal, so every comparison is exact to the cent. The
random test compares the API with a plain-Python reference that reads the demo's load files.
"""

import csv
import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.problems import PROBLEM_JSON
from graph import auth, duplicates, loading
from graph.documents import amount
from seed import demo
from seed.demo import DEMO_DIR

YEAR = {"from": "2025-01", "to": "2025-12", "as_of": "2025-06-30"}
ROLLUP_FIELDS = {
    "key",
    "name",
    "scope",
    "from",
    "to",
    "as_of",
    "currency",
    "revenue",
    "gross_profit",
    "margin",
    "last_purchase",
    "member_count",
    "periods",
    "members",
    "rest",
    "tree",
    "hidden_count",
}


@pytest.fixture
async def headers(store):
    await loading.load_paths(store, [DEMO_DIR])
    return {"Authorization": f"Bearer {await auth.create_key(store, user_key='lena.vogel')}"}


def exact(response) -> dict:
    """Return the JSON body of a 200 answer with every decimal number as an exact Decimal."""
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def get_revenue(client, headers, key, **params) -> dict:
    return exact(client.get(f"/v1/organisations/{key}/revenue", params={**YEAR, **params}, headers=headers))


def all_groups(client, headers, **params) -> list[dict]:
    """Return every item of the groups ranking, page by page."""
    items, cursor = [], None
    while True:
        page = exact(
            client.get(
                "/v1/groups", params={**YEAR, **params, **({"cursor": cursor} if cursor else {})}, headers=headers
            )
        )
        items.extend(page["items"])
        if (cursor := page["next_cursor"]) is None:
            return items


def walk(node):
    yield node
    for child in node["children"]:
        yield from walk(child)


# --- hand cases -------------------------------------------------------------------------------


async def test_the_demo_loaded_today_has_figures_with_default_parameters(client, store, tmp_path):
    # What `make run` does: the demo dated as of the day it loads, read with the server's defaults (as_of today
    # by the app's clock, the 12 months up to its month). A day far from the real one: every default follows
    # the app's clock, none the machine's.
    today = datetime.date(2031, 5, 20)
    client.app.state.clock = lambda: today
    await loading.load_paths(store, [demo.shifted_files(today, into=tmp_path)])
    lena = {"Authorization": f"Bearer {await auth.create_key(store, user_key='lena.vogel')}"}

    groups = exact(client.get("/v1/groups", params={"limit": 2}, headers=lena))
    group_revenue = {
        key: exact(client.get(f"/v1/organisations/{key}/revenue", params={"scope": "group"}, headers=lena))["revenue"]
        for key in ("ORG-DE-0001", "ORG-NL-0001")
    }

    assert group_revenue == {"ORG-DE-0001": Decimal("6599908.92"), "ORG-NL-0001": Decimal("3295099.22")}
    assert [(group["root_key"], group["revenue"]) for group in groups["items"]] == list(group_revenue.items())
    assert groups["to"] == "2031-05"
    assert groups["as_of"] == "2031-05-20"


async def test_a_rollup_has_every_contract_field(client, headers):
    body = get_revenue(client, headers, "ORG-DE-0001", scope="group")

    assert set(body) == ROLLUP_FIELDS
    assert (body["key"], body["scope"], body["from"], body["to"], body["as_of"]) == (
        "ORG-DE-0001",
        "group",
        "2025-01",
        "2025-12",
        "2025-06-30",
    )
    assert (body["currency"], body["hidden_count"], body["tree"], body["last_purchase"]) == ("EUR", 0, None, "2025-12")
    assert body["revenue"] == Decimal("6599908.92") and body["member_count"] == 11
    assert [period["period"] for period in body["periods"]] == [f"2025-{month:02d}" for month in range(1, 13)]
    assert set(body["periods"][0]) == {"period", "revenue", "gross_profit"}
    assert set(body["members"][0]) == {"key", "name", "revenue", "gross_profit"}
    assert set(body["rest"]) == {"count", "revenue", "gross_profit"}


async def test_a_group_earns_the_sum_of_its_members_own_figures(client, headers):
    group = get_revenue(client, headers, "ORG-DE-0004", scope="group")
    members = client.get("/v1/organisations/ORG-DE-0001/group", params={"as_of": "2025-06-30"}, headers=headers)
    keys = ["ORG-DE-0001", *(member["key"] for member in members.json()["members"])]

    own = [get_revenue(client, headers, key) for key in keys]

    assert group["key"] == "ORG-DE-0004" and group["member_count"] == len(keys)
    assert group["revenue"] == sum(body["revenue"] for body in own)
    assert group["gross_profit"] == sum(body["gross_profit"] for body in own)
    for index, period in enumerate(group["periods"]):
        assert period["revenue"] == sum(body["periods"][index]["revenue"] for body in own)


async def test_an_association_earns_its_own_and_its_current_members_figures(client, headers):
    association = get_revenue(client, headers, "ORG-DE-0050", scope="association")
    members = client.get("/v1/organisations/ORG-DE-0050/members", params={"as_of": "2025-06-30"}, headers=headers)
    keys = ["ORG-DE-0050", *(member["key"] for member in members.json()["items"])]

    own = [get_revenue(client, headers, key) for key in keys]

    assert association["member_count"] == len(keys) == 6  # ORG-DE-0023 left on 2024-12-31
    assert association["revenue"] == sum(body["revenue"] for body in own)


async def test_a_credit_note_month_is_exact_and_negative(client, headers):
    response = client.get(
        "/v1/organisations/ORG-DE-0007/revenue",
        params={"from": "2025-02", "to": "2025-02", "as_of": "2025-06-30"},
        headers=headers,
    )

    body = exact(response)
    assert '"revenue":-2380.55' in response.text
    assert (body["revenue"], body["gross_profit"]) == (Decimal("-2380.55"), Decimal("-512.4"))
    assert body["margin"] == Decimal("21.52")  # -512.40 / -2380.55, two places
    assert body["last_purchase"] == "2025-01"  # revenue below 0 is no purchase


async def test_the_tree_holds_a_subtotal_at_every_node(client, headers):
    body = get_revenue(client, headers, "ORG-DE-0001", scope="group", breakdown="tree")

    nodes = list(walk(body["tree"]))
    for node in nodes:
        assert node["revenue"] == node["own_revenue"] + sum(child["revenue"] for child in node["children"])
        assert node["gross_profit"] == node["own_gross_profit"] + sum(c["gross_profit"] for c in node["children"])
    assert (body["tree"]["key"], body["tree"]["revenue"]) == ("ORG-DE-0001", body["revenue"])
    assert len({node["key"] for node in nodes}) == len(nodes) == body["member_count"]
    assert body["tree"]["own_revenue"] == 0  # the holding has no account


@pytest.mark.parametrize(
    ("breakdown", "periods", "members", "tree"),
    [
        ("tree", False, False, True),
        ("period", True, False, False),
        ("member", False, True, False),
        ("", False, False, False),
        ("period, member,tree", True, True, True),
    ],
)
async def test_breakdown_chooses_the_parts(client, headers, breakdown, periods, members, tree):
    body = get_revenue(client, headers, "ORG-DE-0002", scope="subtree", breakdown=breakdown)

    assert (bool(body["periods"]), bool(body["members"]), body["rest"] is not None) == (periods, members, members)
    assert (body["tree"] is not None) == tree
    assert body["revenue"] > 0


async def test_top_lists_the_largest_members_and_sums_the_rest(client, headers):
    everyone = get_revenue(client, headers, "ORG-NL-0001", scope="group", top=100)
    top = get_revenue(client, headers, "ORG-NL-0001", scope="group", top=3)

    ranked = sorted(everyone["members"], key=lambda member: (-member["revenue"], member["key"]))
    assert everyone["members"] == ranked and everyone["rest"] == {"count": 0, "revenue": 0, "gross_profit": 0}
    assert top["members"] == ranked[:3]
    assert top["rest"]["count"] == len(ranked) - 3
    assert top["rest"]["revenue"] == sum(member["revenue"] for member in ranked[3:])
    assert top["revenue"] == sum(m["revenue"] for m in top["members"]) + top["rest"]["revenue"]


async def test_last_purchase_is_the_latest_month_with_revenue_up_to_to(client, headers):
    stopped = get_revenue(client, headers, "ORG-AT-0002")
    earlier = get_revenue(client, headers, "ORG-AT-0002", to="2025-05")
    nothing = get_revenue(client, headers, "ORG-DE-0040")

    assert (stopped["last_purchase"], earlier["last_purchase"]) == ("2025-07", "2025-05")
    assert (nothing["last_purchase"], nothing["margin"], nothing["revenue"], nothing["members"]) == (None, None, 0, [])


async def test_the_range_defaults_to_the_year_up_to_the_month_of_as_of(client, headers):
    response = client.get("/v1/organisations/ORG-DE-0021/revenue", params={"as_of": "2025-03-15"}, headers=headers)

    body = exact(response)
    assert (body["from"], body["to"], len(body["periods"])) == ("2024-04", "2025-03", 12)


async def test_a_merged_duplicates_key_answers_for_its_survivor(client, store, headers):
    survivor = get_revenue(client, headers, "ORG-DE-0024")
    await duplicates.merge(store, survivor="ORG-DE-0024", duplicate="ORG-DE-0025")

    merged = get_revenue(client, headers, "ORG-DE-0025")

    assert (merged["key"], merged["revenue"]) == ("ORG-DE-0024", survivor["revenue"])


async def test_group_pages_cover_every_group_once_in_rank_order(client, headers):
    whole = exact(client.get("/v1/groups", params=YEAR, headers=headers))

    paged = all_groups(client, headers, limit=4)

    assert paged == whole["items"] and whole["next_cursor"] is None
    assert [group["rank"] for group in paged] == list(range(1, whole["group_count"] + 1))
    assert len({group["root_key"] for group in paged}) == len(paged) == whole["group_count"]
    assert sum(group["revenue"] for group in paged) == whole["total_revenue"]
    assert [group["revenue"] for group in paged] == sorted((group["revenue"] for group in paged), reverse=True)
    assert set(paged[0]) == {"root_key", "name", "revenue", "gross_profit", "member_count", "abc_class", "rank"}
    assert (whole["currency"], whole["hidden_count"], whole["from"], whole["to"]) == ("EUR", 0, "2025-01", "2025-12")
    assert [(g["root_key"], g["revenue"], g["member_count"]) for g in paged[:2]] == [
        ("ORG-DE-0001", Decimal("6599908.92"), 11),
        ("ORG-NL-0001", Decimal("3295099.22"), 10),
    ]


@pytest.mark.parametrize(
    ("a_percent", "b_percent", "first_three"), [(80, 15, "AAB"), (50, 30, "ABC"), (99, 1, "AAA"), (100, 0, "AAA")]
)
async def test_abc_classes_follow_the_apps_settings(settings, headers, a_percent, b_percent, first_three):
    app = create_app(settings.model_copy(update={"abc_a_percent": a_percent, "abc_b_percent": b_percent}))
    with TestClient(app) as client:
        ranked = all_groups(client, headers)

    # Müller has about 56 % of the revenue, Van der Berg 28 %, the next group 4 %.
    assert "".join(group["abc_class"] for group in ranked[:3]) == first_three
    total, above = sum(group["revenue"] for group in ranked), 0
    for group in ranked:
        # The groups ranked above this one make less than a_percent of the total: A; less than a + b: B.
        expected = (
            "A" if above * 100 < a_percent * total else "B" if above * 100 < (a_percent + b_percent) * total else "C"
        )
        assert group["abc_class"] == expected, group
        above += group["revenue"]


@pytest.mark.parametrize("path", ["/v1/organisations/ORG-DE-0001/revenue", "/v1/groups"])
async def test_every_revenue_endpoint_needs_an_api_key(client, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_an_unknown_organisation_is_404_problem_json(client, headers):
    response = client.get("/v1/organisations/NO-SUCH-ORG/revenue", params={"scope": "group"}, headers=headers)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-13"},
        {"to": "2025-1"},
        {"from": "2025-06", "to": "2025-05"},
        {"from": "1900-01", "to": "2025-01"},
        {"scope": "country"},
        {"breakdown": "period,region"},
        {"top": 0},
        {"top": 10_001},
        {"as_of": "2025-02-30"},
    ],
)
async def test_bad_rollup_parameters_are_422_problem_json(client, headers, params):
    response = client.get("/v1/organisations/ORG-DE-0001/revenue", params=params, headers=headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    "params", [{"from": "2025-00"}, {"from": "2026-01", "to": "2025-12"}, {"cursor": "nonsense"}, {"limit": 0}]
)
async def test_bad_groups_parameters_are_422_problem_json(client, headers, params):
    response = client.get("/v1/groups", params=params, headers=headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


@given(cents=st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_an_amount_in_json_is_the_exact_decimal_of_its_cents(cents):
    text = json.dumps(amount(cents))

    assert Decimal(text) == Decimal(cents) / 100
    assert "e" not in text.lower() and len(text.partition(".")[2]) <= 2


# --- random questions against a plain-Python reference on the demo's load files ---------------


def demo_rows(kind: str) -> list[dict[str, str]]:
    with open(DEMO_DIR / f"{kind}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def valid(row: dict[str, str], when: datetime.date, start: str = "valid_from", end: str = "valid_to") -> bool:
    day = when.isoformat()
    return (not row[start] or row[start] <= day) and (not row[end] or day <= row[end])


@dataclass(frozen=True)
class Booking:
    organisation: str
    period: str
    revenue: Decimal
    gross_profit: Decimal


class Demo:
    """The demo's organisations, structure and bookings, read from its load files."""

    def __init__(self) -> None:
        self.names = {row["key"]: row["name"] for row in demo_rows("organisations")}
        self.keys = list(self.names)
        self.parents = demo_rows("parents")
        self.memberships = demo_rows("memberships")
        holders = defaultdict(list)
        for row in demo_rows("accounts"):
            if row["role"] in ("", "sold_to"):
                holders[row["debtor_number"]].append(row["organisation_key"])
        self.bookings = []
        for row in demo_rows("revenue"):
            (sole_holder,) = holders[row["debtor_number"]] if not row["organisation_key"] else [None]
            self.bookings.append(
                Booking(
                    row["organisation_key"] or sole_holder,
                    row["period"],
                    Decimal(row["revenue"]),
                    Decimal(row["gross_profit"] or "0"),
                )
            )

    def scope(self, key: str, scope: str, when: datetime.date) -> tuple[str, set[str]]:
        """Return the top of a scope and every organisation in it."""
        if scope == "self":
            return key, {key}
        if scope == "association":
            members = {row["member_key"] for row in self.memberships if row["association_key"] == key}
            return key, {key} | {m for m in members if self._member_on(m, key, when)}
        parent = {row["child_key"]: row["parent_key"] for row in self.parents if valid(row, when)}
        top = key
        while scope == "group" and top in parent:
            top = parent[top]

        def under_top(organisation: str) -> bool:
            while organisation != top and organisation in parent:
                organisation = parent[organisation]
            return organisation == top

        return top, {organisation for organisation in self.keys if under_top(organisation)}

    def _member_on(self, member: str, association: str, when: datetime.date) -> bool:
        return any(
            valid(row, when)
            for row in self.memberships
            if (row["member_key"], row["association_key"]) == (member, association)
        )


def months(first: int, last: int) -> list[str]:
    return [f"{number // 12}-{number % 12 + 1:02d}" for number in range(first, last + 1)]


def margin(revenue: Decimal, gross_profit: Decimal) -> Decimal | None:
    return None if revenue == 0 else (gross_profit * 100 / revenue).quantize(Decimal("0.01"), ROUND_HALF_UP)


DEMO = Demo()
MONTH_NUMBERS = st.integers(min_value=2024 * 12 + 9, max_value=2026 * 12 + 2)  # 2024-10 … 2026-03


@st.composite
def questions(draw):
    first, last = sorted([draw(MONTH_NUMBERS), draw(MONTH_NUMBERS)])
    return (
        draw(st.sampled_from(DEMO.keys)),
        draw(st.sampled_from(["self", "subtree", "group", "association"])),
        draw(st.sampled_from([datetime.date(2024, 3, 31), datetime.date(2024, 12, 31), datetime.date(2025, 6, 30)])),
        months(first, last),
        draw(st.integers(min_value=1, max_value=6)),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=questions())
async def test_rollups_agree_with_the_reference_on_random_questions(client, headers, question):
    key, scope, when, periods, top = question
    params = {"scope": scope, "from": periods[0], "to": periods[-1], "as_of": when.isoformat(), "top": top}

    top_key, keys = DEMO.scope(key, scope, when)
    booked = [booking for booking in DEMO.bookings if booking.organisation in keys]
    by_organisation = defaultdict(lambda: (Decimal(0), Decimal(0)))
    by_period = defaultdict(lambda: (Decimal(0), Decimal(0)))
    for booking in booked:
        if booking.period in periods:
            revenue, gross_profit = by_organisation[booking.organisation]
            by_organisation[booking.organisation] = (revenue + booking.revenue, gross_profit + booking.gross_profit)
        revenue, gross_profit = by_period[booking.period]
        by_period[booking.period] = (revenue + booking.revenue, gross_profit + booking.gross_profit)
    revenue = sum(figures[0] for figures in by_organisation.values())
    gross_profit = sum(figures[1] for figures in by_organisation.values())
    ranked = sorted(by_organisation, key=lambda organisation: (-by_organisation[organisation][0], organisation))

    response = client.get(
        f"/v1/organisations/{key}/revenue", params={**params, "breakdown": "period,member,tree"}, headers=headers
    )

    body = exact(response)
    assert (body["key"], body["member_count"]) == (key, len(keys))
    assert (body["revenue"], body["gross_profit"], body["margin"]) == (
        revenue,
        gross_profit,
        margin(revenue, gross_profit),
    )
    assert body["periods"] == [
        {"period": period, "revenue": by_period[period][0], "gross_profit": by_period[period][1]} for period in periods
    ]
    assert body["last_purchase"] == max(
        (period for period, figures in by_period.items() if period <= periods[-1] and figures[0] > 0), default=None
    )
    assert [(m["key"], m["name"], m["revenue"], m["gross_profit"]) for m in body["members"]] == [
        (organisation, DEMO.names[organisation], *by_organisation[organisation]) for organisation in ranked[:top]
    ]
    assert body["rest"] == {
        "count": len(ranked[top:]),
        "revenue": sum(by_organisation[organisation][0] for organisation in ranked[top:]),
        "gross_profit": sum(by_organisation[organisation][1] for organisation in ranked[top:]),
    }
    nodes = list(walk(body["tree"]))
    assert body["tree"]["key"] == top_key and {node["key"] for node in nodes} == keys
    assert all(node["own_revenue"] == by_organisation[node["key"]][0] for node in nodes)


# --- as the caller sees it ----------------------------------------------------------------------


@pytest.fixture
async def keys_of(store, headers):
    """An API key for each demo user the visibility cases ask as (the demo is loaded by `headers`)."""
    users = ("anna.becker", "thomas.huber", "markus.weber", "pieter.bakker", "admin")
    return {user: {"Authorization": f"Bearer {await auth.create_key(store, user_key=user)}"} for user in users}


async def test_a_hidden_organisation_answers_exactly_like_a_missing_one(client, keys_of):
    anna = keys_of["anna.becker"]

    hidden = client.get("/v1/organisations/ORG-DE-0001/revenue", params={**YEAR, "scope": "group"}, headers=anna)
    missing = client.get("/v1/organisations/ORG-XX-0001/revenue", params={**YEAR, "scope": "group"}, headers=anna)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.headers["content-type"] == missing.headers["content-type"] == PROBLEM_JSON
    assert hidden.json() | {"detail": None} == missing.json() | {"detail": None}
    assert hidden.json()["detail"] == "no organisation has the key 'ORG-DE-0001'"


async def test_group_totals_of_a_rep_never_include_hidden_members(client, headers, keys_of):
    everything = get_revenue(client, headers, "ORG-DE-0009", scope="group")
    own = [get_revenue(client, headers, key) for key in ("ORG-DE-0009", "ORG-DE-0010")]

    seen = get_revenue(client, keys_of["anna.becker"], "ORG-DE-0009", scope="group", breakdown="member,tree")

    assert (seen["member_count"], seen["hidden_count"]) == (2, 9) and everything["hidden_count"] == 0
    assert seen["revenue"] == sum(body["revenue"] for body in own) < everything["revenue"]
    assert {member["key"] for member in seen["members"]} <= {"ORG-DE-0009", "ORG-DE-0010"}
    assert {node["key"] for node in walk(seen["tree"])} == {None, "ORG-DE-0009", "ORG-DE-0010"}


async def test_the_groups_ranking_of_a_rep_counts_what_they_may_not_see(client, headers, keys_of):
    everything = all_groups(client, headers)
    page = exact(client.get("/v1/groups", params=YEAR, headers=keys_of["thomas.huber"]))

    assert page["hidden_count"] == 42 - 17
    assert sum(item["member_count"] for item in all_groups(client, keys_of["thomas.huber"])) == 17
    assert page["total_revenue"] < sum(item["revenue"] for item in everything)


async def test_territory_revenue_for_holders_analysts_and_admins(client, headers, keys_of):
    mine = exact(client.get("/v1/territories/DE-NORTH/revenue", params=YEAR, headers=keys_of["anna.becker"]))
    analyst = exact(client.get("/v1/territories/DE-NORTH/revenue", params=YEAR, headers=headers))
    region = exact(client.get("/v1/territories/REGION-CENTRAL/revenue", params=YEAR, headers=keys_of["markus.weber"]))
    hidden = client.get("/v1/territories/DE-NORTH/revenue", params=YEAR, headers=keys_of["thomas.huber"])
    unknown = client.get("/v1/territories/NOWHERE/revenue", params=YEAR, headers=keys_of["admin"])
    tree = client.get("/v1/territories/DE-NORTH/revenue", params={**YEAR, "breakdown": "tree"}, headers=headers)

    assert set(mine) == ROLLUP_FIELDS and (mine["key"], mine["scope"], mine["member_count"]) == (
        "DE-NORTH",
        "territory",
        9,
    )
    assert mine == analyst and mine["tree"] is None
    assert region["member_count"] == 42 and region["revenue"] == sum(
        item["revenue"] for item in all_groups(client, headers)
    )
    # A territory the caller does not hold answers like a missing one (test_visibility_everywhere checks the body).
    assert (hidden.status_code, unknown.status_code, tree.status_code) == (404, 404, 422)


async def test_portfolio_revenue_for_the_user_their_manager_analysts_and_admins(client, headers, keys_of):
    mine = exact(client.get("/v1/users/anna.becker/revenue", params=YEAR, headers=keys_of["anna.becker"]))
    managed = exact(client.get("/v1/users/anna.becker/revenue", params=YEAR, headers=keys_of["markus.weber"]))
    analyst = exact(client.get("/v1/users/anna.becker/revenue", params=YEAR, headers=headers))
    territory = exact(client.get("/v1/territories/DE-NORTH/revenue", params=YEAR, headers=headers))
    refused = client.get("/v1/users/anna.becker/revenue", params=YEAR, headers=keys_of["pieter.bakker"])
    unknown = client.get("/v1/users/nobody/revenue", params=YEAR, headers=keys_of["admin"])

    assert (mine["key"], mine["name"], mine["scope"], mine["member_count"]) == (
        "anna.becker",
        "Anna Becker",
        "portfolio",
        9,
    )
    assert mine == managed == analyst
    assert mine["revenue"] == territory["revenue"] and mine["members"] == territory["members"]
    assert (refused.status_code, unknown.status_code) == (403, 404)
