"""The vectorised build of the search index against the plain one (tests/search/simple_index.py)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.search_index import snapshot_of
from graph import search_index
from tests.search import simple_index

# Pieces that make blanks, separators, punctuation, case folding and repeated words meet often.
PIECES = ("Ab", "ab", "Straße", "STRASSE", "b.v.", "A&B", " ", "  ", "\t", "-", "_", "\x00", "İ", "é", "12", "x")
TEXTS = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@st.composite
def columns(draw):
    """Organisations as the engine lists them, in any order, some the snapshot does not hold."""
    count = draw(st.integers(0, 12))
    keys = [f"K{number:02d}" for number in range(count)]
    listed = draw(st.permutations(keys))
    return {
        "keys": listed,
        "names": [draw(TEXTS) for _ in listed],
        "countries": [draw(st.sampled_from(["", "DE", "NL"])) for _ in listed],
        "vat_ids": [draw(st.sampled_from(["", "DE 1.2-3", "de123", "...", "\x00x", "nl 9"])) for _ in listed],
    }, [key for key in keys if draw(st.booleans())]


@settings(max_examples=300, deadline=None)
@given(columns())
def test_the_fast_build_equals_the_plain_one(drawn):
    listed, held = drawn
    found = snapshot_of(held)

    fast, plain = search_index.build_index(found, listed), simple_index.build_index(found, listed)

    for name in ("token", "keys", "names", "vocabulary", "vat_ids"):
        assert getattr(fast, name) == getattr(plain, name), name
    for name in ("order", "rank", "offsets", "postings", "vat_ranks"):
        assert np.array_equal(getattr(fast, name), getattr(plain, name)), name
    assert fast.countries.keys() == plain.countries.keys()
    assert all(np.array_equal(fast.countries[country], plain.countries[country]) for country in fast.countries)
