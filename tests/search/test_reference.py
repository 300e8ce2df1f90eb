"""Search on random organisations and random texts against the plain-Python reference, for every user."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, search
from graph.settings import Inheritance
from graph.visibility import Viewer
from tests.calendar import day
from tests.helpers import load_rows
from tests.search.reference import Organisation, word_list
from tests.search.reference import search as expected_search
from tests.visibility.reference import Reference
from tests.visibility.test_reference import all_pages, load, worlds

# Pieces that make prefixes, case folding, word splitting and VAT noise meet often.
PIECES = ("Ab", "ab", "ABC", "Straße", "STRASSE", "Müller", "mü", "1", "12", "A&B", "-", " ", ".", "İ", "_", "é", "x")
HOSTILE = ('"', "\\", "*", "@", "|", "-", "~", "'", "%", "(", ")", "\n", "\x00", "' OR 1=1 //", "$q")
COUNTRIES = (None, "DE", "NL")
TODAY = 8


def texts(pieces):
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=5).map("".join)


@st.composite
def properties(draw, keys):
    """A name, country and VAT id for each organisation."""
    found = {}
    for key in keys:
        name = draw(texts(PIECES)).strip() or "x"
        vat_id = draw(st.sampled_from(["", "DE 123.456", "de123-456", "NL-9", "..."]))
        found[key] = Organisation(key, name, draw(st.sampled_from(COUNTRIES)), vat_id or None)
    return found


@st.composite
def queries(draw, organisations):
    """A text to search for: a piece of a name or key, a VAT id, or something hostile."""
    some = draw(st.sampled_from(sorted(organisations.values(), key=lambda o: o.key)))
    return draw(
        st.one_of(
            texts(PIECES),
            texts(HOSTILE + PIECES),
            st.just(some.key),
            st.just(some.name[: draw(st.integers(1, len(some.name)))]),
            st.sampled_from(["de 123456", "DE-123-456", "nl9", "."]),
            st.just(" ".join(word_list(some.name))[: draw(st.integers(0, 6))]),
        )
    )


EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@EXAMPLES
@given(data=st.data(), world=worlds(), limit=st.integers(1, 4))
async def test_every_user_finds_what_the_reference_finds_once_in_order(
    store, search_indexes, tmp_path, data, world, limit
):
    await admin.delete_everything(store)
    await load(store, tmp_path, world)
    organisations = data.draw(properties(world.organisations))
    rows = [
        {"key": o.key, "name": o.name, "country": o.country or "", "vat_id": o.vat_id or ""}
        for o in organisations.values()
    ]
    await load_rows(store, tmp_path / "named", "organisations", rows)
    # The rules are tested here, not the lag: a search after a write answers from the index before it until the
    # new one is built (tests/search/test_kept_current.py).
    await search_indexes.current()
    reference, today = Reference(world), day(TODAY)
    asked = [(data.draw(queries(organisations)), data.draw(st.sampled_from(COUNTRIES))) for _ in range(3)]

    for q, country in asked:
        if not q.strip() and not country:
            continue
        for user, role in world.users.items():
            viewer = Viewer(user, role, Inheritance.DOWN, today=today)
            seen = reference.visible(user, today, True)

            async def read(cursor, limit, q=q, country=country, viewer=viewer):
                return await search.organisations(
                    store, indexes=search_indexes, q=q, country=country, viewer=viewer, cursor=cursor, limit=limit
                )

            items, _ = await all_pages(read, limit)

            expected = expected_search(list(organisations.values()), q, country, seen)
            assert [(item.key, item.match) for item in items] == expected, (q, country, user)
