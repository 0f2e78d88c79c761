"""The CSV lead import: rows validated and reported, duplicates flagged, all-or-nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_store.models import ContactRow, LeadRow, LeadStatus
from crm_store.repositories import LeadFilter, LeadRepository
from crm_store.unit_of_work import UnitOfWork
from workflows.lead_import import ImportOptions, ImportReport, import_leads

if TYPE_CHECKING:
    from tests.support.databases import Store

GOOD = """name,company,email,phone,source,owner,street,city,postal_code,country
Ada Lovelace,Analytical Engines,ada@example.com,030 1234567,fair,maria,Linden 1,Berlin,10117,DE
Grace Hopper,,grace@example.org,+1 415 555 0132,web,tom,,,,
"""

BAD = """name,email,phone,postal_code,country
Ok Person,ok@example.com,,,
,nobody@example.com,,,
Bad Mail,bad@,,,
Bad Phone,,12,,
Bad Code,,,ABCDE,DE
"""


async def run(store: Store, text: str, **options: bool) -> ImportReport:
    uow = UnitOfWork(store.sessionmaker)
    try:
        report = await import_leads(uow, text, ImportOptions(**options))
        if report.written:
            await uow.commit()
        return report
    finally:
        await uow.close()


async def lead_names(store: Store) -> list[str]:
    async with store.sessionmaker() as session:
        rows = await LeadRepository(session).page(LeadFilter(), first=100, after_id=None)
    return sorted(row.name for row in rows)


async def test_a_good_file_is_imported(store: Store) -> None:
    report = await run(store, GOOD)
    assert (report.rows, report.imported, report.errors, report.duplicates) == (2, 2, [], [])
    async with store.sessionmaker() as session:
        rows = await LeadRepository(session).page(LeadFilter(), first=10, after_id=None)
    ada = next(row for row in rows if row.name == "Ada Lovelace")
    assert (ada.phone, ada.postal_code, ada.status, ada.owner) == (
        "+49301234567",
        "10117",
        LeadStatus.NEW,
        "maria",
    )


async def test_bad_rows_are_named_and_nothing_is_written(store: Store) -> None:
    report = await run(store, BAD)
    assert [str(issue) for issue in report.errors] == [
        "row 3, column name: name is required",
        "row 4, column email: not a valid e-mail address: "
        "There must be something after the @-sign.",
        "row 5, column phone: not a valid phone number (give +country code and number)",
        "row 6, column postal_code: 'ABCDE' is not a plausible postal code in DE",
    ]
    assert (report.written, report.imported, report.invalid_rows) == (False, 0, 4)
    assert await lead_names(store) == []


async def test_skip_invalid_imports_the_valid_rows(store: Store) -> None:
    report = await run(store, BAD, skip_invalid=True)
    assert (report.imported, len(report.errors)) == (1, 4)
    assert await lead_names(store) == ["Ok Person"]


async def test_a_dry_run_writes_nothing(store: Store) -> None:
    report = await run(store, GOOD, dry_run=True)
    assert (report.valid, report.imported, report.written) == (2, 0, False)
    assert await lead_names(store) == []


async def test_possible_duplicates_are_imported_and_flagged(store: Store) -> None:
    async with store.sessionmaker() as session:
        session.add_all(
            [
                LeadRow(name="Old Ada", email="ADA@example.com", status=LeadStatus.CHECKED),
                LeadRow(name="Gone", email="gone@example.com", status=LeadStatus.DISQUALIFIED),
                ContactRow(customer_number="C10001", name="Grace", email="grace@example.org"),
            ]
        )
        await session.commit()
    text = GOOD + "Gone Again,,gone@example.com,,,,,,,\nAda Twin,,ada@example.com,,,,,,,\n"
    report = await run(store, text)
    assert [str(issue) for issue in report.duplicates] == [
        "row 2, column email: possible duplicate: an open lead has the e-mail ada@example.com",
        "row 3, column email: possible duplicate: a contact has the e-mail grace@example.org",
        "row 5, column email: possible duplicate: an open lead has the e-mail ada@example.com",
    ]
    assert report.imported == 4
    skipped = await run(
        store, "name,email\nNew,new@example.com\nDup,grace@example.org\n", skip_duplicates=True
    )
    assert (skipped.imported, len(skipped.duplicates)) == (1, 1)
    assert "Dup" not in await lead_names(store)


async def test_a_duplicate_within_the_file_is_flagged(store: Store) -> None:
    report = await run(store, "name,email\nA,same@example.com\nB,Same@example.com\n")
    assert [str(issue) for issue in report.duplicates] == [
        "row 3, column email: possible duplicate of row 2 (same e-mail)"
    ]


async def test_unknown_columns_refuse_the_file(store: Store) -> None:
    report = await run(store, "name,emial\nA,a@example.com\n")
    assert str(report.errors[0]).startswith("row 1, column emial: unknown")
    assert report.written is False
