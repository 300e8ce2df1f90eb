"""The JSON documents of the answers that the API gives and the CLI prints with `--json`, built in one place.

A route validates a document with its response model, which declares the same keys in the same order, and the
command line prints the document as it is: both give the same JSON. Values are JSON-ready (days as
`YYYY-MM-DD`). Amounts are integer cents in graph.revenue; here they become numbers with at most two decimals:
cents / 100 is correctly rounded and a float's repr is the shortest text that reads back as it, so the JSON
text is the exact decimal amount (for totals below 10^13).
"""

import datetime
from pathlib import Path
from typing import Any

from graph import activities, levels, loading, ranking, revenue

Document = dict[str, Any]


def amount(cents: int) -> float:
    """Return an amount of integer cents as the decimal number JSON shows."""
    return cents / 100


def rollup(found: revenue.Rollup, *, as_of: datetime.date, currency: str) -> Document:
    """Return the document of a rollup (`GET /v1/organisations/{key}/revenue`, `crmgraph revenue --json`).

    Args:
        found: the rollup.
        as_of: the day whose structure counted.
        currency: the reporting currency.

    Returns:
        The document.
    """
    margin = found.figures.margin
    return {
        **_figures(found.figures),
        **_asked(found.first, found.last, as_of, currency),
        "key": found.key,
        "name": found.name,
        "scope": str(found.scope),
        "margin": None if margin is None else float(margin),
        "last_purchase": found.last_purchase,
        "member_count": found.member_count,
        "periods": [{**_figures(period.figures), "period": period.period} for period in found.periods],
        "members": [{**_figures(member.figures), "key": member.key, "name": member.name} for member in found.members],
        "rest": None if found.rest is None else {**_figures(found.rest.figures), "count": found.rest.count},
        "tree": None if found.tree is None else _tree(found.tree),
        "hidden_count": found.hidden_count,
    }


def groups(page: ranking.GroupPage, *, first: str, last: str, as_of: datetime.date, currency: str) -> Document:
    """Return the document of a page of the groups ranking (`GET /v1/groups`, `crmgraph groups --json`).

    Args:
        page: the page.
        first: the first month summed, `YYYY-MM`.
        last: the last month summed, `YYYY-MM`.
        as_of: the day whose structure counted.
        currency: the reporting currency.

    Returns:
        The document.
    """
    return {
        **_asked(first, last, as_of, currency),
        "items": [
            {
                **_figures(group.figures),
                "root_key": group.root_key,
                "name": group.name,
                "member_count": group.member_count,
                "abc_class": group.abc_class,
                "rank": group.rank,
            }
            for group in page.items
        ],
        "next_cursor": page.next_cursor,
        "group_count": page.group_count,
        "total_revenue": amount(page.total.revenue),
        "total_gross_profit": amount(page.total.gross_profit),
        "hidden_count": page.hidden_count,
    }


def level(found: levels.Level, *, as_of: datetime.date, currency: str) -> Document:
    """Return the document of a page of a level (`GET /v1/organisations/{key}/children`).

    Args:
        found: the page of the level.
        as_of: the day whose structure counted.
        currency: the reporting currency.

    Returns:
        The document.
    """
    return {
        **_asked(found.first, found.last, as_of, currency),
        "key": found.key,
        "name": found.name,
        "country": found.country,
        "own": _figures(found.own),
        "total": _figures(found.total),
        "member_count": found.member_count,
        "child_count": found.child_count,
        "hidden_count": found.hidden_count,
        "items": [_level_item(item) for item in found.items],
        "next_cursor": found.next_cursor,
    }


def chain(found: levels.Chain, *, as_of: datetime.date, currency: str) -> Document:
    """Return the document of the levels of a chain (`GET /v1/organisations/{key}/levels`).

    Args:
        found: the levels.
        as_of: the day whose structure counted.
        currency: the reporting currency.

    Returns:
        The document.
    """
    return {
        **_asked(found.first, found.last, as_of, currency),
        "key": found.key,
        "hidden_count": found.hidden_count,
        "levels": [
            {
                **level(part.level, as_of=as_of, currency=currency),
                "chain_item": None if part.chain_item is None else _level_item(part.chain_item),
            }
            for part in found.levels
        ],
    }


def activities_page(page: activities.Page) -> Document:
    """Return the document of a page of activities (`GET /v1/organisations/{key}/activities`, the contact's and the
    follow-ups, `crmgraph activities --json`).

    Args:
        page: the page.

    Returns:
        The document.
    """
    return {
        "items": [
            {
                "key": item.key,
                "type": item.type,
                "status": item.status,
                "date": item.date.isoformat(),
                "subject": item.subject,
                "organisation": {"key": item.organisation.key, "name": item.organisation.name},
                "contacts": [
                    {"key": person.key, "first_name": person.first_name, "last_name": person.last_name}
                    for person in item.contacts
                ],
                "owner": None if item.owner is None else {"key": item.owner.key, "name": item.owner.name},
            }
            for item in page.items
        ],
        "next_cursor": page.next_cursor,
        "hidden_count": page.hidden_count,
    }


def preview(report: loading.FileReport, *, base: Path | None = None) -> Document:
    """Return the document of a territories file's preview (`POST /v1/territories/preview`, `crmgraph territories
    preview --json`).

    Args:
        report: the dry run's report of the file, with the assignments its rules would change.
        base: the directory the file's name is shown relative to; None: as given.

    Returns:
        The document.
    """
    found = report.to_dict(base)
    plan = found["assignments"]
    return {
        **{name: found[name] for name in ("file", "rows", "created", "updated", "unchanged", "rejected")},
        "rejections": found["rejections"],
        **{name: plan[name] for name in ("added", "removed", "moves", "conflicts")},
    }


def _figures(figures: revenue.Figures) -> Document:
    return {"revenue": amount(figures.revenue), "gross_profit": amount(figures.gross_profit)}


def _day(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _tree(node: revenue.TreeFigures) -> Document:
    return {
        **_figures(node.total),
        "key": node.key,
        "name": node.name,
        "own_revenue": amount(node.own.revenue),
        "own_gross_profit": amount(node.own.gross_profit),
        "children": [_tree(child) for child in node.children],
    }


def _level_item(item: levels.LevelItem) -> Document:
    return {
        "key": item.key,
        "name": item.name,
        "country": item.country,
        "kind": item.kind,
        "share": item.share,
        "valid_from": _day(item.valid_from),
        "valid_to": _day(item.valid_to),
        "parent_key": item.parent_key,
        "depth": item.depth,
        "own": _figures(item.own),
        "total": _figures(item.total),
        "member_count": item.member_count,
        "hidden_count": item.hidden_count,
    }


def _asked(first: str, last: str, as_of: datetime.date, currency: str) -> Document:
    """Return what every revenue document says of its question: the months summed, the day and the currency."""
    return {"from": first, "to": last, "as_of": as_of.isoformat(), "currency": currency}
