"""Importing leads from a CSV file, with every row validated like ``createLead`` input.

Format: UTF-8 (a BOM is fine), comma-separated, a header row naming the columns. ``name`` is
required; the others are optional: company, email, phone, source, owner, street, city,
postal_code, region, country. Unknown columns are an error (a misspelt column would otherwise
drop its data silently).

- Each problem is reported with its row number (the header is row 1), column and reason.
- When any row has a problem nothing is written, unless ``skip_invalid``: then the valid rows
  are imported and the invalid ones skipped (and still reported).
- A row whose e-mail matches an open lead, an active contact or an earlier row of the file is
  a *possible duplicate*: it is imported (people do share addresses, and a person can come
  back as a new lead) and listed in the report so that someone can look, unless
  ``skip_duplicates``, which leaves such rows out.
- ``dry_run`` validates and reports, and writes nothing.

Imported leads start NEW, like any other.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_store.models.enums import LeadStatus
from crm_store.models.leads import LeadRow
from crm_store.repositories.contacts import ContactRepository
from crm_store.repositories.leads import LeadRepository
from workflows.leads import LEAD_FIELDS, clean_lead_fields
from workflows.validation import Checker, ContactRules

if TYPE_CHECKING:
    from crm_store.unit_of_work import UnitOfWork

COLUMNS = LEAD_FIELDS
MAX_ROWS = 10_000
HEADER_ROW = 1


@dataclass(frozen=True, slots=True)
class RowIssue:
    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    """Data rows read (the header excluded)."""
    imported: int = 0
    """Leads written (0 on a dry run or when the file was refused)."""
    valid: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    duplicates: list[RowIssue] = field(default_factory=list)
    written: bool = False

    @property
    def invalid_rows(self) -> int:
        return len({issue.row for issue in self.errors if issue.row > HEADER_ROW})


@dataclass(frozen=True, slots=True)
class ImportOptions:
    skip_invalid: bool = False
    skip_duplicates: bool = False
    dry_run: bool = False
    rules: ContactRules = field(default_factory=ContactRules)


def _read(text: str, report: ImportReport) -> list[tuple[int, dict[str, str | None]]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if not header:
        report.errors.append(RowIssue(HEADER_ROW, None, "the file has no header row"))
        return []
    unknown = [name for name in header if name not in COLUMNS]
    for name in unknown:
        report.errors.append(
            RowIssue(HEADER_ROW, name, f"unknown column; known: {', '.join(COLUMNS)}")
        )
    if "name" not in header:
        report.errors.append(RowIssue(HEADER_ROW, "name", "the name column is required"))
    if report.errors:
        return []
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str | None]]] = []
    try:
        for record in reader:
            number = reader.line_num
            if len(rows) >= MAX_ROWS:
                report.errors.append(RowIssue(number, None, f"more than {MAX_ROWS} rows"))
                break
            if None in record:
                report.errors.append(RowIssue(number, None, "more fields than columns"))
                continue
            rows.append((number, {k: v for k, v in record.items() if k in COLUMNS}))
    except csv.Error as exc:
        report.errors.append(RowIssue(reader.line_num, None, f"not valid CSV: {exc}"))
    report.rows = len(rows)
    return rows


async def import_leads(uow: UnitOfWork, text: str, options: ImportOptions) -> ImportReport:
    """Validate every row, flag possible duplicates, then write (or not) as the options say.

    The caller owns the transaction: it commits when ``report.written``.
    """
    report = ImportReport()
    records = _read(text, report)
    file_broken = bool(report.errors)
    valid: list[tuple[int, dict[str, str | None]]] = []
    for number, record in records:
        checker = Checker(rules=options.rules)
        cleaned = clean_lead_fields(record, checker)
        for issue in checker.problems:
            report.errors.append(RowIssue(number, issue.field[-1], issue.message))
        if not checker.problems:
            valid.append((number, cleaned))
    report.valid = len(valid)

    async with uow.session() as session:
        emails = [str(v["email"]) for _, v in valid if v.get("email")]
        open_leads = await LeadRepository(session).open_emails_in_use(emails)
        contacts = await ContactRepository(session).emails_in_use(emails)
        first_row: dict[str, int] = {}
        to_write: list[LeadRow] = []
        for number, cleaned in valid:
            email = (cleaned.get("email") or "").lower()
            reason = None
            if email in open_leads:
                reason = f"possible duplicate: an open lead has the e-mail {email}"
            elif email in contacts:
                reason = f"possible duplicate: a contact has the e-mail {email}"
            elif email and email in first_row:
                reason = f"possible duplicate of row {first_row[email]} (same e-mail)"
            if email:
                first_row.setdefault(email, number)
            if reason:
                report.duplicates.append(RowIssue(number, "email", reason))
                if options.skip_duplicates:
                    continue
            to_write.append(LeadRow(status=LeadStatus.NEW, **cleaned))

        refused = file_broken or (bool(report.errors) and not options.skip_invalid)
        if options.dry_run or refused or not to_write:
            return report
        session.add_all(to_write)
        await session.flush()
    report.imported = len(to_write)
    report.written = True
    return report
