"""Helpers for hierarchy tests: dates by day, an in-memory store for the checks' reads, and loaders."""

import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graph.hierarchy import rules
from graph.hierarchy.rules import Link, Membership
from graph.queries import Query
from graph.store import Store
from tests.helpers import load_rows


def reasons(problems: Mapping[int, rules.Problem]) -> dict[int, str]:
    """Return the reason of each problem by its index: what a load report or an error shows."""
    return {index: problem.reason for index, problem in problems.items()}


def d(text: str | None) -> datetime.date | None:
    """Return the date `YYYY-MM-DD`, or None for None."""
    return None if text is None else datetime.date.fromisoformat(text)


class MemoryStore:
    """Answers the reads of :mod:`graph.hierarchy` from lists of links, and counts them."""

    def __init__(self, links: Sequence[Link] = (), memberships: Sequence[Membership] = ()):
        self.links = list(links)
        self.memberships = list(memberships)
        self.reads: list[tuple[str, int]] = []  # (query name, number of keys)

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        keys = set(params["keys"])
        self.reads.append((query.name, len(keys)))
        if query is rules.FIND_PARENT_PERIODS:
            return [
                {
                    "child": link.child,
                    "parent": link.parent,
                    "kind": link.kind,
                    "share": link.share,
                    "valid_from": link.valid_from,
                    "valid_to": link.valid_to,
                }
                for link in self.links
                if link.child in keys
            ]
        if query is rules.FIND_ORGANISATIONS_WITH_CHILDREN:
            return [{"key": key} for key in keys & {link.parent for link in self.links}]
        if query is rules.FIND_MEMBERSHIP_PERIODS:
            return [
                {
                    "member": link.member,
                    "association": link.association,
                    "valid_from": link.valid_from,
                    "valid_to": link.valid_to,
                }
                for link in self.memberships
                if link.member in keys
            ]
        if query is rules.FIND_ORGANISATIONS_WITH_MEMBERS:
            return [{"key": key} for key in keys & {link.association for link in self.memberships}]
        raise AssertionError(f"unexpected query {query.name}")


class CountingStore:
    """Wraps a store and records the name of every query it reads."""

    def __init__(self, store: Store):
        self.store = store
        self.reads: list[str] = []

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.reads.append(query.name)
        return await self.store.read(query, params)


def _day(value: datetime.date | None) -> str:
    return "" if value is None else value.isoformat()


async def add_organisations(store: Store, directory: Path, keys: Sequence[str]) -> None:
    """Load organisations with these keys, each named after its key."""
    await load_rows(store, directory, "organisations", [{"key": key, "name": key} for key in keys])


async def add_links(store: Store, directory: Path, links: Sequence[Link]) -> None:
    """Load `PARENT_OF` periods through the loader."""
    await load_rows(
        store,
        directory,
        "parents",
        [
            {
                "parent_key": link.parent,
                "child_key": link.child,
                "kind": link.kind,
                "valid_from": _day(link.valid_from),
                "valid_to": _day(link.valid_to),
                "share": "" if link.share is None else f"{link.share:g}",
            }
            for link in links
        ],
    )


async def add_memberships(store: Store, directory: Path, memberships: Sequence[Membership]) -> None:
    """Load `MEMBER_OF` links through the loader."""
    await load_rows(
        store,
        directory,
        "memberships",
        [
            {
                "member_key": link.member,
                "association_key": link.association,
                "valid_from": _day(link.valid_from),
                "valid_to": _day(link.valid_to),
            }
            for link in memberships
        ],
    )
