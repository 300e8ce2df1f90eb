"""Scale data for benchmarks: every kind of load file, shaped like a real customer base, the same bytes for a seed.

The organisations are laid out as corporate groups first (one huge group of
about 10 % of them, five of about 1 %, a "large" one, many medium ones, many
tiny ones), then the long tail of single organisations, associations and
chains. Inside a group every parent comes before its children, so a parent's
index is always below its child's, on every day of the history: no
re-parenting can make a cycle. The plan keeps only integer arrays; each file
is then streamed row by row with the csv module.

See docs/generator.md for the shape, the size classes and measured times.
"""

import array
import csv
import datetime
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InvalidInput

# The twelve booked months are 2025-01..2025-12; AS_OF is the day the structure is as planned.
BOOKING_YEAR = 2025
AS_OF = datetime.date(BOOKING_YEAR, 12, 31)
HANDOVER = datetime.date(BOOKING_YEAR - 1, 7, 1)
PERIODS = [f"{BOOKING_YEAR}-{month:02d}" for month in range(1, 13)]

HUGE_SHARE = 0.10
PERCENT_GROUPS = 5
LARGE_SIZE = 10_000
LARGE_FROM = 100_000
MEDIUM_SIZE = 300
MEDIUM_RANGE = (100, 500)
MEDIUM_SHARE = 0.30
TINY_SIZE = 10
TINY_MAX = 20
TINY_SHARE = 0.15
MAX_LEGAL_DEPTH = 10
BRANCH_SHARE = 0.35
REPARENT_SHARE = 0.03
DIVEST_SHARE = 0.02
ORGANISATIONS_PER_ASSOCIATION = 2_000
ORGANISATIONS_PER_CHAIN = 10_000
LISTED_PER_CLASS = 10

COMPANY, BRANCH, HOUSEHOLD, ASSOCIATION, CHAIN = range(5)
KIND_NAMES = ("company", "branch", "household", "association", "chain")
LEAD, PROSPECT, CUSTOMER, FORMER, SUPPLIER, PARTNER = range(6)
STATUS_NAMES = ("lead", "prospect", "customer", "former", "supplier", "partner")

# Weights of (lead, prospect, customer, former, supplier, partner).
GROUP_STATUS_WEIGHTS = (5, 15, 70, 10, 0, 0)
SINGLE_STATUS_WEIGHTS = (25, 20, 35, 8, 8, 4)

COUNTRIES = ("DE", "AT", "CH", "NL", "BE")
COUNTRY_WEIGHTS = (60, 12, 10, 12, 6)
CITIES = {
    "DE": ("Stuttgart", "München", "Hamburg", "Berlin", "Köln", "Leipzig", "Dortmund", "Augsburg", "Kiel", "Ulm"),
    "AT": ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt"),
    "CH": ("Zürich", "Bern", "Basel", "Luzern", "St. Gallen", "Lausanne"),
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Zwolle"),
    "BE": ("Antwerpen", "Gent", "Brussel", "Leuven", "Brugge", "Hasselt"),
}
LEGAL_FORMS = {"DE": "GmbH", "AT": "GmbH", "CH": "AG", "NL": "B.V.", "BE": "BV"}
STREETS = ("Hauptstraße", "Industriestraße", "Bahnhofstraße", "Am Hafen", "Kerkstraat", "Dorpsstraat", "Ringweg")
SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch",
    "Richter", "Wolf", "Huber", "Gruber", "Bauer", "de Jong", "Jansen", "de Vries", "Peeters", "Maes",
    "Keller", "Brunner", "Vogel", "Lang", "Hartmann", "Krüger", "Berger", "Frank", "Lehmann", "Schulz",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Lukas", "Sabine", "Thomas", "Petra", "Florian", "Julia", "Markus", "Eva", "Jan",
    "Lena", "Daan", "Sophie", "Stefan", "Laura", "Tobias", "Marie", "Pieter", "Katrin", "Michael",
)  # fmt: skip
SECTORS = (
    ("Building Materials", "Baustoffe"),
    ("Healthcare", "Medizintechnik"),
    ("Logistics", "Logistik"),
    ("Food Retail", "Lebensmittel"),
    ("Machinery", "Maschinenbau"),
    ("Electrical", "Elektrotechnik"),
    ("Automotive", "Fahrzeugteile"),
    ("Chemicals", "Chemie"),
    ("IT Services", "Systemhaus"),
    ("Furniture", "Möbel"),
)
ROLES = (("Geschäftsführer", "Geschäftsleitung"), ("Einkäufer", "Einkauf"), ("Leiterin Einkauf", "Einkauf"),
         ("Buchhaltung", "Finanzen"), ("Technischer Leiter", "Technik"), ("Filialleiter", "Vertrieb"))  # fmt: skip
NL_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"

# (key, name, region key, countries, postcode prefixes, postcode ranges): every generated postcode of a country
# matches exactly one district of it, so no organisation is in conflict.
DISTRICTS = (
    *((f"DE-{d}", f"Germany postcodes {d}xxxx", "REGION-DE-NORTH", "DE", "", f"{d}0000-{d}9999") for d in range(5)),
    *((f"DE-{d}", f"Germany postcodes {d}xxxx", "REGION-DE-SOUTH", "DE", str(d), "") for d in range(5, 10)),
    ("AT-EAST", "Austria east", "REGION-ALPS", "AT", "1;2;3;4", ""),
    ("AT-WEST", "Austria west", "REGION-ALPS", "AT", "5;6;7;8;9", ""),
    ("CH-WEST", "Switzerland west", "REGION-ALPS", "CH", "1;2;3", ""),
    ("CH-EAST", "Switzerland central and east", "REGION-ALPS", "CH", "4;5;6;7;8;9", ""),
    ("NL-WEST", "Netherlands west", "REGION-BENELUX", "NL", "", "1000AA-3999ZZ"),
    ("NL-EAST", "Netherlands east and south", "REGION-BENELUX", "NL", "", "4000AA-9999ZZ"),
    ("BE-ALL", "Belgium", "REGION-BENELUX", "BE", "", ""),
)
REGIONS = (
    ("REGION-DE-NORTH", "Germany north"),
    ("REGION-DE-SOUTH", "Germany south"),
    ("REGION-ALPS", "Alpine countries"),
    ("REGION-BENELUX", "Benelux"),
)
KEY_ACCOUNTS = "KEY-ACCOUNTS"
RELATIONSHIP_TYPES = (
    ("consultant_of", "A consultant (organisation or person) advising an organisation"),
    ("sister_of", "Sister companies with common owners that are not modelled as a legal parent"),
    ("former_name_of", "The older organisation record is the former name of the newer one"),
)

ACTIVITY_SUBJECTS = (
    ("call", "Rückfrage Lieferung"),
    ("call", "Jahresgespräch terminieren"),
    ("meeting", "Jahresgespräch"),
    ("meeting", "Baustellenbesuch"),
    ("email", "Preisliste zugeschickt"),
    ("offer", "Angebot Sortiment"),
    ("task", "Angebot nachfassen"),
    ("note", "Einkauf wird zentralisiert"),
)
# The default stages (graph/settings.py) with the probability a stage usually has.
OPPORTUNITY_STAGES = (
    ("qualification", "10"),
    ("analysis", "25"),
    ("proposal", "50"),
    ("negotiation", "70"),
    ("commitment", "90"),
)
OPPORTUNITY_NAMES = ("Rahmenvertrag", "Sortimentserweiterung", "Projektgeschäft", "Erstausstattung", "Jahresbedarf")

Progress = Callable[[str, int, float], None]


@dataclass
class Generated:
    """What `generate` wrote: rows per kind, representative groups by size class, users and the day to ask."""

    directory: Path
    files: dict[str, int]
    groups: dict[str, list[str]]
    sizes: dict[str, int]
    reps: list[str]
    users: int
    territories: int
    as_of: datetime.date
    seconds: float

    @property
    def rows(self) -> int:
        """Return the rows written over all files."""
        return sum(self.files.values())


@dataclass
class _Plan:
    """The shape of the data as integer arrays indexed by organisation (position in organisations.csv)."""

    count: int
    kind: list[int]
    status: list[int]
    parent: list[int]
    root: list[int]
    group_sizes: dict[int, int]
    group_classes: dict[str, list[int]]
    branch_children: dict[int, list[int]]
    # child -> (old parent, day the current period starts)
    reparented: dict[int, tuple[int, datetime.date]]
    # child -> (former parent, first day, last day)
    divested: dict[int, tuple[int, datetime.date, datetime.date]]
    associations: list[int]
    # association -> [(member, valid_from, valid_to or None)]
    members: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = field(default_factory=dict)
    # Filled by _write_people for the activities: the number of each organisation's first contact (its contacts
    # are numbered on from there up to the next organisation's first), and the first day of each contact's job there.
    first_contact: array.array = field(default_factory=lambda: array.array("l"))
    contact_since: array.array = field(default_factory=lambda: array.array("l"))


def generate(directory: Path, *, organisations: int, seed: int, progress: Progress | None = None) -> Generated:
    """Write every kind of load file for `organisations` organisations into `directory`.

    Args:
        directory: where `<kind>.csv` files are written; created when missing, files in it replaced.
        organisations: how many organisations (at least 1).
        seed: the same seed writes the same bytes.
        progress: called after each file with its kind, rows written and seconds taken.

    Returns:
        The rows per kind, representative group roots per size class and their sizes, the reps with a
        territory on `as_of`, the counts of users and territories, and `as_of`.

    Raises:
        InvalidInput: when `organisations` is below 1.
    """
    if organisations < 1:
        raise InvalidInput(f"organisations must be at least 1, not {organisations}")
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    plan = _plan(organisations, random.Random(f"{seed}:plan"))
    writers: list[tuple[tuple[str, ...], Callable[..., tuple[int, ...]]]] = [
        (("organisations",), _write_organisations),
        (("territories",), _write_territories),
        (("users", "user_territories", "substitutes"), _write_users),
        (("relationship_types",), _write_relationship_types),
        (("parents",), _write_parents),
        (("memberships",), _write_memberships),
        (("supplies",), _write_supplies),
        (("contacts", "employments", "relationships"), _write_people),
        (("debtors", "accounts", "revenue"), _write_bookings),
        (("org_territories",), _write_org_territories),
        (("activities",), _write_activities),
        (("opportunities",), _write_opportunities),
    ]
    files: dict[str, int] = {}
    for kinds, write in writers:
        step_started = time.perf_counter()
        rng = random.Random(f"{seed}:{kinds[0]}")
        with _csv_files(directory, kinds) as outputs:
            counts = write(plan, rng, *outputs)
        for kind, rows in zip(kinds, counts, strict=True):
            files[kind] = rows
            if progress is not None:
                progress(kind, rows, time.perf_counter() - step_started)
    groups, sizes = _representatives(plan)
    return Generated(
        directory=directory,
        files=files,
        groups=groups,
        sizes=sizes,
        reps=_current_reps(),
        users=files["users"],
        territories=files["territories"],
        as_of=AS_OF,
        seconds=time.perf_counter() - started,
    )


def org_key(index: int) -> str:
    """Return the key of the organisation at `index` (0-based) of a generated data set."""
    return f"ORG-{index + 1:07d}"


@contextmanager
def _csv_files(directory: Path, kinds: tuple[str, ...]) -> Iterator[list[Any]]:
    with ExitStack() as stack:
        outputs = []
        for kind in kinds:
            file = stack.enter_context(open(directory / f"{kind}.csv", "w", encoding="utf-8", newline=""))
            outputs.append(csv.writer(file, lineterminator="\n"))
        yield outputs


def _plan(count: int, rng: random.Random) -> _Plan:
    """Decide group sizes, every parent, the history and the associations."""
    plan = _Plan(
        count=count,
        kind=[COMPANY] * count,
        status=[CUSTOMER] * count,
        parent=[-1] * count,
        root=list(range(count)),
        group_sizes={},
        group_classes={"tiny": [], "medium": [], "large": [], "huge": []},
        branch_children={},
        reparented={},
        divested={},
        associations=[],
    )
    start = 0
    legal_members: list[int] = []
    for size_class, size in _group_sizes(count, rng):
        _plan_group(plan, rng, start, size, legal_members)
        if size_class is not None:
            plan.group_classes[size_class].append(start)
        start += size
    group_end = start
    for index in range(group_end, count):
        plan.status[index] = _weighted(rng, SINGLE_STATUS_WEIGHTS)
        if rng.random() < 0.10:
            plan.kind[index] = HOUSEHOLD
            plan.status[index] = rng.choice((LEAD, CUSTOMER))
        elif legal_members and rng.random() < DIVEST_SHARE:
            first = _day(rng, 2005, 2018)
            plan.divested[index] = (
                rng.choice(legal_members),
                first,
                first + datetime.timedelta(rng.randrange(300, 2500)),
            )
    _plan_associations(plan, rng, group_end)
    return plan


def _group_sizes(count: int, rng: random.Random) -> list[tuple[str | None, int]]:
    """Return (size class or None, size) of every group of two or more, biggest first."""
    sizes: list[tuple[str | None, int]] = []
    if (huge := round(count * HUGE_SHARE)) >= 2:
        sizes.append(("huge", huge))
    large = LARGE_SIZE if count >= LARGE_FROM else count // 20
    if large >= 2:
        sizes.append(("large", large))
    percent = count // 100
    if percent >= 2:
        size_class = "large" if abs(percent - large) <= large // 5 else None
        sizes.extend([(size_class, percent)] * PERCENT_GROUPS)
    sizes.extend(_fill(rng, round(count * MEDIUM_SHARE), MEDIUM_SIZE, "medium", lambda: rng.randint(*MEDIUM_RANGE)))
    sizes.extend(
        _fill(rng, round(count * TINY_SHARE), TINY_SIZE, "tiny", lambda: min(2 + int(rng.expovariate(0.2)), TINY_MAX))
    )
    return sizes


def _fill(
    rng: random.Random, budget: int, typical: int, size_class: str, draw: Callable[[], int]
) -> list[tuple[str | None, int]]:
    """Return groups that fill `budget` organisations: the first of the typical size, the others drawn."""
    sizes: list[tuple[str | None, int]] = []
    size = typical
    while size <= budget:
        listed = size_class if abs(size - typical) <= typical // 5 else None
        sizes.append((listed, size))
        budget -= size
        size = draw()
    return sizes


def _plan_group(plan: _Plan, rng: random.Random, start: int, size: int, legal_members: list[int]) -> None:
    """Give the group of `size` organisations from `start` a legal spine, legal members and branches."""
    plan.group_sizes[start] = size
    for index in range(start, start + size):
        plan.root[index] = start
        plan.status[index] = _weighted(rng, GROUP_STATUS_WEIGHTS)
    branches = int((size - 1) * BRANCH_SHARE) if size >= 3 else 0
    legal = size - branches
    spine = min(legal - 1, MAX_LEGAL_DEPTH, max(1, round(math.log2(size) * 1.3)))
    by_level: list[list[int]] = [[start]]
    for level in range(1, spine + 1):
        child = start + level
        plan.parent[child] = child - 1
        by_level.append([child])
    deepest = start + spine
    for child in range(start + spine + 1, start + legal):
        level = min(int(rng.expovariate(0.8)), spine - 1)
        parent = rng.choice(by_level[level])
        plan.parent[child] = parent
        by_level[level + 1].append(child)
        if level >= 1 and rng.random() < REPARENT_SHARE:
            old = rng.randrange(start, child)
            if old != parent:
                plan.reparented[child] = (old, _day(rng, 2016, BOOKING_YEAR - 1))
    legal_nodes = range(start, start + legal)
    legal_members.extend(legal_nodes)
    first_level: list[int] = []
    for child in range(start + legal, start + size):
        plan.kind[child] = BRANCH
        if child == start + legal:
            parent = deepest
        elif first_level and (child == start + legal + 1 or rng.random() < 0.15):
            parent = rng.choice(first_level)
        else:
            parent = rng.choice(legal_nodes)
        if plan.kind[parent] != BRANCH:
            first_level.append(child)
        plan.parent[child] = parent
        plan.branch_children.setdefault(parent, []).append(child)


def _plan_associations(plan: _Plan, rng: random.Random, group_end: int) -> None:
    """Turn some single organisations into associations and chains and give them members."""
    singles = [
        index for index in range(group_end, plan.count) if plan.kind[index] == COMPANY and index not in plan.divested
    ]
    wanted = max(1, plan.count // ORGANISATIONS_PER_ASSOCIATION) + plan.count // ORGANISATIONS_PER_CHAIN
    if plan.count < 50 or len(singles) < wanted:
        return
    chains = plan.count // ORGANISATIONS_PER_CHAIN
    for number, index in enumerate(rng.sample(singles, wanted)):
        plan.kind[index] = CHAIN if number < chains else ASSOCIATION
        plan.status[index] = PARTNER
        plan.associations.append(index)
    plan.associations.sort()
    candidates = [index for index in range(plan.count) if plan.kind[index] in (COMPANY, BRANCH)]
    for association in plan.associations:
        members = rng.sample(candidates, min(len(candidates), rng.randint(20, 200)))
        rows = []
        for member in sorted(members):
            first = _day(rng, 2005, BOOKING_YEAR - 1)
            last = first + datetime.timedelta(rng.randrange(200, 3000)) if rng.random() < 0.15 else None
            rows.append((member, first, last if last is None or last < AS_OF else None))
        plan.members[association] = rows


def _representatives(plan: _Plan) -> tuple[dict[str, list[str]], dict[str, int]]:
    groups = {
        size_class: [org_key(root) for root in roots[:LISTED_PER_CLASS]]
        for size_class, roots in plan.group_classes.items()
    }
    sizes = {
        org_key(root): plan.group_sizes[root]
        for roots in plan.group_classes.values()
        for root in roots[:LISTED_PER_CLASS]
    }
    return groups, sizes


def _write_organisations(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    out.writerow(
        ("key", "name", "kind", "status", "industry", "vat_id", "street", "postcode", "city", "country", "source")
    )
    family = industry = home = ""
    trade = ""
    for index in range(plan.count):
        kind = plan.kind[index]
        if plan.root[index] == index:
            family, (industry, trade) = rng.choice(SURNAMES), rng.choice(SECTORS)
            home = _weighted_country(rng)
        country = home if rng.random() < 0.85 else _weighted_country(rng)
        city = rng.choice(CITIES[country])
        form = LEGAL_FORMS[country]
        number = index + 1
        if kind == BRANCH:
            name = f"{family} {trade} Niederlassung {city} {number}"
        elif kind == HOUSEHOLD:
            name = f"Haushalt {rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {number}"
        elif kind == ASSOCIATION:
            name = f"Einkaufsgemeinschaft {trade} {city} {number}"
        elif kind == CHAIN:
            name = f"{family} Handelskette {number}"
        elif plan.root[index] == index and plan.group_sizes.get(index):
            name = f"{family} Holding {form} {number}"
        else:
            name = f"{family} {trade} {city} {form} {number}"
        vat = f"{country}{100000000 + number * 7:09d}" if kind in (COMPANY, ASSOCIATION, CHAIN) else ""
        out.writerow(
            (
                org_key(index),
                name,
                KIND_NAMES[kind],
                STATUS_NAMES[plan.status[index]],
                "" if kind == HOUSEHOLD else industry,
                vat,
                f"{rng.choice(STREETS)} {rng.randrange(1, 200)}",
                _postcode(rng, country),
                city,
                country,
                "erp" if plan.status[index] in (CUSTOMER, FORMER) else "crm",
            )
        )
    return (plan.count,)


def _postcode(rng: random.Random, country: str) -> str:
    if country == "DE":
        return f"{rng.randrange(1000, 100000):05d}"
    if country == "NL":
        return f"{rng.randrange(1000, 10000)}{rng.choice(NL_LETTERS)}{rng.choice(NL_LETTERS)}"
    return str(rng.randrange(1000, 10000))


def _write_territories(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    out.writerow(("key", "name", "parent_key", "countries", "postcode_prefixes", "postcode_ranges", "industries"))
    out.writerow((KEY_ACCOUNTS, "Key accounts (assigned by hand)", "", "", "", "", ""))
    for key, name in REGIONS:
        out.writerow((key, name, "", "", "", "", ""))
    for key, name, region, countries, prefixes, ranges in DISTRICTS:
        out.writerow((key, name, region, countries, prefixes, ranges, ""))
    return (1 + len(REGIONS) + len(DISTRICTS),)


def _rep_key(district: str) -> str:
    return f"rep.{district.lower()}"


def _has_predecessor(number: int) -> bool:
    """Tell whether the district at `number` changed owner on HANDOVER (its first owner's assignment expired)."""
    return number % 4 == 0


def _has_junior(number: int) -> bool:
    """Tell whether the district at `number` has a second rep as member."""
    return number % 3 == 1


def _current_reps() -> list[str]:
    """Return the reps assigned to a district on AS_OF: every owner, and the juniors."""
    reps = []
    for number, (district, *_) in enumerate(DISTRICTS):
        reps.append(_rep_key(district))
        if _has_junior(number):
            reps.append(f"{_rep_key(district)}-junior")
    return reps


def _write_users(
    plan: _Plan, rng: random.Random, users: Any, assignments: Any, substitutes: Any
) -> tuple[int, int, int]:
    """Write reps owning districts (some with an expired predecessor), managers, analysts, an admin, a service."""
    users.writerow(("key", "name", "role", "email"))
    assignments.writerow(("user_key", "territory_key", "role", "valid_from", "valid_to"))
    substitutes.writerow(("user_key", "substitutes_for", "valid_from", "valid_to"))
    counts = [0, 0, 0]

    def user(key: str, role: str) -> None:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        users.writerow((key, name, role, f"{key}@crmgraph-bench.example"))
        counts[0] += 1

    def assign(key: str, territory: str, role: str, first: datetime.date, last: datetime.date | None = None) -> None:
        assignments.writerow((key, territory, role, first.isoformat(), last.isoformat() if last else ""))
        counts[1] += 1

    user("admin", "admin")
    user("svc-bench", "service")
    for number in range(1, 4):
        user(f"analyst-{number}", "analyst")
    for region, _ in REGIONS:
        manager = f"manager.{region.lower()}"
        user(manager, "manager")
        assign(manager, region, "owner", _day(rng, 2015, 2020))
    user("manager.key-accounts", "manager")
    assign("manager.key-accounts", KEY_ACCOUNTS, "owner", datetime.date(2018, 1, 1))
    for number, (district, *_) in enumerate(DISTRICTS):
        rep = _rep_key(district)
        if _has_predecessor(number):
            former = f"{rep}-former"
            user(former, "rep")
            assign(former, district, "owner", _day(rng, 2012, 2016), HANDOVER - datetime.timedelta(days=1))
            user(rep, "rep")
            assign(rep, district, "owner", HANDOVER)
        else:
            user(rep, "rep")
            assign(rep, district, "owner", _day(rng, 2016, BOOKING_YEAR - 1))
        if _has_junior(number):
            junior = f"{rep}-junior"
            user(junior, "rep")
            assign(junior, district, "member", _day(rng, 2020, BOOKING_YEAR))
    owners = [_rep_key(district) for district, *_ in DISTRICTS]
    for number in range(0, len(owners) - 1, 2):
        cover, absent = owners[number], owners[number + 1]
        # Windows in the booked year, and every other pair's around AS_OF, so that the day asked has substitutions.
        if number % 4 == 0:
            first, last = AS_OF - datetime.timedelta(days=10), AS_OF + datetime.timedelta(days=rng.randrange(1, 15))
        else:
            first = _day(rng, BOOKING_YEAR, BOOKING_YEAR)
            last = first + datetime.timedelta(days=rng.randrange(5, 21))
        substitutes.writerow((cover, absent, first.isoformat(), last.isoformat()))
        counts[2] += 1
    return counts[0], counts[1], counts[2]


def _write_relationship_types(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    out.writerow(("type", "description"))
    out.writerows(RELATIONSHIP_TYPES)
    return (len(RELATIONSHIP_TYPES),)


def _write_parents(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    out.writerow(("parent_key", "child_key", "kind", "valid_from", "valid_to", "share"))
    rows = 0
    for child in range(plan.count):
        if (former := plan.divested.get(child)) is not None:
            parent, first, last = former
            out.writerow((org_key(parent), org_key(child), "legal", first.isoformat(), last.isoformat(), ""))
            rows += 1
        parent = plan.parent[child]
        if parent < 0:
            continue
        if plan.kind[child] == BRANCH:
            out.writerow(
                (org_key(parent), org_key(child), "branch", _maybe_day(rng, 1995, BOOKING_YEAR - 1, 0.5), "", "")
            )
            rows += 1
            continue
        share = rng.choice(("100", "100", "100", "75", "51", "60.5", ""))
        if (moved := plan.reparented.get(child)) is not None:
            old, change = moved
            first = change - datetime.timedelta(days=rng.randrange(365, 3650))
            last = change - datetime.timedelta(days=1)
            out.writerow((org_key(old), org_key(child), "legal", first.isoformat(), last.isoformat(), "100"))
            out.writerow((org_key(parent), org_key(child), "legal", change.isoformat(), "", share))
            rows += 2
        else:
            out.writerow(
                (org_key(parent), org_key(child), "legal", _maybe_day(rng, 1995, BOOKING_YEAR - 1, 0.6), "", share)
            )
            rows += 1
    return (rows,)


def _write_memberships(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    out.writerow(("member_key", "association_key", "valid_from", "valid_to"))
    rows = 0
    for association in plan.associations:
        for member, first, last in plan.members[association]:
            out.writerow((org_key(member), org_key(association), first.isoformat(), last.isoformat() if last else ""))
            rows += 1
    return (rows,)


def _write_supplies(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    out.writerow(("supplier_key", "customer_key", "since", "until", "note"))
    rows = 0
    for supplier in range(plan.count):
        if plan.status[supplier] != SUPPLIER:
            continue
        customers = {rng.randrange(plan.count) for _ in range(rng.randint(1, 5))} - {supplier}
        for customer in sorted(customers):
            since = _day(rng, 2010, BOOKING_YEAR - 1)
            until = since + datetime.timedelta(days=rng.randrange(180, 2000)) if rng.random() < 0.1 else None
            ended = until.isoformat() if until is not None and until < AS_OF else ""
            out.writerow(
                (
                    org_key(supplier),
                    org_key(customer),
                    since.isoformat(),
                    ended,
                    rng.choice(("Rahmenvertrag", "", "Streckengeschäft")),
                )
            )
            rows += 1
    return (rows,)


def _write_people(
    plan: _Plan, rng: random.Random, contacts: Any, employments: Any, relationships: Any
) -> tuple[int, int, int]:
    """Write 1-4 contacts per company, some with an ended job elsewhere, and the custom relationships."""
    contacts.writerow(("key", "last_name", "first_name", "email", "phone"))
    employments.writerow(("contact_key", "organisation_key", "role", "department", "is_main_contact", "since", "until"))
    relationships.writerow(("from_key", "to_key", "type", "note"))
    people = jobs = links = 0
    sisters = list(plan.group_sizes)[:50]
    for index in range(plan.count):
        plan.first_contact.append(people + 1)
        kind = plan.kind[index]
        if kind == COMPANY:
            staff = _weighted(rng, (0, 35, 35, 20, 10))
        elif kind == BRANCH:
            staff = rng.randrange(2)
        else:
            staff = 1
        for position in range(staff):
            people += 1
            key = f"CON-{people:08d}"
            first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            email = f"{first_name.lower()}.{people}@org{index + 1}.example"
            contacts.writerow(
                (key, last_name, first_name, email, f"+49 {rng.randrange(100, 999)} {rng.randrange(10000, 9999999)}")
            )
            role, department = rng.choice(ROLES)
            since = _day(rng, 2000, BOOKING_YEAR - 1)
            if rng.random() < 0.04 and (earlier := rng.randrange(plan.count)) != index:
                started = since - datetime.timedelta(days=rng.randrange(400, 4000))
                ended = since - datetime.timedelta(days=1)
                employments.writerow(
                    (key, org_key(earlier), role, department, "false", started.isoformat(), ended.isoformat())
                )
                jobs += 1
            main = "true" if position == 0 else "false"
            employments.writerow((key, org_key(index), role, department, main, since.isoformat(), ""))
            plan.contact_since.append(since.toordinal())
            jobs += 1
            if rng.random() < 0.005 and (client := rng.randrange(plan.count)) != index:
                relationships.writerow((key, org_key(client), "consultant_of", "Beratung"))
                links += 1
        if plan.root[index] == index and plan.group_sizes.get(index) and rng.random() < 0.05:
            sister = rng.choice(sisters)
            if sister != index:
                relationships.writerow((org_key(index), org_key(sister), "sister_of", "gleiche Eigentümerfamilie"))
                links += 1
        if plan.status[index] == FORMER and plan.parent[index] < 0 and rng.random() < 0.05:
            successor = rng.randrange(plan.count)
            if successor != index:
                relationships.writerow((org_key(index), org_key(successor), "former_name_of", "Umfirmierung"))
                links += 1
    plan.first_contact.append(people + 1)
    return people, jobs, links


def _write_bookings(plan: _Plan, rng: random.Random, debtors: Any, accounts: Any, revenue: Any) -> tuple[int, int, int]:
    """Write debtor accounts (own, shared by branches, payer of associations) and twelve months of bookings."""
    debtors.writerow(("number", "name", "erp"))
    accounts.writerow(("organisation_key", "debtor_number", "role"))
    revenue.writerow(("debtor_number", "period", "revenue", "gross_profit", "organisation_key", "currency"))
    counts = [0, 0, 0]

    def open_account(holders: list[int], role: str, name: str) -> str:
        counts[0] += 1
        number = f"D{counts[0]:08d}"
        debtors.writerow((number, name, rng.choice(("SAP-DE", "SAP-AT", "NAV-NL"))))
        for holder in holders:
            accounts.writerow((org_key(holder), number, role))
        counts[1] += len(holders)
        return number

    def book(number: str, attributed: int | None) -> None:
        monthly = int(rng.lognormvariate(12.5, 1.3))
        margin = rng.uniform(0.08, 0.35)
        named = "" if attributed is None else org_key(attributed)
        for period in PERIODS:
            if rng.random() < 0.25:
                continue
            cents = int(monthly * rng.uniform(0.6, 1.4))
            if rng.random() < 0.01:
                cents = -cents // 10
            revenue.writerow((number, period, _money(cents), _money(int(cents * margin)), named, ""))
            counts[2] += 1

    for index in range(plan.count):
        kind = plan.kind[index]
        if kind in (ASSOCIATION, CHAIN):
            number = open_account([index], "payer", f"Zentralregulierung {org_key(index)}")
            settled = [
                member
                for member, _, last in plan.members.get(index, [])
                if last is None and plan.status[member] == CUSTOMER
            ]
            for member in settled[: len(settled) // 2]:
                book(number, member)
            continue
        if plan.status[index] == CUSTOMER and kind != BRANCH:
            book(open_account([index], "sold_to", f"Debitor {org_key(index)}"), None)
        branches = [child for child in plan.branch_children.get(index, []) if plan.status[child] == CUSTOMER]
        if len(branches) >= 2 and rng.random() < 0.5:
            number = open_account(branches, "sold_to", f"Alle Niederlassungen von {org_key(index)}")
            for branch in branches:
                book(number, branch)
        else:
            for branch in branches:
                if rng.random() < 0.5:
                    book(open_account([branch], "sold_to", f"Debitor {org_key(branch)}"), None)
    return counts[0], counts[1], counts[2]


def _write_activities(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    """Write 0-10 activities per organisation (five on average) over the two years up to AS_OF, a sixth of them open
    and due around AS_OF, owned by the current reps. Most are with a contact who worked there that day; half of
    those name no organisation, which the loader attributes through the contact's job."""
    out.writerow(("key", "type", "status", "date", "subject", "organisation_key", "contact_keys", "owner_key"))
    reps = _current_reps()
    first_day, last_day = datetime.date(BOOKING_YEAR - 1, 1, 1).toordinal(), AS_OF.toordinal()
    # The days are written from a table and every pick is one `random()`: `choice` and `randrange` cost several
    # times as much, and a million organisations make five million activities.
    days = {day: datetime.date.fromordinal(day).isoformat() for day in range(first_day, last_day + 61)}
    done_days, open_days = last_day - first_day + 1, 91
    random_ = rng.random
    written = 0
    for index in range(plan.count):
        contacts = range(plan.first_contact[index], plan.first_contact[index + 1])
        for _ in range(int(random_() * 11)):
            written += 1
            kind, subject = ACTIVITY_SUBJECTS[int(random_() * len(ACTIVITY_SUBJECTS))]
            if random_() < 1 / 6:
                status, day = "open", last_day - 30 + int(random_() * open_days)
            else:
                status, day = "done", first_day + int(random_() * done_days)
            present = [number for number in contacts if plan.contact_since[number - 1] <= day]
            contact = f"CON-{present[int(random_() * len(present))]:08d}" if present and random_() < 0.7 else ""
            named = "" if contact and random_() < 0.5 else org_key(index)
            owner = reps[int(random_() * len(reps))]
            out.writerow((f"ACT-{written:09d}", kind, status, days[day], subject, named, contact, owner))
    return (written,)


def _write_opportunities(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    """Write one opportunity per organisation on average (0-2 each): two thirds open, in a stage with its usual
    probability, the others won or lost in the booking year."""
    out.writerow(
        (
            "key",
            "name",
            "organisation_key",
            "amount",
            "stage",
            "probability",
            "expected_close",
            "status",
            "closed_on",
            "owner_key",
            "currency",
        )
    )
    reps = _current_reps()
    written = 0
    for index in range(plan.count):
        for _ in range(rng.randrange(3)):
            written += 1
            amount = _money(rng.randrange(1_000, 50_000_000))
            expected = AS_OF + datetime.timedelta(days=rng.randrange(-60, 270))
            if rng.random() < 2 / 3:
                stage, probability = rng.choice(OPPORTUNITY_STAGES)
                status, closed_on = "open", ""
            else:
                stage, probability = "", ""
                status, closed_on = rng.choice(("won", "lost")), _day(rng, BOOKING_YEAR, BOOKING_YEAR).isoformat()
            out.writerow(
                (
                    f"OPP-{written:08d}",
                    rng.choice(OPPORTUNITY_NAMES),
                    org_key(index),
                    amount,
                    stage,
                    probability,
                    expected.isoformat(),
                    status,
                    closed_on,
                    rng.choice(reps),
                    "",
                )
            )
    return (written,)


def _write_org_territories(plan: _Plan, rng: random.Random, out: Any) -> tuple[int]:
    """Put the roots of the biggest groups into key accounts by hand, and a few organisations into other districts."""
    out.writerow(("organisation_key", "territory_key"))
    rows = 0
    for root in [*plan.group_classes["huge"], *plan.group_classes["large"]]:
        out.writerow((org_key(root), KEY_ACCOUNTS))
        rows += 1
    for index in sorted(rng.sample(range(plan.count), plan.count // 2000)):
        if plan.root[index] != index or index not in plan.group_sizes:
            out.writerow((org_key(index), rng.choice(DISTRICTS)[0]))
            rows += 1
    return (rows,)


def _money(cents: int) -> str:
    whole, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{rest:02d}"


def _weighted(rng: random.Random, weights: tuple[int, ...]) -> int:
    return rng.choices(range(len(weights)), weights)[0]


def _weighted_country(rng: random.Random) -> str:
    return rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]


def _day(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    first = datetime.date(first_year, 1, 1).toordinal()
    return datetime.date.fromordinal(rng.randrange(first, datetime.date(last_year, 12, 31).toordinal() + 1))


def _maybe_day(rng: random.Random, first_year: int, last_year: int, chance: float) -> str:
    return _day(rng, first_year, last_year).isoformat() if rng.random() < chance else ""
