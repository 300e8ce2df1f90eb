"""Rule-based assignment on the demo data set, as seed/demo/README.md describes it."""

from pathlib import Path

from graph import loading, territories
from tests.territories.helpers import conflicts, links

DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo"
BENELUX = {
    *(f"ORG-NL-{n:04d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 30, 50)),
    *(f"ORG-BE-{n:04d}" for n in (1, 2, 21)),
}
DE_NORTH = {f"ORG-DE-{n:04d}" for n in (9, 10, 24, 25, 26, 27, 28, 29, 40)}
DE_SOUTH = {f"ORG-DE-{n:04d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 11, 21, 22, 23, 30, 50)}


async def test_the_demo_territories_assign_as_described(store):
    await loading.load_paths(store, [DEMO])

    previewed = await territories.preview(store)
    applied = await territories.apply(store)

    stored = await links(store)
    assert stored == {
        *((o, "DE-NORTH", "rule") for o in DE_NORTH),
        *((o, "DE-SOUTH", "rule") for o in DE_SOUTH),
        ("ORG-AT-0001", "AT-CH", "rule"),
        ("ORG-CH-0001", "AT-CH", "rule"),
        *((o, "BENELUX", "rule") for o in BENELUX),
        # The hospital group in Hameln matches DE-NORTH and the healthcare overlay: both, and a conflict.
        ("ORG-DE-0029", "KA-HEALTH", "rule"),
        # Manual assignments win: no DE-SOUTH for the Munich residence, no AT-CH for Salzburg.
        ("ORG-DE-0031", "KA-HEALTH", "manual"),
        ("ORG-AT-0002", "DE-SOUTH", "manual"),
    }
    assert not any(territory == "REGION-CENTRAL" for _, territory, _ in stored)  # no rules: a container
    assert conflicts(applied) == conflicts(previewed) == {("ORG-DE-0029", ("DE-NORTH", "KA-HEALTH"))}
    assert previewed.moves == applied.moves
    assert not (await territories.apply(store)).changed
