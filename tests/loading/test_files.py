"""Reading load files: line numbers, formats, and every way a file or a record can be broken."""

import pytest

from graph.loading import KINDS_BY_NAME, LoadFileError, plan
from graph.loading.files import kind_of, read_rows
from tests.loading.helpers import write

ORGANISATIONS = KINDS_BY_NAME["organisations"]


def records(path):
    return [(row.line, row.values, row.field, row.error) for row in read_rows(path, kind_of(path))]


def test_csv_rows_carry_the_line_they_start_on(tmp_path):
    path = write(
        tmp_path,
        "organisations.csv",
        'key,name,city\nA,Alpha,Berlin\n\nB,"Beta\nzwei",Köln\r\nC,Gamma,\n',
    )

    assert records(path) == [
        (2, {"key": "A", "name": "Alpha", "city": "Berlin"}, None, None),
        (4, {"key": "B", "name": "Beta\nzwei", "city": "Köln"}, None, None),
        (6, {"key": "C", "name": "Gamma", "city": ""}, None, None),
    ]


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = write(tmp_path, "organisations.csv", b"\xef\xbb\xbfkey,name\nA,Alpha\n")

    assert records(path) == [(2, {"key": "A", "name": "Alpha"}, None, None)]


def test_a_line_that_is_not_utf8_is_rejected_and_the_others_are_read(tmp_path):
    path = write(tmp_path, "organisations.csv", b"key,name\nA,Alpha\n" + b"B,M\xfcller\nC,Gamma\n")

    assert records(path) == [
        (2, {"key": "A", "name": "Alpha"}, None, None),
        (3, {}, None, "line 3 is not valid UTF-8 (byte 0xfc at position 4)"),
        (4, {"key": "C", "name": "Gamma"}, None, None),
    ]


def test_a_broken_csv_line_is_rejected_and_the_others_are_read(tmp_path):
    path = write(tmp_path, "organisations.csv", 'key,name\nA,"Al"pha\nB,Beta,extra\nC,Gamma\n')

    assert records(path) == [
        (2, {}, None, "is not valid CSV: ',' expected after '\"'"),
        (3, {}, None, "has 3 cells, but the header has 2 columns"),
        (4, {"key": "C", "name": "Gamma"}, None, None),
    ]


def test_an_unclosed_quote_is_reported_on_the_line_it_opens(tmp_path):
    path = write(tmp_path, "organisations.csv", 'key,name\nA,Alpha\nB,"Beta\nC,Gamma\n')

    assert records(path)[1] == (3, {}, None, "is not valid CSV: unexpected end of data")


@pytest.mark.parametrize(
    ("header", "field", "reason"),
    [
        (
            "key,name,colour",
            "colour",
            "unknown column 'colour' for organisations: expected columns key, name, kind, status, industry, "
            "vat_id, street, postcode, city, country, source, declared_ultimate_key",
        ),
        ("key,city", "name", "required column 'name' is missing"),
        ("key,name,key", "key", "the header repeats column key"),
    ],
)
def test_a_bad_header_rejects_the_whole_file(tmp_path, header, field, reason):
    path = write(tmp_path, "organisations.csv", f"{header}\nA,Alpha,x\n")

    with pytest.raises(LoadFileError) as raised:
        records(path)

    assert (raised.value.line, raised.value.field, raised.value.reason) == (1, field, reason)


def test_an_empty_csv_file_has_no_header(tmp_path):
    path = write(tmp_path, "organisations.csv", "")

    with pytest.raises(LoadFileError, match="is empty"):
        records(path)


def test_json_lines_are_read_with_their_line_numbers(tmp_path):
    path = write(
        tmp_path,
        "territories.jsonl",
        '{"key": "N", "name": "North", "countries": ["DE", "AT"]}\n'
        "\n"
        '{"key": "S", "name": "South"\n'
        "[1, 2]\n"
        '{"key": "W", "name": "West", "colour": "red"}\n'
        '{"key": "E", "name": "East"}\n',
    )

    assert records(path) == [
        (1, {"key": "N", "name": "North", "countries": ["DE", "AT"]}, None, None),
        (3, {}, None, "is not valid JSON: Expecting ',' delimiter at column 29"),
        (4, {}, None, "is a JSON list, not an object"),
        (
            5,
            {},
            "colour",
            "unknown column 'colour' for territories: expected columns key, name, parent_key, countries, "
            "postcode_prefixes, postcode_ranges, industries",
        ),
        (6, {"key": "E", "name": "East"}, None, None),
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("companies.csv", "unknown kind 'companies': expected one of organisations, contacts,"),
        ("organisations.xlsx", "unknown file type '.xlsx': a load file is <kind>.csv or <kind>.jsonl"),
    ],
)
def test_a_file_name_that_is_no_kind_is_refused_before_anything_loads(tmp_path, name, reason):
    write(tmp_path, "organisations.csv", "key,name\nA,Alpha\n")
    path = write(tmp_path, name, "key,name\n")

    with pytest.raises(LoadFileError) as raised:
        plan([tmp_path / "organisations.csv", path])

    assert raised.value.reason.startswith(reason)


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(LoadFileError, match="does not exist"):
        plan([tmp_path / "nope.csv"])


def test_a_directory_is_planned_in_the_order_of_the_kinds(tmp_path):
    for name in ("revenue.csv", "parents.jsonl", "organisations.csv", "users.csv", "README.md"):
        write(tmp_path, name, "")

    assert [(kind.name, path.name) for kind, path in plan([tmp_path])] == [
        ("organisations", "organisations.csv"),
        ("users", "users.csv"),
        ("parents", "parents.jsonl"),
        ("revenue", "revenue.csv"),
    ]
