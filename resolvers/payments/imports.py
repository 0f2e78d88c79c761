"""``importPayments``: a CSV uploaded through the GraphQL multipart request spec.

The upload is read up to the import's byte limit plus one (a larger file is refused without
reading the rest), parsed and checked by ``workflows.payments.import_csv``, and written in the
operation's transaction: the payments, their batch and their queued notices commit together.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from resolvers.context import Info
from resolvers.errors import ErrorCode, UserError, user_error
from workflows.payments.csv_format import CsvMapping, MappingError, mapping_from_dict
from workflows.payments.import_csv import ImportReport, import_payments

FILENAME_LIMIT = 255


@strawberry.input(description="A payments CSV to import (multipart upload).")
class ImportPaymentsInput:
    file: Upload = strawberry.field(
        description=(
            "The CSV: columns reference, customer_number, amount, currency, method, value_date, "
            "remittance (or as `mapping` renames them)."
        )
    )
    source: str = strawberry.field(
        default="erp", description="Where the payments come from; (source, reference) is the key."
    )
    mapping: JSON | None = strawberry.field(
        default=None,
        description=(
            'Renames for another ERP\'s export, as in a mapping file: {"columns": {"amount": '
            '"Betrag"}, "methods": {"Scheck": "cheque"}, "delimiter": ";", '
            '"decimal_separator": ","}.'
        ),
    )
    skip_invalid: bool = strawberry.field(
        default=False, description="Import the valid rows of a file with bad rows."
    )
    dry_run: bool = strawberry.field(default=False, description="Check and count; write nothing.")


@strawberry.type(description="One bad cell of an imported file.")
class InvalidPaymentRow:
    row: int = strawberry.field(description="As a spreadsheet counts: the header is row 1.")
    column: str
    reason: str


@strawberry.type
class ImportPaymentsPayload:
    total_rows: int
    imported: int = strawberry.field(description="New payments (or that would be, on a dry run).")
    already_there: int = strawberry.field(description="Rows whose (source, reference) exists.")
    invalid_rows: int = strawberry.field(description="Rows with at least one bad cell.")
    invalid: list[InvalidPaymentRow] = strawberry.field(description="Every bad cell.")
    written: bool = strawberry.field(description="Whether anything was stored.")
    dry_run: bool
    user_errors: list[UserError]

    @classmethod
    def refused(cls, errors: list[UserError], *, dry_run: bool) -> ImportPaymentsPayload:
        return cls(
            total_rows=0,
            imported=0,
            already_there=0,
            invalid_rows=0,
            invalid=[],
            written=False,
            dry_run=dry_run,
            user_errors=errors,
        )

    @classmethod
    def from_report(cls, report: ImportReport) -> ImportPaymentsPayload:
        errors = [
            user_error(ErrorCode.INVALID, problem, "input", "file")
            for problem in report.file_errors
        ]
        if report.invalid and not report.skip_invalid:
            errors.append(
                user_error(
                    ErrorCode.INVALID,
                    f"{report.invalid_rows} rows are not valid: nothing was imported "
                    "(skipInvalid imports the valid rows)",
                    "input",
                    "file",
                )
            )
        return cls(
            total_rows=report.total_rows,
            imported=report.imported if not report.refused else 0,
            already_there=report.already_there,
            invalid_rows=report.invalid_rows,
            invalid=[
                InvalidPaymentRow(row=e.row, column=e.column, reason=e.reason)
                for e in report.invalid
            ],
            written=report.written,
            dry_run=report.dry_run,
            user_errors=errors,
        )


def _mapping(raw: Any) -> CsvMapping:
    if raw is None:
        return CsvMapping()
    if not isinstance(raw, dict):
        raise MappingError("the mapping must be an object")
    return mapping_from_dict(raw)


async def _read(upload: Any, limit: int) -> bytes | None:
    """The uploaded bytes, or None when there are more than ``limit``; closes the upload (its
    spooled temporary file) either way."""
    try:
        data: bytes = await upload.read(limit + 1)
    finally:
        await upload.close()
    return None if len(data) > limit else data


async def run_import(info: Info, input: ImportPaymentsInput) -> ImportPaymentsPayload:
    limits = info.context.payment_import_limits
    try:
        mapping = _mapping(input.mapping)
    except MappingError as exc:
        error = user_error(ErrorCode.INVALID, f"mapping: {exc}", "input", "mapping")
        return ImportPaymentsPayload.refused([error], dry_run=input.dry_run)
    if not hasattr(input.file, "read"):
        error = user_error(ErrorCode.INVALID, "`file` must be an uploaded file", "input", "file")
        return ImportPaymentsPayload.refused([error], dry_run=input.dry_run)
    data = await _read(input.file, limits.max_bytes)
    if data is None:
        error = user_error(
            ErrorCode.INVALID,
            f"the file is larger than {limits.max_bytes} bytes",
            "input",
            "file",
        )
        return ImportPaymentsPayload.refused([error], dry_run=input.dry_run)
    filename = getattr(input.file, "filename", None)
    async with info.context.uow.session() as session:
        report = await import_payments(
            session,
            data,
            source=input.source,
            filename=filename[:FILENAME_LIMIT] if isinstance(filename, str) else None,
            mapping=mapping,
            limits=limits,
            skip_invalid=input.skip_invalid,
            dry_run=input.dry_run,
        )
    return ImportPaymentsPayload.from_report(report)
