"""The ``sql`` adapter's declarative mapping: the ERP's table and column names per field.

A mapping is a TOML file (``mappings/demo.toml`` is the demo ERP's) parsed into the typed
dataclasses below; ``load_mapping`` names the missing or unknown key when a file is wrong.
Optional columns (tax id, e-mail, reason, terms, amounts) may be left out.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

DEMO_MAPPING = Path(__file__).with_name("mappings") / "demo.toml"


class MappingError(ValueError):
    """The mapping file is not usable; the message names the key."""


@dataclass(frozen=True, slots=True)
class CustomerTable:
    table: str
    number: str
    name: str
    version: str
    credit_hold: str
    tax_id: str | None = None
    email: str | None = None
    credit_hold_reason: str | None = None
    credit_limit: str | None = None
    balance: str | None = None
    currency: str | None = None
    payment_terms: str | None = None
    version_kind: Literal["counter", "timestamp"] = "counter"
    default_currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class AddressTable:
    table: str
    customer: str
    role: str
    roles: dict[str, str]
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class IdempotencyTable:
    table: str
    key: str
    customer: str


@dataclass(frozen=True, slots=True)
class Numbering:
    prefix: str = "C"
    start: int = 10001


@dataclass(frozen=True, slots=True)
class SqlMapping:
    customer: CustomerTable
    address: AddressTable | None
    idempotency: IdempotencyTable | None
    numbering: Numbering


def _build(cls: Any, section: str, data: Any) -> Any:
    if not isinstance(data, dict):
        raise MappingError(f"[{section}] must be a table")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise MappingError(f"[{section}] has unknown keys: {', '.join(unknown)}")
    try:
        return cls(**data)
    except TypeError as exc:
        raise MappingError(f"[{section}]: {exc}") from exc


def parse_mapping(data: dict[str, Any]) -> SqlMapping:
    if "customer" not in data:
        raise MappingError("the mapping needs a [customer] table")
    customer: CustomerTable = _build(CustomerTable, "customer", data["customer"])
    if customer.version_kind not in ("counter", "timestamp"):
        raise MappingError("[customer] version_kind must be 'counter' or 'timestamp'")
    address: AddressTable | None = None
    if "address" in data:
        address = _build(AddressTable, "address", data["address"])
        if set(address.roles) - {"billing", "shipping"}:
            raise MappingError("[address.roles] takes only billing and shipping")
    idempotency = (
        _build(IdempotencyTable, "idempotency", data["idempotency"])
        if "idempotency" in data
        else None
    )
    numbering = _build(Numbering, "numbering", data.get("numbering", {}))
    return SqlMapping(customer, address, idempotency, numbering)


def load_mapping(path: Path | str = DEMO_MAPPING) -> SqlMapping:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"cannot read the ERP mapping {path}: {exc}") from exc
    return parse_mapping(data)
