"""apply() and preview() on random small graphs agree with a plain-Python reading of the rule semantics."""

from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, territories
from graph.store import Store
from tests.helpers import load_rows
from tests.territories.helpers import conflicts, diff_moves, links, load, moves, rule_links

# Small domains, so that random organisations and rules often meet.
COUNTRIES = ("DE", "AT", "NL")
INDUSTRIES = ("X", "Y")
# Digits with leading zeros, and a letter in both cases: postcodes compare as text.
POSTCODE_ALPHABET = "019aA"
CRITERIA = ("countries", "postcode_prefixes", "postcode_ranges", "industries")


@dataclass(frozen=True)
class Org:
    key: str
    country: str | None
    postcode: str | None
    industry: str | None


# A territory's rules: criterion name -> its values, or None when the territory does not set it.
Rules = dict[str, tuple[str, ...] | None]


def reference_matches(org: Org, rules: Rules) -> bool:
    """Return whether `org` matches `rules`, read straight from DOMAIN.md and the module docstring."""
    checks = {
        "countries": lambda value: org.country == value,
        "postcode_prefixes": lambda value: org.postcode is not None and org.postcode.startswith(value),
        "postcode_ranges": lambda value: org.postcode is not None and in_range(org.postcode, value),
        "industries": lambda value: org.industry == value,
    }
    given = {name: values for name, values in rules.items() if values}
    return bool(given) and all(any(checks[name](value) for value in values) for name, values in given.items())


def in_range(postcode: str, text: str) -> bool:
    low, high = text.split("-")
    return len(low) == len(high) == len(postcode) and low <= postcode <= high


def reference(orgs: list[Org], rules: dict[str, Rules], manual: dict[str, str]) -> set[tuple[str, str]]:
    """Return the (organisation, territory) rule links the rules give; manual assignments win."""
    return {
        (org.key, key)
        for org in orgs
        if org.key not in manual
        for key, territory_rules in rules.items()
        if reference_matches(org, territory_rules)
    }


def reference_conflicts(expected: set[tuple[str, str]]) -> set[tuple[str, tuple[str, ...]]]:
    by_org: dict[str, list[str]] = {}
    for org_key, territory_key in expected:
        by_org.setdefault(org_key, []).append(territory_key)
    return {(org_key, tuple(sorted(keys))) for org_key, keys in by_org.items() if len(keys) > 1}


def sometimes(strategy, *, in_ten: int):
    """Return `strategy` in about `in_ten` of ten draws, else None (which is also what shrinking prefers)."""
    return st.integers(0, 9).flatmap(lambda n: strategy if n >= 10 - in_ten else st.none())


postcodes = st.text(POSTCODE_ALPHABET, min_size=1, max_size=3)


def values(strategy) -> st.SearchStrategy[tuple[str, ...] | None]:
    """Return a criterion: None (not set) more often than not, else one to three distinct values."""
    return sometimes(st.lists(strategy, min_size=1, max_size=3, unique=True).map(tuple), in_ten=4)


def rules(known_postcodes: list[str]) -> st.SearchStrategy[Rules]:
    """Return a territory's rules; prefixes and range bounds often come from `known_postcodes`, to hit the edges."""
    near = st.sampled_from(known_postcodes) | postcodes if known_postcodes else postcodes
    prefixes = near.flatmap(lambda postcode: st.integers(1, len(postcode)).map(lambda size: postcode[:size]))

    @st.composite
    def postcode_ranges(draw) -> str:
        low = draw(near)
        # Mostly bounds of one length, sometimes not (such a range matches nothing).
        high = draw(near.filter(lambda high: len(high) == len(low)) | near)
        return f"{low}-{high}"

    return st.fixed_dictionaries(
        {
            "countries": values(st.sampled_from(COUNTRIES)),
            "postcode_prefixes": values(prefixes),
            "postcode_ranges": values(postcode_ranges()),
            "industries": values(st.sampled_from(INDUSTRIES)),
        }
    )


@st.composite
def graphs(draw):
    """Draw organisations, territories with rules before and after a change, and manual assignments."""
    orgs = [
        Org(
            f"O-{n}",
            draw(sometimes(st.sampled_from(COUNTRIES), in_ten=8)),
            draw(sometimes(postcodes, in_ten=8)),
            draw(sometimes(st.sampled_from(INDUSTRIES), in_ten=8)),
        )
        for n in range(draw(st.integers(1, 10)))
    ]
    keys = [f"T-{n}" for n in range(draw(st.integers(1, 4)))]
    territory_rules = rules([org.postcode for org in orgs if org.postcode])
    before = {key: draw(territory_rules) for key in keys}
    after = {key: draw(territory_rules) for key in keys}
    manual = draw(st.dictionaries(st.sampled_from([org.key for org in orgs]), st.sampled_from(keys), max_size=2))
    scope = draw(st.lists(st.sampled_from([org.key for org in orgs]), unique=True, max_size=3))
    return orgs, before, after, manual, scope


def organisation_rows(orgs: list[Org]) -> list[dict[str, str]]:
    return [
        {
            "key": org.key,
            "name": org.key,
            "country": org.country or "",
            "postcode": org.postcode or "",
            "industry": org.industry or "",
        }
        for org in orgs
    ]


def territory_rows(rules: dict[str, Rules]) -> list[dict[str, str]]:
    return [
        {"key": key, "name": key, **{name: ";".join(criteria[name] or ()) for name in CRITERIA}}
        for key, criteria in rules.items()
    ]


async def store_rules(store: Store, directory: Path, rules: dict[str, Rules]) -> None:
    """Load new rules over the stored ones, one criterion column per file.

    One file per column, because FalkorDB 4.16 loses properties when one SET
    clause removes two or more of them (`SET t += {a: null, c: null}`), which a
    territories row that empties several stored criteria makes the loader do.
    """
    for name in CRITERIA:
        rows = [{"key": key, "name": key, name: ";".join(criteria[name] or ())} for key, criteria in rules.items()]
        await load_rows(store, directory, "territories", rows)


async def stored_rules(store: Store) -> dict[str, Rules]:
    """Return the stored rules, each criterion a tuple, or None when not set."""
    return {
        row["key"]: {name: tuple(row[name]) if row[name] else None for name in CRITERIA}
        for row in await store.read(territories.FIND_RULES)
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs())
async def test_apply_and_preview_agree_with_the_reference(store, tmp_path, graph):
    orgs, before_rules, after_rules, manual, scope = graph
    await admin.delete_everything(store)
    await load(
        store,
        tmp_path,
        territories=territory_rows(before_rules),
        organisations=organisation_rows(orgs),
        manual=sorted(manual.items()),
    )
    manual_links = {(o, t, "manual") for o, t in manual.items()}
    start = await rule_links(store)

    # Apply the first rules.
    plan = await territories.apply(store)

    expected = reference(orgs, before_rules, manual)
    assert await rule_links(store) == expected
    assert await links(store) == {(o, t, "rule") for o, t in expected} | manual_links
    assert moves(plan) == diff_moves(start, expected)
    assert conflicts(plan) == reference_conflicts(expected)
    assert not (await territories.apply(store)).changed

    # Preview the second rules as a what-if: it foretells the moves and changes nothing.
    proposal = [{"key": key, **criteria} for key, criteria in after_rules.items()]
    previewed = await territories.preview(store, territory_rules=proposal)

    changed = reference(orgs, after_rules, manual)
    assert await rule_links(store) == expected
    assert moves(previewed) == diff_moves(expected, changed)
    assert conflicts(previewed) == reference_conflicts(changed)

    # Store the second rules; applying to a few organisations changes only those, then all follow.
    await store_rules(store, tmp_path, after_rules)
    assert await stored_rules(store) == after_rules
    stored = await rule_links(store)
    partial = await territories.apply(store, organisation_keys=scope)

    in_scope = {(o, t) for o, t in changed if o in scope}
    assert await rule_links(store) == in_scope | {(o, t) for o, t in stored if o not in scope}
    assert moves(partial) == {move for move in diff_moves(stored, changed) if move[0] in scope}

    await territories.apply(store, batch_size=3)

    assert await links(store) == {(o, t, "rule") for o, t in changed} | manual_links
