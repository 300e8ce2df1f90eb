"""Helpers for structure tests: what the graph holds of each link type, read with plain test queries."""

from graph.hierarchy.rules import Link, Membership
from graph.store import Store
from tests.loading.helpers import rows


async def parent_links(store: Store) -> set[Link]:
    """Return every stored `PARENT_OF` period, its fields as stored (a missing kind is None)."""
    found = await rows(
        store,
        "MATCH (parent:Organisation)-[link:PARENT_OF]->(child:Organisation) "
        "RETURN parent.key AS parent, child.key AS child, link.valid_from AS valid_from, "
        "link.valid_to AS valid_to, link.kind AS kind, link.share AS share",
        days=("valid_from", "valid_to"),
    )
    return {Link(r["parent"], r["child"], r["valid_from"], r["valid_to"], r["kind"], r["share"]) for r in found}


async def memberships(store: Store) -> set[Membership]:
    """Return every stored `MEMBER_OF` link."""
    found = await rows(
        store,
        "MATCH (member:Organisation)-[link:MEMBER_OF]->(association:Organisation) "
        "RETURN member.key AS member, association.key AS association, "
        "link.valid_from AS valid_from, link.valid_to AS valid_to",
        days=("valid_from", "valid_to"),
    )
    return {Membership(r["member"], r["association"], r["valid_from"], r["valid_to"]) for r in found}


async def supplies(store: Store) -> set[tuple]:
    """Return (supplier, customer, since, until, note) of every stored `SUPPLIES` link."""
    found = await rows(
        store,
        "MATCH (supplier:Organisation)-[link:SUPPLIES]->(customer:Organisation) "
        "RETURN supplier.key AS supplier, customer.key AS customer, link.since AS since, "
        "link.until AS until, link.note AS note",
        days=("since", "until"),
    )
    return {(r["supplier"], r["customer"], r["since"], r["until"], r["note"]) for r in found}


async def relations(store: Store) -> set[tuple]:
    """Return (from key, to key, type, note) of every stored `RELATED_TO` link."""
    found = await rows(
        store,
        "MATCH (source)-[link:RELATED_TO]->(target) "
        "RETURN source.key AS source, target.key AS target, link.type AS type, link.note AS note",
    )
    return {(r["source"], r["target"], r["type"], r["note"]) for r in found}
