"""Duplicate candidates: each reason, what the corporate structure explains, the score and its order."""

import datetime

import pytest

from graph import duplicates
from graph.errors import InvalidInput
from tests.duplicates.helpers import add_organisations
from tests.helpers import load_rows


def pairs(candidates) -> dict[tuple[str, str], set[str]]:
    """Return the reason codes of each candidate pair."""
    return {(c.a, c.b): {reason.code for reason in c.reasons} for c in candidates}


async def test_the_same_vat_id_written_differently_is_a_candidate(store, tmp_path):
    await add_organisations(
        store,
        tmp_path,
        {"key": "A", "name": "Alpha", "vat_id": "DE 123.456.789"},
        {"key": "B", "name": "Omega", "vat_id": "de123456789"},
        {"key": "C", "name": "Gamma", "vat_id": "DE987654321"},
    )

    (candidate,) = await duplicates.find_candidates(store)

    assert (candidate.a, candidate.b, candidate.a_name, candidate.b_name) == ("A", "B", "Alpha", "Omega")
    assert candidate.reasons == (duplicates.Reason("same_vat_id", 0.95, ("DE123456789",)),)
    assert candidate.score == 0.95


async def test_the_same_normalised_name_at_the_same_postcode_is_a_candidate(store, tmp_path):
    await add_organisations(
        store,
        tmp_path,
        {"key": "A", "name": "Müller-Bau GmbH", "postcode": "50667", "city": "Köln"},
        {"key": "B", "name": "MUELLERBAU G.m.b.H. & Co. KG", "postcode": "50667 ", "city": "Köln"},
        {"key": "C", "name": "Müller-Bau GmbH", "postcode": "80331", "city": "München"},
        {"key": "D", "name": "Huber Bau", "postcode": "50667", "city": "Köln"},
    )

    candidates = await duplicates.find_candidates(store)

    # A and B have the same name, so the weaker "similar name" reason is not added as well.
    assert [(c.a, c.b, c.reasons) for c in candidates] == [
        ("A", "B", (duplicates.Reason("same_name_and_postcode", 0.9, ("muellerbau", "50667")),))
    ]


async def test_very_similar_names_in_the_same_city_are_a_candidate(store, tmp_path):
    await add_organisations(
        store,
        tmp_path,
        {"key": "A", "name": "Bäckerei Hofmann", "postcode": "50667", "city": "Köln"},
        {"key": "B", "name": "Baeckerei Hoffmann KG", "postcode": "50674", "city": " köln"},
        {"key": "C", "name": "Bäckerei Hofmann", "postcode": "80331", "city": "München"},
        {"key": "D", "name": "Bäckerei Schulte", "postcode": "50667", "city": "Köln"},
    )

    (candidate,) = await duplicates.find_candidates(store)

    assert (candidate.a, candidate.b) == ("A", "B")
    (reason,) = candidate.reasons
    assert (reason.code, reason.evidence) == ("similar_name_same_city", ("köln",))
    similarity = duplicates.name_similarity("Bäckerei Hofmann", "Baeckerei Hoffmann KG")
    assert reason.weight == pytest.approx(similarity - 0.2, abs=1e-4)
    assert 0.6 <= candidate.score <= 0.8


async def test_a_current_shared_contact_is_a_candidate_and_an_ended_job_is_not(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "A"}, {"key": "B"}, {"key": "C"}, {"key": "D"})
    await load_rows(
        store, tmp_path, "contacts", [{"key": "K1", "last_name": "Keller"}, {"key": "K2", "last_name": "Kurz"}]
    )
    await load_rows(
        store,
        tmp_path,
        "employments",
        [
            {"contact_key": "K1", "organisation_key": "A", "until": ""},
            {"contact_key": "K1", "organisation_key": "B", "until": "2999-12-31"},
            {"contact_key": "K2", "organisation_key": "C", "until": "2020-06-30"},  # changed employer
            {"contact_key": "K2", "organisation_key": "D", "until": ""},
        ],
    )

    candidates = await duplicates.find_candidates(store, min_score=0)

    assert pairs(candidates) == {("A", "B"): {"shared_contact"}}
    assert candidates[0].reasons == (duplicates.Reason("shared_contact", 0.4, ("K1",)),)
    # Alone, a shared contact scores 0.4: below the default minimum.
    assert await duplicates.find_candidates(store) == []


async def test_a_shared_sold_to_account_is_a_candidate_and_a_payer_account_is_not(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "A"}, {"key": "B"}, {"key": "C"})
    await load_rows(store, tmp_path, "debtors", [{"number": "100", "name": "one"}, {"number": "200", "name": "two"}])
    await load_rows(
        store,
        tmp_path,
        "accounts",
        [
            {"organisation_key": "A", "debtor_number": "100", "role": ""},
            {"organisation_key": "B", "debtor_number": "100", "role": "sold_to"},
            {"organisation_key": "B", "debtor_number": "200", "role": "sold_to"},
            {"organisation_key": "C", "debtor_number": "200", "role": "payer"},
        ],
    )

    candidates = await duplicates.find_candidates(store)

    assert [(c.a, c.b, c.score, c.reasons) for c in candidates] == [
        ("A", "B", 0.5, (duplicates.Reason("shared_account", 0.5, ("100",)),))
    ]


async def test_members_of_one_corporate_group_sharing_account_vat_id_and_staff_are_not_candidates(store, tmp_path):
    await add_organisations(
        store,
        tmp_path,
        {"key": "HQ", "name": "Kaufhaus Nord", "vat_id": "DE111"},
        {"key": "BR1", "name": "Kaufhaus Nord Filiale Kiel", "kind": "branch", "vat_id": "DE111"},
        {"key": "BR2", "name": "Kaufhaus Nord Filiale Lübeck", "kind": "branch", "vat_id": "DE111"},
        {"key": "OTHER", "name": "Fremdfirma"},
    )
    await load_rows(
        store,
        tmp_path,
        "parents",
        [
            {"parent_key": "HQ", "child_key": "BR1", "kind": "branch"},
            {"parent_key": "HQ", "child_key": "BR2", "kind": "branch"},
        ],
    )
    await load_rows(store, tmp_path, "debtors", [{"number": "100", "name": "Kaufhaus Nord"}])
    await load_rows(
        store,
        tmp_path,
        "accounts",
        [{"organisation_key": key, "debtor_number": "100"} for key in ("HQ", "BR1", "BR2", "OTHER")],
    )
    await load_rows(store, tmp_path, "contacts", [{"key": "K1", "last_name": "Keller"}])
    await load_rows(
        store, tmp_path, "employments", [{"contact_key": "K1", "organisation_key": key} for key in ("BR1", "BR2")]
    )

    candidates = await duplicates.find_candidates(store, min_score=0)

    # Within the group, account, VAT id and contact are explained; OTHER shares the account with each of them.
    assert pairs(candidates) == {
        ("BR1", "OTHER"): {"shared_account"},
        ("BR2", "OTHER"): {"shared_account"},
        ("HQ", "OTHER"): {"shared_account"},
    }


async def test_the_group_is_the_one_on_the_day_asked(store, tmp_path):
    await add_organisations(store, tmp_path, {"key": "HQ"}, {"key": "BR1"}, {"key": "BR2"})
    await load_rows(
        store,
        tmp_path,
        "parents",
        [
            {"parent_key": "HQ", "child_key": "BR1", "kind": "branch", "valid_from": "", "valid_to": ""},
            {"parent_key": "HQ", "child_key": "BR2", "kind": "branch", "valid_from": "", "valid_to": "2020-12-31"},
        ],
    )
    await load_rows(store, tmp_path, "debtors", [{"number": "100", "name": "shared"}])
    await load_rows(
        store, tmp_path, "accounts", [{"organisation_key": key, "debtor_number": "100"} for key in ("BR1", "BR2")]
    )

    in_2020 = await duplicates.find_candidates(store, as_of=datetime.date(2020, 6, 30))
    today = await duplicates.find_candidates(store)

    assert pairs(in_2020) == {}
    assert pairs(today) == {("BR1", "BR2"): {"shared_account"}}


async def test_names_still_count_within_a_group_but_not_between_ancestor_and_descendant(store, tmp_path):
    await add_organisations(
        store,
        tmp_path,
        {"key": "HQ", "name": "Nordbau GmbH", "postcode": "24103", "city": "Kiel", "vat_id": "DE1"},
        {"key": "BR1", "name": "Nordbau", "postcode": "24103", "city": "Kiel", "vat_id": "DE1"},
        {"key": "BR2", "name": "Nordbau", "postcode": "24103", "city": "Kiel", "vat_id": "DE1"},
    )
    await load_rows(
        store,
        tmp_path,
        "parents",
        [{"parent_key": "HQ", "child_key": key, "kind": "branch"} for key in ("BR1", "BR2")],
    )

    candidates = await duplicates.find_candidates(store)

    # Two branches entered twice are duplicates; a headquarters and its own branch are not.
    assert pairs(candidates) == {("BR1", "BR2"): {"same_name_and_postcode"}}
    assert candidates[0].score == 0.9


async def test_candidates_are_ordered_by_score_then_keys_and_limited(store, tmp_path):
    await add_organisations(
        store,
        tmp_path,
        {"key": "A1", "name": "Alpha", "vat_id": "DE1"},
        {"key": "A2", "name": "Alpha Zwei", "vat_id": "DE1"},
        {"key": "B1", "name": "Beta", "postcode": "10115", "city": "Berlin"},
        {"key": "B2", "name": "Beta GmbH", "postcode": "10115", "city": "Berlin"},
        {"key": "C1", "name": "Gamma"},
        {"key": "C2", "name": "Delta"},
        {"key": "D1", "name": "Epsilon", "vat_id": "DE2"},
        {"key": "D2", "name": "Zeta", "vat_id": "DE2"},
    )
    await load_rows(store, tmp_path, "debtors", [{"number": "100", "name": "x"}, {"number": "200", "name": "y"}])
    await load_rows(
        store,
        tmp_path,
        "accounts",
        [
            {"organisation_key": "A1", "debtor_number": "100"},
            {"organisation_key": "A2", "debtor_number": "100"},
            {"organisation_key": "C1", "debtor_number": "200"},
            {"organisation_key": "C2", "debtor_number": "200"},
        ],
    )

    candidates = await duplicates.find_candidates(store)

    assert [(c.a, c.b, c.score) for c in candidates] == [
        ("A1", "A2", 0.975),  # VAT id and account
        ("D1", "D2", 0.95),
        ("B1", "B2", 0.9),
        ("C1", "C2", 0.5),
    ]
    assert [reason.code for reason in candidates[0].reasons] == ["same_vat_id", "shared_account"]
    assert [(c.a, c.b) for c in await duplicates.find_candidates(store, limit=2)] == [("A1", "A2"), ("D1", "D2")]
    assert [(c.a, c.b) for c in await duplicates.find_candidates(store, min_score=0.9)] == [
        ("A1", "A2"),
        ("D1", "D2"),
        ("B1", "B2"),
    ]


async def test_an_empty_graph_has_no_candidates(store):
    assert await duplicates.find_candidates(store) == []


@pytest.mark.parametrize(("limit", "min_score"), [(0, 0.5), (10, -0.1), (10, 1.5)])
async def test_a_bad_limit_or_minimum_is_invalid_input(store, limit, min_score):
    with pytest.raises(InvalidInput):
        await duplicates.find_candidates(store, limit=limit, min_score=min_score)
