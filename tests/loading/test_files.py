"""Reading load files: line numbers, formats, and every way a file or a record can be broken."""

import pytest

from graph.loading import KINDS_BY_NAME, LoadFileError, plan
from graph.loading.files import MAX_COLUMNS, MAX_LINE_BYTES, kind_of, read_rows
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


def test_a_header_wider_than_the_limit_is_one_error_that_counts_its_columns(tmp_path):
    # 100,000 columns took 250 s to refuse when each was counted against the header (docs/load-files.md).
    columns = ",".join(f"c{number}" for number in range(100_000))
    path = write(tmp_path, "organisations.csv", f"key,name,{columns}\nA,Alpha\n")

    with pytest.raises(LoadFileError) as raised:
        records(path)

    assert (raised.value.line, raised.value.field) == (1, None)
    assert raised.value.reason.startswith(
        f"the header has 100,002 columns, more than the {MAX_COLUMNS:,} a load file may have: expected columns key,"
    )


def test_many_unknown_columns_are_named_five_and_counted(tmp_path):
    columns = ",".join(f"c{number}" for number in range(MAX_COLUMNS - 2))
    path = write(tmp_path, "organisations.csv", f"key,name,{columns}\nA,Alpha\n")

    with pytest.raises(LoadFileError) as raised:
        records(path)

    assert raised.value.field == "c0"
    assert raised.value.reason.startswith(
        f"unknown column 'c0', 'c1', 'c2', 'c3', 'c4' and {MAX_COLUMNS - 7:,} more for organisations: expected"
    )


def test_a_line_longer_than_the_limit_is_rejected_and_the_others_are_read(tmp_path):
    long = "x" * MAX_LINE_BYTES
    path = write(tmp_path, "organisations.csv", f"key,name\nA,Alpha\nB,{long}\nC,Gamma\n")

    assert records(path) == [
        (2, {"key": "A", "name": "Alpha"}, None, None),
        (3, {}, None, f"line 3 is longer than {MAX_LINE_BYTES:,} bytes ({MAX_LINE_BYTES + 3:,} bytes)"),
        (4, {"key": "C", "name": "Gamma"}, None, None),
    ]


def test_a_header_longer_than_the_line_limit_rejects_the_file(tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name," + "x" * MAX_LINE_BYTES + "\nA,Alpha\n")

    with pytest.raises(LoadFileError) as raised:
        records(path)

    assert (raised.value.line, raised.value.reason) == (
        1,
        f"the header is longer than {MAX_LINE_BYTES:,} bytes ({MAX_LINE_BYTES + 10:,} bytes)",
    )


def test_json_values_a_load_file_may_not_hold_are_rejected_with_their_line(tmp_path):
    path = write(
        tmp_path,
        "organisations.jsonl",
        '{"key": "A", "name": "Alpha", "postcode": 1e999}\n'
        '{"key": "B", "name": "Beta", "postcode": NaN}\n'
        '{"key": "C", "name": "Gamma", "postcode": -Infinity}\n'
        '{"key": "D", "name": "Delta", "key": "E"}\n'
        + '{"key": "F", "name": '
        + "[" * 100_000
        + "]" * 100_000
        + "}\n"
        + '{"key": "G", "name": '
        + "[" * 20
        + "]" * 20
        + "}\n"
        + '{"key": "H", "name": "Eta", "postcode": '
        + "9" * 5_000
        + "}\n"
        + "x" * MAX_LINE_BYTES
        + "\n"
        + '{"key": "I", "name": "Iota", "postcode": 1.5e3}\n',
    )

    assert records(path) == [
        (1, {}, None, "holds 1e999, which is too large to be a finite number"),
        (2, {}, None, "holds NaN, which is not a finite number"),
        (3, {}, None, "holds -Infinity, which is not a finite number"),
        (4, {}, "key", "repeats the key 'key' in one object"),
        (5, {}, None, "nests arrays and objects more than 20 deep"),
        (6, {}, None, "nests arrays and objects more than 20 deep"),
        (
            7,
            {},
            None,
            "holds a number that cannot be read (Exceeds the limit (4300 digits) for integer string conversion: "
            "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit)",
        ),
        (8, {}, None, f"line 8 is longer than {MAX_LINE_BYTES:,} bytes ({MAX_LINE_BYTES + 1:,} bytes)"),
        (9, {"key": "I", "name": "Iota", "postcode": 1500.0}, None, None),
    ]


def test_a_json_object_with_more_keys_than_the_limit_is_one_error_that_counts_them(tmp_path):
    keys = ", ".join(f'"c{number}": 1' for number in range(50_000))
    path = write(tmp_path, "organisations.jsonl", '{"key": "A", ' + keys + "}\n")

    assert records(path) == [(1, {}, None, f"has 50,001 keys, more than the {MAX_COLUMNS:,} a record may have")]


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
