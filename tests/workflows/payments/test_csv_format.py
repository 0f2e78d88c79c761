import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from crm_store.models.payments import PaymentMethod
from workflows.payments.csv_format import (
    CsvMapping,
    MappingError,
    load_mapping,
    parse_payments,
)

HEADER = "reference,customer_number,amount,currency,method,value_date,remittance\n"


def parse(body: str, mapping: CsvMapping | None = None, max_rows: int = 100):  # type: ignore[no-untyped-def]
    return parse_payments((HEADER + body).encode(), mapping or CsvMapping(), max_rows=max_rows)


def test_a_good_row_becomes_a_draft_with_exact_values() -> None:
    parsed = parse("P-1,C001,1234.50,EUR,transfer,2026-11-20,Invoice 42\n")
    assert parsed.errors == []
    assert parsed.file_errors == []
    (draft,) = parsed.drafts
    assert draft.amount == Decimal("1234.50")
    assert draft.currency == "EUR"
    assert draft.method is PaymentMethod.TRANSFER
    assert draft.value_date == dt.date(2026, 11, 20)
    assert draft.remittance == "Invoice 42"
    assert draft.row == 2


@pytest.mark.parametrize(
    ("amount", "currency", "reason"),
    [
        ("1e3", "EUR", "'1e3' is not a decimal number"),
        ("1,234.50", "EUR", "'1,234.50' is not a decimal number"),
        ("12,50", "EUR", "'12,50' is not a decimal number"),
        ("NaN", "EUR", "'NaN' is not a decimal number"),
        ("Infinity", "EUR", "'Infinity' is not a decimal number"),
        (".5", "EUR", "'.5' is not a decimal number"),
        ("10.", "EUR", "'10.' is not a decimal number"),
        ("10.001", "EUR", "'10.001' has more than 2 decimals, the most EUR allows"),
        ("100.5", "JPY", "'100.5' has more than 0 decimals, the most JPY allows"),
        ("0", "EUR", "'0' is not a positive amount"),
        ("-5.00", "EUR", "'-5.00' is not a positive amount"),
        ("100000000000000", "EUR", "'100000000000000' is too large"),
    ],
)
def test_amounts_are_parsed_strictly(amount: str, currency: str, reason: str) -> None:
    parsed = parse(f'P-1,C001,"{amount}",{currency},transfer,2026-11-20,\n')
    assert parsed.drafts == []
    (error,) = parsed.errors
    assert (error.row, error.column) == (2, "amount")
    assert error.reason.startswith(reason)


def test_three_decimal_currencies_keep_their_fils() -> None:
    (draft,) = parse("P-1,C001,10.125,KWD,wire,2026-11-20,\n").drafts
    assert draft.amount == Decimal("10.125")


@pytest.mark.parametrize(
    "value", ["20/11/2026", "2026-11-31", "20261120", "2026-W47-5", "2026-11-20T10:00"]
)
def test_dates_must_be_iso_calendar_dates(value: str) -> None:
    parsed = parse(f"P-1,C001,10.00,EUR,transfer,{value},\n")
    (error,) = parsed.errors
    assert (error.row, error.column) == (2, "value_date")
    assert repr(value) in error.reason


def test_every_bad_cell_of_every_row_is_named() -> None:
    parsed = parse(
        "P-1,C001,10.00,EUR,transfer,2026-11-20,\n"
        "P-2,,10.00,eur,bitcoin,2026-11-20,\n"
        "P-3,C003,ten,EUR,cheque,yesterday,\n"
        "P-1,C004,5.00,EUR,card,2026-11-21,\n"
    )
    assert [str(e) for e in parsed.errors] == [
        "row 3, column customer_number: is empty",
        "row 3, column currency: 'eur' is not an ISO 4217 code (three capital letters)",
        "row 3, column method: 'bitcoin' is not a payment method "
        "(cheque, transfer, wire, card, other)",
        "row 4, column amount: 'ten' is not a decimal number (digits, '.' before the decimals)",
        "row 4, column value_date: 'yesterday' is not an ISO date (YYYY-MM-DD)",
        "row 5, column reference: repeats row 2",
    ]
    assert [d.reference for d in parsed.drafts] == ["P-1"]
    assert parsed.total_rows == 4


def test_missing_columns_refuse_the_file() -> None:
    parsed = parse_payments(b"reference,amount\nP-1,10.00\n", CsvMapping(), max_rows=10)
    assert parsed.file_errors == ["missing columns: customer_number, currency, method, value_date"]


def test_the_row_limit_refuses_the_file() -> None:
    row = "P-{n},C001,10.00,EUR,transfer,2026-11-20,\n"
    parsed = parse("".join(row.format(n=n) for n in range(4)), max_rows=3)
    assert parsed.file_errors == ["more than 3 rows (the limit)"]


def test_a_mapping_file_renames_columns_and_methods_and_reads_european_numbers(
    tmp_path: Path,
) -> None:
    mapping_file = tmp_path / "acme.toml"
    mapping_file.write_text(
        'delimiter = ";"\n'
        'decimal_separator = ","\n'
        'thousands_separator = "."\n'
        "[columns]\n"
        'reference = "Belegnummer"\n'
        'customer_number = "Kunde"\n'
        'amount = "Betrag"\n'
        'currency = "Währung"\n'
        'method = "Zahlart"\n'
        'value_date = "Valuta"\n'
        'remittance = "Verwendungszweck"\n'
        "[methods]\n"
        '"Überweisung" = "transfer"\n'
        '"Scheck" = "cheque"\n'
    )
    mapping = load_mapping(mapping_file)
    data = (
        "Belegnummer;Kunde;Betrag;Währung;Zahlart;Valuta;Verwendungszweck\n"
        "B-1;C001;1.234,56;EUR;Überweisung;2026-11-20;RE 2026-17\n"
        "B-2;C002;99,9;EUR;Scheck;2026-11-21;\n"
        "B-3;C002;1,234.56;EUR;Scheck;2026-11-21;\n"
    ).encode()
    parsed = parse_payments(data, mapping, max_rows=10)
    assert [(d.reference, d.amount, d.method) for d in parsed.drafts] == [
        ("B-1", Decimal("1234.56"), PaymentMethod.TRANSFER),
        ("B-2", Decimal("99.9"), PaymentMethod.CHEQUE),
    ]
    assert [(e.row, e.column) for e in parsed.errors] == [(4, "Betrag")]


def test_a_json_mapping_works_too(tmp_path: Path) -> None:
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text('{"columns": {"reference": "Ref"}, "methods": {"SEPA": "transfer"}}')
    mapping = load_mapping(mapping_file)
    data = b"Ref,customer_number,amount,currency,method,value_date\nX,C1,1.00,EUR,SEPA,2026-01-02\n"
    (draft,) = parse_payments(data, mapping, max_rows=10).drafts
    assert (draft.reference, draft.method, draft.remittance) == ("X", PaymentMethod.TRANSFER, None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[columns]\nrefrence = "Ref"\n', "columns: 'refrence' is not one of"),
        ('[methods]\nSEPA = "sepa"\n', "methods: 'sepa' is not one of"),
        ('decimal_separator = ";"\n', "decimal_separator: '.' or ','"),
        ("colums = 1\n", "unknown keys: colums"),
        ("not toml at all [\n", "m.toml"),
    ],
)
def test_a_bad_mapping_file_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(content)
    with pytest.raises(MappingError, match=message):
        load_mapping(mapping_file)


def test_a_file_that_is_not_utf8_is_refused() -> None:
    parsed = parse_payments(
        HEADER.encode() + b"P-1,C\xe9,1.00,EUR,wire,2026-01-01,\n", CsvMapping(), max_rows=9
    )
    assert parsed.file_errors
    assert "utf-8-sig" in parsed.file_errors[0]
