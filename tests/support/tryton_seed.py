"""The data every Tryton test starts from, written through Tryton's own JSON-RPC.

A company (EUR) with the admin user in it, countries, two payment terms, a minimal chart of
accounts and an open fiscal year (so that one customer can owe money), and the customers below.

One step does not go through JSON-RPC: Tryton checks an e-mail address's domain in DNS before it
stores it, and this machine (like CI) has no DNS. ``EMAILS`` are therefore inserted into
``party_contact_mechanism`` with SQL while the server is stopped (see ``insert_emails``); Tryton
reads them back like any other contact mechanism.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.tryton_rpc import TrytonRpc

SEED_VERSION = "1"
"""Bump when the data below changes: the cached database is keyed on it."""

COMPANY_NAME = "Frontdesk Test Company"
OWED_AMOUNT = Decimal("7500.00")
"""What customer C1005 owes (a posted move on the receivable account); its limit is lower."""

CUSTOMERS: list[dict[str, Any]] = [
    {
        "code": "C1001",
        "name": "Alpha Trading GmbH",
        "vat": "DE136695976",
        "limit": Decimal("5000.00"),
        "term": "30 days",
        "addresses": [
            {
                "street": "Hauptstrasse 1",
                "postal_code": "10115",
                "city": "Berlin",
                "country": "DE",
                "invoice": True,
                "delivery": False,
            },
            {
                "street": "Lagerweg 7",
                "postal_code": "80331",
                "city": "Munich",
                "country": "DE",
                "subdivision": "DE-BY",
                "invoice": False,
                "delivery": True,
            },
        ],
    },
    {
        "code": "C1002",
        "name": "Beta Logistique SARL",
        "vat": "FR40303265045",
        "limit": Decimal("10000.00"),
        "term": "Immediate",
        "addresses": [
            {
                "street": "1 rue de la Paix",
                "postal_code": "75002",
                "city": "Paris",
                "country": "FR",
                "invoice": True,
                "delivery": True,
            },
        ],
    },
    {
        "code": "C1003",
        "name": "Gamma Foods BV",
        "vat": "NL004495445B01",
        "limit": None,
        "term": None,
        "addresses": [
            {
                "street": "Damrak 1",
                "postal_code": "1012 LG",
                "city": "Amsterdam",
                "country": "NL",
                "invoice": False,
                "delivery": False,
            },
        ],
    },
    {
        "code": "C1004",
        "name": "Delta Archived AG",
        "vat": "ATU13585627",
        "limit": Decimal("2000.00"),
        "term": "30 days",
        "active": False,
        "addresses": [
            {
                "street": "Ring 2",
                "postal_code": "1010",
                "city": "Vienna",
                "country": "AT",
                "invoice": True,
                "delivery": False,
            },
        ],
    },
    {
        "code": "C1005",
        "name": "Epsilon Overdrawn NV",
        "vat": "BE0403170701",
        "limit": Decimal("1000.00"),
        "term": "30 days",
        "addresses": [
            {
                "street": "Grote Markt 1",
                "postal_code": "1000",
                "city": "Brussels",
                "country": "BE",
                "invoice": True,
                "delivery": False,
            },
        ],
    },
] + [
    {
        "code": f"C20{index:02d}",
        "name": f"Paging Customer {index:02d}",
        "vat": None,
        "limit": None,
        "term": None,
        "addresses": [
            {
                "street": f"Teststrasse {index}",
                "postal_code": "20095",
                "city": "Hamburg",
                "country": "DE",
                "invoice": True,
                "delivery": False,
            },
        ],
    }
    for index in range(1, 8)
]

EMAILS = {"C1001": "billing@alpha.example", "C1002": "compta@beta.example"}

COUNTRIES = [
    ("DE", "DEU", "276", "Germany"),
    ("FR", "FRA", "250", "France"),
    ("NL", "NLD", "528", "Netherlands"),
    ("AT", "AUT", "040", "Austria"),
    ("BE", "BEL", "056", "Belgium"),
    ("US", "USA", "840", "United States"),
]
SUBDIVISIONS = [
    ("DE", "DE-BY", "Bavaria"),
    ("DE", "DE-BE", "Berlin"),
    ("FR", "FR-IDF", "Île-de-France"),
]


def seed(rpc: TrytonRpc) -> None:
    """Write the company, reference data and customers; the server must be running."""
    eur, _usd = rpc.create(
        "currency.currency",
        [
            {
                "name": "Euro",
                "symbol": "€",
                "code": "EUR",
                "rounding": Decimal("0.01"),
                "digits": 2,
            },
            {
                "name": "US Dollar",
                "symbol": "$",
                "code": "USD",
                "rounding": Decimal("0.01"),
                "digits": 2,
            },
        ],
    )
    (company_party,) = rpc.create("party.party", [{"name": COMPANY_NAME, "code": "COMPANY"}])
    (company,) = rpc.create("company.company", [{"party": company_party, "currency": eur}])
    rpc.call(
        "model.res.user.write",
        [rpc.user_id],
        {"companies": [["add", [company]]], "company": company},
    )
    rpc.refresh_context()

    countries = _seed_countries(rpc)
    terms = _seed_payment_terms(rpc)
    parties = _seed_customers(rpc, countries, terms)
    _seed_receivable(rpc, company, parties["C1005"])


def _seed_countries(rpc: TrytonRpc) -> dict[str, int]:
    ids = rpc.create(
        "country.country",
        [{"code": c, "code3": c3, "code_numeric": n, "name": name} for c, c3, n, name in COUNTRIES],
    )
    by_code = {row[0]: id_ for row, id_ in zip(COUNTRIES, ids, strict=True)}
    sub_ids = rpc.create(
        "country.subdivision",
        [
            {"country": by_code[c], "code": code, "name": name, "type": "state"}
            for c, code, name in SUBDIVISIONS
        ],
    )
    by_code.update({row[1]: id_ for row, id_ in zip(SUBDIVISIONS, sub_ids, strict=True)})
    return by_code


def _seed_payment_terms(rpc: TrytonRpc) -> dict[str, int]:
    thirty, immediate = rpc.create(
        "account.invoice.payment_term",
        [
            {
                "name": "30 days",
                "lines": [
                    [
                        "create",
                        [{"type": "remainder", "relativedeltas": [["create", [{"days": 30}]]]}],
                    ]
                ],
            },
            {"name": "Immediate", "lines": [["create", [{"type": "remainder"}]]]},
        ],
    )
    return {"30 days": thirty, "Immediate": immediate}


def _seed_customers(
    rpc: TrytonRpc, countries: dict[str, int], terms: dict[str, int]
) -> dict[str, int]:
    values = []
    for customer in CUSTOMERS:
        addresses = [
            {
                "street": a["street"],
                "postal_code": a["postal_code"],
                "city": a["city"],
                "country": countries[a["country"]],
                "subdivision": countries.get(a.get("subdivision", "")),
                "invoice": a["invoice"],
                "delivery": a["delivery"],
            }
            for a in customer["addresses"]
        ]
        party: dict[str, Any] = {
            "code": customer["code"],
            "name": customer["name"],
            "addresses": [["create", addresses]],
        }
        if customer["vat"]:
            party["identifiers"] = [["create", [{"type": "eu_vat", "code": customer["vat"]}]]]
        if customer["limit"] is not None:
            party["credit_limit_amount"] = customer["limit"]
        if customer["term"]:
            party["customer_payment_term"] = terms[customer["term"]]
        values.append(party)
    ids = rpc.create("party.party", values)
    by_code = {c["code"]: id_ for c, id_ in zip(CUSTOMERS, ids, strict=True)}
    archived = [by_code[c["code"]] for c in CUSTOMERS if c.get("active") is False]
    rpc.call("model.party.party.write", archived, {"active": False})
    return by_code


def _seed_receivable(rpc: TrytonRpc, company: int, party: int) -> None:
    """A minimal chart, an open fiscal year and one posted move: ``party`` owes OWED_AMOUNT."""
    receivable_type, revenue_type = rpc.create(
        "account.account.type",
        [
            {
                "name": "Receivable",
                "statement": "balance",
                "assets": True,
                "receivable": True,
                "company": company,
            },
            {"name": "Revenue", "statement": "income", "revenue": True, "company": company},
        ],
    )
    receivable, revenue = rpc.create(
        "account.account",
        [
            {
                "name": "Receivable",
                "code": "1200",
                "type": receivable_type,
                "party_required": True,
                "reconcile": True,
                "company": company,
            },
            {"name": "Revenue", "code": "4000", "type": revenue_type, "company": company},
        ],
    )
    (sequence_type,) = rpc.call(
        "model.ir.sequence.type.search", [["name", "=", "Account Move"]], 0, 1, None
    )
    (sequence,) = rpc.create(
        "ir.sequence.strict",
        [{"name": "Moves", "sequence_type": sequence_type, "company": company}],
    )
    today = dt.date.today()
    (fiscal_year,) = rpc.create(
        "account.fiscalyear",
        [
            {
                "name": str(today.year),
                "company": company,
                "move_sequence": sequence,
                "start_date": today.replace(month=1, day=1),
                "end_date": today.replace(month=12, day=31),
            }
        ],
    )
    rpc.call("model.account.fiscalyear.create_period", [fiscal_year])
    (journal,) = rpc.call("model.account.journal.search", [["type", "=", "revenue"]], 0, 1, None)
    (period,) = rpc.call(
        "model.account.period.search",
        [["fiscalyear", "=", fiscal_year], ["start_date", "<=", today], ["end_date", ">=", today]],
        0,
        1,
        None,
    )
    (move,) = rpc.create(
        "account.move",
        [
            {
                "journal": journal,
                "period": period,
                "date": today,
                "lines": [
                    [
                        "create",
                        [
                            {
                                "account": receivable,
                                "party": party,
                                "debit": OWED_AMOUNT,
                                "credit": Decimal(0),
                            },
                            {"account": revenue, "debit": Decimal(0), "credit": OWED_AMOUNT},
                        ],
                    ]
                ],
            }
        ],
    )
    rpc.call("model.account.move.post", [move])


def insert_emails(database_file: Path) -> None:
    """Store ``EMAILS`` as Tryton e-mail contact mechanisms (server stopped; see module doc)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(database_file) as connection:
        for code, email in EMAILS.items():
            (party,) = connection.execute(
                "SELECT id FROM party_party WHERE code = ?", (code,)
            ).fetchone()
            connection.execute(
                "INSERT INTO party_contact_mechanism"
                " (party, type, value, value_compact, active, sequence, create_uid, create_date)"
                " VALUES (?, 'email', ?, ?, 1, 10, 0, ?)",
                (party, email, email, now),
            )
    connection.close()
