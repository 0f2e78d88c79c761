"""Reading a payments CSV: the column mapping and strict parsing of each row.

Framework-free: bytes in, drafts and row errors out. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from crm_store.models.payments import PaymentMethod
from workflows.payments.money import CURRENCY_CODE, minor_units

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

FIELDS = (
    "reference",
    "customer_number",
    "amount",
    "currency",
    "method",
    "value_date",
    "remittance",
)
REQUIRED = FIELDS[:-1]
MAX_AMOUNT = Decimal(10) ** 14
"""Amounts are stored as NUMERIC(18, 4): fourteen integer digits at most."""
FIELD_LIMITS = {"reference": 128, "customer_number": 64, "remittance": 2000}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MappingError(ValueError):
    """The mapping file is unreadable or says something that cannot be applied."""


@dataclass(frozen=True, slots=True)
class CsvMapping:
    """How one ERP's export differs from the default columns.

    ``columns`` maps a payment field to the header the file uses for it; ``methods`` maps the
    file's method values to ours. Amounts use ``.`` and no grouping unless a
    ``decimal_separator`` (and perhaps a ``thousands_separator``) is declared.
    """

    columns: Mapping[str, str] = field(default_factory=lambda: {f: f for f in FIELDS})
    methods: Mapping[str, PaymentMethod] = field(default_factory=dict)
    delimiter: str = ","
    decimal_separator: str = "."
    thousands_separator: str | None = None
    encoding: str = "utf-8-sig"

    def amount_pattern(self) -> re.Pattern[str]:
        dec = re.escape(self.decimal_separator)
        plain = rf"-?\d+(?:{dec}\d+)?"
        if self.thousands_separator is None:
            return re.compile(plain)
        sep = re.escape(self.thousands_separator)
        return re.compile(rf"{plain}|-?\d{{1,3}}(?:{sep}\d{{3}})+(?:{dec}\d+)?")


def load_mapping(path: Path) -> CsvMapping:
    """Read a mapping file (``.toml`` or ``.json``); ``MappingError`` names what is wrong."""
    try:
        raw = path.read_bytes()
        data: Any = (
            json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw.decode())
        )
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MappingError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a table at the top level")
    return mapping_from_dict(data)


def mapping_from_dict(data: Mapping[str, Any]) -> CsvMapping:
    known = {"columns", "methods", "delimiter", "decimal_separator", "thousands_separator"}
    known |= {"encoding"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise MappingError(f"unknown keys: {', '.join(unknown)}")
    columns = {f: f for f in FIELDS}
    renames = data.get("columns", {})
    if not isinstance(renames, dict) or not all(isinstance(v, str) for v in renames.values()):
        raise MappingError('columns: expected field = "header" pairs')
    for name, header in renames.items():
        if name not in FIELDS:
            raise MappingError(f"columns: {name!r} is not one of {', '.join(FIELDS)}")
        columns[name] = header
    methods: dict[str, PaymentMethod] = {}
    for value, method in dict(data.get("methods", {})).items():
        try:
            methods[str(value)] = PaymentMethod(str(method).upper())
        except ValueError as exc:
            allowed = ", ".join(m.value.lower() for m in PaymentMethod)
            raise MappingError(f"methods: {method!r} is not one of {allowed}") from exc
    delimiter = str(data.get("delimiter", ","))
    decimal = str(data.get("decimal_separator", "."))
    thousands = data.get("thousands_separator")
    if len(delimiter) != 1:
        raise MappingError("delimiter: one character")
    if decimal not in {".", ","}:
        raise MappingError("decimal_separator: '.' or ','")
    if thousands is not None and (
        str(thousands) not in {".", ",", " ", "'"} or thousands == decimal
    ):
        raise MappingError("thousands_separator: '.', ',', ' ' or \"'\", unlike the decimal one")
    return CsvMapping(
        columns=columns,
        methods=methods,
        delimiter=delimiter,
        decimal_separator=decimal,
        thousands_separator=None if thousands is None else str(thousands),
        encoding=str(data.get("encoding", "utf-8-sig")),
    )


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell: ``row`` counts like a spreadsheet (the header is row 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PaymentDraft:
    row: int
    reference: str
    customer_number: str
    amount: Decimal
    currency: str
    method: PaymentMethod
    value_date: dt.date
    remittance: str | None


@dataclass(slots=True)
class ParsedFile:
    drafts: list[PaymentDraft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    total_rows: int = 0


def parse_payments(data: bytes, mapping: CsvMapping, *, max_rows: int) -> ParsedFile:
    """Every row of ``data`` as a draft or as the errors that keep it out."""
    parsed = ParsedFile()
    try:
        text = data.decode(mapping.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        parsed.file_errors.append(f"the file is not {mapping.encoding} text ({exc})")
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        parsed.file_errors.append("the file is empty")
        return parsed
    except csv.Error as exc:
        parsed.file_errors.append(f"row 1: {exc}")
        return parsed
    positions = {name: i for i, name in enumerate(header)}
    missing = [mapping.columns[f] for f in REQUIRED if mapping.columns[f] not in positions]
    if missing:
        parsed.file_errors.append("missing columns: " + ", ".join(missing))
        return parsed
    seen: dict[str, int] = {}
    try:
        for number, cells in _data_rows(reader):
            if parsed.total_rows >= max_rows:
                parsed.file_errors.append(f"more than {max_rows} rows (the limit)")
                return parsed
            parsed.total_rows += 1
            values = {
                f: cells[positions[h]].strip() if positions.get(h, len(cells)) < len(cells) else ""
                for f, h in mapping.columns.items()
            }
            draft = _draft(number, values, mapping, parsed.errors)
            if draft is None:
                continue
            first = seen.setdefault(draft.reference, number)
            if first != number:
                parsed.errors.append(
                    RowError(number, mapping.columns["reference"], f"repeats row {first}")
                )
                continue
            parsed.drafts.append(draft)
    except csv.Error as exc:
        parsed.file_errors.append(f"row {reader.line_num}: {exc}")
    return parsed


def _data_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for index, cells in enumerate(reader, start=2):
        if any(cell.strip() for cell in cells):
            yield index, cells


def _draft(
    row: int, values: Mapping[str, str], mapping: CsvMapping, errors: list[RowError]
) -> PaymentDraft | None:
    before = len(errors)

    def bad(name: str, reason: str) -> None:
        errors.append(RowError(row, mapping.columns[name], reason))

    for name in REQUIRED:
        if not values[name]:
            bad(name, "is empty")
    for name, limit in FIELD_LIMITS.items():
        if len(values[name]) > limit:
            bad(name, f"longer than {limit} characters")
    currency = values["currency"]
    if currency and not CURRENCY_CODE.fullmatch(currency):
        bad("currency", f"{currency!r} is not an ISO 4217 code (three capital letters)")
    amount = _amount(values["amount"], currency, mapping, lambda r: bad("amount", r))
    method = _method(values["method"], mapping, lambda r: bad("method", r))
    value_date = _date(values["value_date"], lambda r: bad("value_date", r))
    if len(errors) > before or amount is None or method is None or value_date is None:
        return None
    return PaymentDraft(
        row=row,
        reference=values["reference"],
        customer_number=values["customer_number"],
        amount=amount,
        currency=currency,
        method=method,
        value_date=value_date,
        remittance=values["remittance"] or None,
    )


def _amount(text: str, currency: str, mapping: CsvMapping, bad: Any) -> Decimal | None:
    if not text:
        return None
    if not mapping.amount_pattern().fullmatch(text):
        sep = mapping.decimal_separator
        bad(f"{text!r} is not a decimal number (digits, {sep!r} before the decimals)")
        return None
    canonical = text
    if mapping.thousands_separator is not None:
        canonical = canonical.replace(mapping.thousands_separator, "")
    canonical = canonical.replace(mapping.decimal_separator, ".")
    try:
        amount = Decimal(canonical)
    except InvalidOperation:
        bad(f"{text!r} is not a decimal number")
        return None
    if amount <= 0:
        bad(f"{text!r} is not a positive amount")
        return None
    if amount >= MAX_AMOUNT:
        bad(f"{text!r} is too large")
        return None
    if CURRENCY_CODE.fullmatch(currency):
        places = minor_units(currency)
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            bad(f"{text!r} has more than {places} decimals, the most {currency} allows")
            return None
    return amount


def _method(text: str, mapping: CsvMapping, bad: Any) -> PaymentMethod | None:
    if not text:
        return None
    if text in mapping.methods:
        return mapping.methods[text]
    try:
        return PaymentMethod(text.upper())
    except ValueError:
        allowed = ", ".join(m.value.lower() for m in PaymentMethod)
        bad(f"{text!r} is not a payment method ({allowed})")
        return None


def _date(text: str, bad: Any) -> dt.date | None:
    if not text:
        return None
    if ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            bad(f"{text!r} is not a date ({exc})")
            return None
    bad(f"{text!r} is not an ISO date (YYYY-MM-DD)")
    return None
