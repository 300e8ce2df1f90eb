"""Name normalisation, trigram similarity, the similarity join and the score."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import duplicates


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Müller-Bau GmbH", "muellerbau"),
        ("MUELLER BAU G.m.b.H.", "muellerbau"),
        ("Müllerbau GmbH & Co. KG", "muellerbau"),
        ("Müller Bau GmbH u. Co. KG", "muellerbau"),
        ("Straßenbau Süd AG", "strassenbausued"),
        ("Bakkerij de Vries B.V.", "bakkerijdevries"),
        ("Bakkerij De Vries BV", "bakkerijdevries"),
        ("Holding N. V.", "holding"),
        ("Schmidt e.K.", "schmidt"),
        ("Schmidt e. K.", "schmidt"),
        ("Café René SE", "caferene"),
        ("Acme Ltd.", "acme"),
        ("Weber UG (haftungsbeschränkt)", "weber"),
        ("Konsum eG", "konsum"),
        ("GmbH", "gmbh"),  # a name that is only a legal form keeps it
        ("AG Bau", "agbau"),  # legal forms go from the end only
        ("Meier und Söhne", "meierundsoehne"),  # a joiner stays unless it joins legal forms
    ],
)
def test_names_normalise_to_one_form(name, normalised):
    assert duplicates.normalise_name(name) == normalised


def test_trigrams_are_those_of_pg_trgm():
    assert duplicates.trigrams(["cat"]) == {"  c", " ca", "cat", "at "}


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Bäckerei Hofmann", "Baeckerei Hoffmann GmbH", True),
        ("Hofmann Bäckerei", "Bäckerei Hofmann", True),
        ("Schmidt & Söhne Logistik", "Schmidt Söhne Logistik GmbH", True),
        ("Alpha Logistik", "Beta Logistik", False),
        ("Stadtwerke Köln", "Stadtwerke Bonn", False),
    ],
)
def test_similar_names_reach_the_threshold_and_different_ones_do_not(a, b, similar):
    assert (duplicates.name_similarity(a, b) >= duplicates.SIMILARITY_THRESHOLD) is similar


def test_similarity_is_one_for_equal_names_and_zero_without_shared_trigrams():
    assert duplicates.name_similarity("Müller GmbH", "mueller") == 1.0
    assert duplicates.name_similarity("abc", "xyz") == 0.0
    assert duplicates.name_similarity("", "xyz") == 0.0


names = st.lists(
    st.text(alphabet="abcde ", min_size=1, max_size=12),
    min_size=0,
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(names=names, threshold=st.sampled_from([0.5, 0.6, 0.8, 0.9, 1.0]))
def test_the_similarity_join_finds_exactly_the_pairs_brute_force_finds(names, threshold):
    grams = {f"k{i}": duplicates.trigrams(name.split()) for i, name in enumerate(names)}
    grams = {key: value for key, value in grams.items() if value}
    expected = {
        frozenset((a, b))
        for a, b in itertools.combinations(grams, 2)
        if duplicates._jaccard(grams[a], grams[b]) >= threshold - 1e-9
    }

    found = {frozenset((a, b)) for a, b, _ in duplicates.similar_pairs(grams, threshold)}

    assert found == expected


def test_scores_combine_as_independent_evidence():
    assert duplicates.score([0.95]) == 0.95
    assert duplicates.score([0.95, 0.5]) == 0.975
    assert duplicates.score([0.4, 0.5]) == 0.7
    assert duplicates.score([]) == 0.0
