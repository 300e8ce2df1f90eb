"""The demo dated relative to the day it is loaded: the month shift, and figures and stories around any today.

The files in seed/demo/ are written as of `seed.demo.ANCHOR`'s month; `seed.demo.shifted_files(today)` moves every
date and period to `today`'s month (seed/demo/README.md, "Dates are relative to the day you load the demo").
"""

import csv
import datetime
import filecmp

import pytest

from graph import access, loading, months, ranking, revenue
from graph.access import LinkStep
from seed import demo

D = datetime.date
# A day in the middle of a month, a 1st, a 31 January, a leap day, and the calendar's last year but one.
TODAYS = (D(2026, 12, 7), D(2027, 3, 1), D(2027, 1, 31), D(2028, 2, 29), D(9998, 12, 15))
GROUPS = {"ORG-DE-0001": 11, "ORG-NL-0001": 10}
# The acquisition: Van der Berg Belgium and its Gent branch joined the Van der Berg group on 2022-05-01 (as of ANCHOR).
BEFORE_ACQUISITION = D(2022, 4, 30)
# lukas.gruber covers for thomas.huber from 2025-11-17 to 2026-01-16 (as of ANCHOR): over the whole current month.
COVER = (D(2025, 11, 17), D(2026, 1, 16))


# --- the shift ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "shifted"),
    [
        (D(2025, 8, 4), 16, D(2026, 12, 4)),  # across a year
        (D(2025, 8, 4), -20, D(2023, 12, 4)),  # backwards across a year
        (D(2025, 1, 30), 1, D(2025, 2, 28)),  # clamped to a short month
        (D(2028, 1, 30), 1, D(2028, 2, 29)),  # clamped to a leap February
        (D(2025, 2, 28), 1, D(2025, 3, 31)),  # a month's last day stays a month's last day
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a leap day in a common year
        (D(2024, 9, 30), 1, D(2024, 10, 31)),
        (D(2024, 10, 1), 1, D(2024, 11, 1)),  # ...so the next period still starts the day after
        (D(2026, 1, 16), 12 * 8000, D(9999, 12, 31)),  # past the calendar's end: an open end
        (D(9999, 11, 30), 1, D(9999, 12, 31)),
        (D(1, 2, 3), -2, D(1, 1, 1)),  # before the calendar's start
        (D(1900, 12, 31), 0, D(1900, 12, 31)),
    ],
)
def test_a_day_moves_by_whole_months(day, months, shifted):
    assert demo.shift_day(day, months) == shifted


def test_a_period_moves_by_whole_months_within_the_calendar():
    assert [demo.shift_period(p, m) for p, m in [("2024-01", 35), ("2025-12", 1), ("2025-12", -12)]] == [
        "2026-12",
        "2026-01",
        "2024-12",
    ]
    assert demo.shift_period("9998-12", 12) == "9999-12"
    with pytest.raises(ValueError, match="leaves the calendar"):
        demo.shift_period("9999-12", 1)
    with pytest.raises(ValueError, match="leaves the calendar"):
        demo.shift_period("0001-01", -1)


def test_the_files_as_of_the_anchor_month_are_the_files(tmp_path):
    demo.shifted_files(D(2025, 12, 31), into=tmp_path)

    names = sorted(path.name for path in demo.DEMO_DIR.glob("*.csv"))
    assert sorted(path.name for path in tmp_path.iterdir()) == names
    assert filecmp.cmpfiles(demo.DEMO_DIR, tmp_path, names, shallow=False) == (names, [], [])


def test_only_dated_columns_move_and_open_ends_stay_open(tmp_path):
    source = tmp_path / "anchored"
    source.mkdir()
    (source / "parents.csv").write_text(
        "parent_key,child_key,kind,valid_from,valid_to,share\n"
        "A,B,legal,2025-01-31,2025-12-31,50\n"
        "A,C,legal,,9999-12-31,\n"
        "A,D,branch,0001-01-01,2026-01-16,\n"
        "A,E,branch,1850-06-30,,\n"
    )
    (source / "revenue.csv").write_text(
        "debtor_number,period,revenue,gross_profit,organisation_key,currency\n100,2024-01,2025.12,12.31,,\n"
    )

    demo.shifted_files(D(9999, 12, 1), into=tmp_path / "shifted", source=source)

    assert read(tmp_path / "shifted" / "parents.csv") == [
        ["parent_key", "child_key", "kind", "valid_from", "valid_to", "share"],
        ["A", "B", "legal", "9999-01-31", "9999-12-31", "50"],
        ["A", "C", "legal", "", "9999-12-31", ""],
        ["A", "D", "branch", "0001-01-01", "9999-12-31", ""],  # would pass the calendar's end: kept open
        ["A", "E", "branch", "9824-06-30", "", ""],
    ]
    assert read(tmp_path / "shifted" / "revenue.csv")[1] == ["100", "9998-01", "2025.12", "12.31", "", ""]


def read(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


# --- the demo around today ------------------------------------------------------------------------


@pytest.fixture(params=TODAYS, ids=str)
async def shifted_demo(request, store, tmp_path):
    today = request.param
    report = await loading.load_paths(store, [demo.shifted_files(today, into=tmp_path)])
    assert report.rejections == []
    return store, today, demo.month_count(today) - demo.month_count(demo.ANCHOR)


async def test_the_main_groups_have_figures_with_the_default_period(shifted_demo, snapshots):
    store, today, _ = shifted_demo
    current = f"{today.year:04d}-{today.month:02d}"

    for key, members in GROUPS.items():
        year = await revenue.rollup(store, snapshots=snapshots, key=key, scope=revenue.Scope.GROUP, as_of=today)
        year_months = months.period_range(None, None, as_of=today)
        two_years = await revenue.rollup(
            store,
            snapshots=snapshots,
            key=key,
            scope=revenue.Scope.GROUP,
            as_of=today,
            first=demo.shift_period(year_months[0], -24),
        )

        assert year.figures.revenue > 0 and year.member_count == members
        assert year.last_purchase == current
        booked = [period.period for period in two_years.periods if period.figures.revenue]
        assert booked == months.period_range(demo.shift_period(current, -23), current, as_of=today)


async def test_the_default_year_holds_the_figures_of_the_demo_readme(shifted_demo, snapshots):
    store, today, _ = shifted_demo

    page = await ranking.groups(store, snapshots=snapshots, as_of=today, classes=ranking.AbcClasses(80, 15), limit=2)

    assert [(group.root_key, group.figures.revenue) for group in page.items] == [
        ("ORG-DE-0001", 6_599_908_92),  # in cents
        ("ORG-NL-0001", 3_295_099_22),
    ]


async def test_before_the_acquisition_the_group_is_without_it(shifted_demo, snapshots):
    store, today, months = shifted_demo

    before = await group_keys(store, snapshots, demo.shift_day(BEFORE_ACQUISITION, months))
    now = await group_keys(store, snapshots, today)

    # Van der Berg Belgium and its Gent branch came with the acquisition; vestiging Breda opened later.
    assert now - before == {"ORG-BE-0001", "ORG-BE-0002", "ORG-NL-0008"}
    assert before < now and len(now) == GROUPS["ORG-NL-0001"]


async def group_keys(store, snapshots, as_of: datetime.date) -> set[str]:
    rollup = await revenue.rollup(
        store,
        snapshots=snapshots,
        key="ORG-NL-0001",
        scope=revenue.Scope.GROUP,
        as_of=as_of,
        breakdown={revenue.Breakdown.TREE},
    )
    keys, nodes = set(), [rollup.tree]
    while nodes:
        node = nodes.pop()
        keys.add(node.key)
        nodes.extend(node.children)
    return keys


async def test_the_substitution_in_force_today_is_in_force(shifted_demo, snapshots):
    store, today, months = shifted_demo
    start, end = (demo.shift_day(day, months) for day in COVER)

    covering = await access.explain(store, user_key="lukas.gruber", key="ORG-DE-0003", as_of=today)
    day_after = end + datetime.timedelta(days=1)
    after = await access.explain(store, user_key="lukas.gruber", key="ORG-DE-0003", as_of=day_after)

    assert start <= today <= end
    assert covering.visible
    assert covering.path[1] == LinkStep(
        "SUBSTITUTES", "lukas.gruber", "thomas.huber", {"valid_from": start, "valid_to": end}
    )
    assert not after.visible
    # The portfolio of the demo README: his own AT-0001 and CH-0001, and thomas.huber's 17 while he covers.
    assert await portfolio(store, snapshots, "lukas.gruber", today) == {"ORG-AT-0001", "ORG-CH-0001"} | await portfolio(
        store, snapshots, "thomas.huber", today
    )
    assert len(await portfolio(store, snapshots, "lukas.gruber", today)) == 19
    assert await portfolio(store, snapshots, "lukas.gruber", day_after) == {"ORG-AT-0001", "ORG-CH-0001"}


async def portfolio(store, snapshots, user_key: str, as_of: datetime.date) -> set[str]:
    page = await access.portfolio(store, snapshots=snapshots, user_key=user_key, as_of=as_of, limit=10_000)
    return {item.key for item in page.items}


async def test_prepare_loads_the_demo_dated_as_of_its_day(store, snapshots, tmp_path):
    today = D(2027, 1, 31)

    keys = await demo.prepare(store, data_dir=tmp_path, today=today)
    rollup = await revenue.rollup(store, snapshots=snapshots, key="ORG-DE-0001", scope=revenue.Scope.GROUP, as_of=today)

    assert list(keys) == demo.demo_users()
    assert (rollup.first, rollup.last, rollup.last_purchase) == ("2026-02", "2027-01", "2027-01")
    assert rollup.figures.revenue == 6_599_908_92
