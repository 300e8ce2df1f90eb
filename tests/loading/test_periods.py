"""A load file's link whose period ends before it starts is rejected and not written; one day is a period."""

import datetime

import pytest

from graph import loading
from tests.loading.helpers import counts, rejections, write
from tests.loading.periods import END, PERIOD_KINDS, START, PeriodKind, write_base


@pytest.fixture
async def base(store, tmp_path):
    """Load the nodes every period kind's rows refer to."""
    report = await loading.load_paths(store, [write_base(tmp_path / "base")])
    assert report.rejected == 0, report


def kinds():
    return pytest.mark.parametrize("period", PERIOD_KINDS, ids=[period.kind for period in PERIOD_KINDS])


@kinds()
async def test_a_new_link_that_ends_before_it_starts_is_rejected_with_line_field_and_reason(
    store, tmp_path, base, period: PeriodKind
):
    path = write(tmp_path, f"{period.kind}.csv", period.file(START, END))

    report = await loading.load_paths(store, [path])

    assert rejections(report) == {(2, period.end, period.backwards_reason())}
    assert counts(report.files[0]) == (0, 0, 0, 1)
    assert await period.stored(store) == set()


@kinds()
async def test_a_stored_link_is_not_changed_by_a_row_that_ends_before_it_starts(
    store, tmp_path, base, period: PeriodKind
):
    first = datetime.date(2020, 1, 1)
    await loading.load_paths(store, [write(tmp_path, f"{period.kind}.csv", period.file(first, None))])
    path = write(tmp_path, f"{period.kind}.csv", period.file(START, END))

    report = await loading.load_paths(store, [path])

    assert rejections(report) == {(2, period.end, period.backwards_reason())}
    assert await period.stored(store) == {(*period.keys, first, None)}


@kinds()
async def test_a_period_that_ends_on_the_day_it_starts_is_one_day_and_loads(store, tmp_path, base, period: PeriodKind):
    # Both ends of a period are inclusive (docs/load-files.md, "Values"): the same day twice is one day.
    path = write(tmp_path, f"{period.kind}.csv", period.file(START, START))

    report = await loading.load_paths(store, [path])

    assert counts(report.files[0]) == (1, 0, 0, 0)
    assert await period.stored(store) == {(*period.keys, START, START)}
