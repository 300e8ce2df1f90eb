"""The connection reads on random graphs with history, against a plain-Python reference.

The reference shares no code with :mod:`graph.connections`: it keeps every link in a list, decides
validity on a day itself, finds a group by climbing and descending the parent links of the day, and
sorts whole lists. Every read is compared page by page with small limits, and in one page.
"""

import datetime
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, connections
from graph.connections import MembershipLink, RelatedLink, SupplyLink
from tests.calendar import day
from tests.connections.helpers import all_pages, build

FIRST, LAST = 0, 9
KEY_POOL = ["A", "B", "C", "D", "E", "F", "G"]
CONTACT_POOL = ["P1", "P2"]
ORGANISATION_KINDS = ["company", "branch", "association", "chain"]
TYPES = ["advises", "sister_of"]


def valid(start: datetime.date | None, end: datetime.date | None, when: datetime.date) -> bool:
    return (start is None or start <= when) and (end is None or when <= end)


@dataclass
class World:
    organisations: list[tuple[str, str]]
    contacts: list[tuple[str, str | None, str]]
    parents: list[tuple[str, str, str, datetime.date | None, datetime.date | None]] = field(default_factory=list)
    memberships: list[tuple[str, str, datetime.date | None, datetime.date | None]] = field(default_factory=list)
    supplies: list[tuple[str, str, datetime.date | None, datetime.date | None, str | None]] = field(
        default_factory=list
    )
    relationships: list[tuple[str, str, str, str | None]] = field(default_factory=list)


class Reference:
    """The reads in plain Python over the lists of a :class:`World`."""

    def __init__(self, world: World):
        self.world = world
        self.kinds = dict(world.organisations)

    def name(self, key):
        for contact, first, last in self.world.contacts:
            if contact == key:
                return f"{first} {last}" if first else last
        return f"Org {key}"

    def memberships(self, key, when):
        found = [
            MembershipLink(association, self.name(association), self.kinds[association], start, end)
            for member, association, start, end in self.world.memberships
            if member == key and valid(start, end, when)
        ]
        return sorted(found, key=lambda link: link.key)

    def members(self, key, when):
        found = [
            MembershipLink(member, self.name(member), self.kinds[member], start, end)
            for member, association, start, end in self.world.memberships
            if association == key and valid(start, end, when)
        ]
        return sorted(found, key=lambda link: link.key)

    def group(self, key, when):
        top = key
        while True:
            above = [p for p, c, _, start, end in self.world.parents if c == top and valid(start, end, when)]
            if not above:
                break
            top = above[0]
        group, frontier = {top}, [top]
        while frontier:
            frontier = [c for p, c, _, start, end in self.world.parents if p in frontier and valid(start, end, when)]
            group.update(frontier)
        return group

    def supplies(self, key, when, scope, *, of_customers):
        inside = {key} if scope == "self" else self.group(key, when)
        found = []
        for supplier, customer, since, until, note in self.world.supplies:
            own, other = (supplier, customer) if of_customers else (customer, supplier)
            if own in inside and other not in inside and valid(since, until, when):
                found.append(SupplyLink(other, self.name(other), since, until, note, own))
        return sorted(found, key=lambda link: (link.key, link.via_key))

    def related(self, key, relationship_type):
        found = []
        for source, target, kind, note in self.world.relationships:
            if relationship_type not in (None, kind):
                continue
            if source == key:
                found.append((target, kind, "outgoing", note))
            if target == key:
                found.append((source, kind, "incoming", note))
        return [
            RelatedLink(
                other, self.name(other), "Contact" if other in CONTACT_POOL else "Organisation", kind, way, note
            )
            for other, kind, way, note in sorted(found, key=lambda item: item[:3])
        ]


def periods(draw, count):
    """Draw `count` ordered, non-overlapping periods within FIRST..LAST; the outer ends may be open."""
    bounds = sorted(draw(st.lists(st.integers(FIRST, LAST), min_size=2 * count, max_size=2 * count, unique=True)))
    found = []
    for number in range(count):
        start, end = day(bounds[2 * number]), day(bounds[2 * number + 1])
        if number == 0 and draw(st.booleans()):
            start = None
        if number == count - 1 and draw(st.booleans()):
            end = None
        found.append((start, end))
    return found


@st.composite
def worlds(draw):
    """Organisations in a random order; parents and associations always come earlier in it, so no day has a cycle."""
    keys = draw(st.permutations(KEY_POOL))[: draw(st.integers(2, len(KEY_POOL)))]
    contacts = draw(st.lists(st.sampled_from(CONTACT_POOL), unique=True))
    world = World(
        [(key, draw(st.sampled_from(ORGANISATION_KINDS))) for key in keys],
        [(key, draw(st.sampled_from([None, f"First {key}"])), f"Last {key}") for key in contacts],
    )
    for index, child in enumerate(keys[1:], 1):
        for start, end in periods(draw, draw(st.integers(0, 2))):
            world.parents.append((draw(st.sampled_from(keys[:index])), child, "legal", start, end))
    pairs = [(a, b) for a in keys for b in keys if a != b]
    for member, association in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=5)):
        if keys.index(association) < keys.index(member):
            world.memberships.append((member, association, *periods(draw, 1)[0]))
    for supplier, customer in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=8)):
        note = draw(st.sampled_from([None, f"{supplier} to {customer}"]))
        world.supplies.append((supplier, customer, *periods(draw, 1)[0], note))
    ends = keys + contacts
    links = [(a, b, kind) for a in ends for b in ends if a != b for kind in TYPES]
    for source, target, kind in draw(st.lists(st.sampled_from(links), unique=True, max_size=5)):
        world.relationships.append((source, target, kind, draw(st.sampled_from([None, "a note"]))))
    days = [day(number) for number in draw(st.lists(st.integers(FIRST - 1, LAST + 1), min_size=1, max_size=2))]
    return world, days, draw(st.integers(1, 3))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=worlds())
async def test_reads_agree_with_the_reference_on_random_graphs(store, snapshots, tmp_path, drawn):
    world, days, limit = drawn
    await admin.delete_everything(store)
    await build(store, tmp_path, types=TYPES, **vars(world))
    reference = Reference(world)

    for when in days:
        for key, _ in world.organisations:
            reads = {
                "memberships": (connections.memberships, {}, reference.memberships(key, when)),
                "members": (connections.members, {}, reference.members(key, when)),
                "related": (connections.related, {}, reference.related(key, None)),
                "related advises": (
                    connections.related,
                    {"relationship_type": "advises"},
                    reference.related(key, "advises"),
                ),
            }
            for scope in ("self", "group"):
                reads[f"suppliers {scope}"] = (
                    connections.suppliers,
                    {"snapshots": snapshots, "scope": scope},
                    reference.supplies(key, when, scope, of_customers=False),
                )
                reads[f"customers {scope}"] = (
                    connections.customers,
                    {"snapshots": snapshots, "scope": scope},
                    reference.supplies(key, when, scope, of_customers=True),
                )
            for name, (read, options, expected) in reads.items():

                async def paged(cursor, limit, read=read, options=options, key=key, when=when):
                    return await read(store, key=key, as_of=when, cursor=cursor, limit=limit, **options)

                whole = await read(store, key=key, as_of=when, **options)
                assert (whole.items, whole.next_cursor) == (expected, None), (name, key, when)
                assert await all_pages(paged, limit) == expected, (name, key, when, limit)
