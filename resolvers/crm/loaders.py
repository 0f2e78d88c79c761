"""The CRM store's DataLoaders: each batch is one repository call through the operation's
session (``UnitOfWork.session()``), or for prepared reads its reader (``UnitOfWork.reads()``),
so a list of N parents costs the same few statements as one parent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from crm_store.base import Base
from crm_store.models import ContactRow, LeadTransitionRow
from crm_store.repositories import (
    ContactRepository,
    InteractionOwner,
    InteractionPage,
    InteractionSlice,
    LeadRepository,
    Repository,
    interaction_slices,
)
from crm_store.unit_of_work import UnitOfWork

RowT = TypeVar("RowT", bound=Base)


def by_id_loader(
    uow: UnitOfWork, repository: Callable[[Any], Repository[RowT]]
) -> DataLoader[int, RowT | None]:
    """Rows of one model by id."""

    async def load(ids: Sequence[int]) -> list[RowT | None]:
        async with uow.session() as session:
            found = await repository(session).by_ids(ids)
        return [found.get(id) for id in ids]

    return DataLoader(load_fn=load)


def contacts_by_customer(uow: UnitOfWork) -> DataLoader[str, list[ContactRow]]:
    async def load(numbers: Sequence[str]) -> list[list[ContactRow]]:
        async with uow.session() as session:
            found = await ContactRepository(session).by_customer_numbers(numbers)
        return [found.get(number, []) for number in numbers]

    return DataLoader(load_fn=load)


def history_by_lead(uow: UnitOfWork) -> DataLoader[int, list[LeadTransitionRow]]:
    async def load(ids: Sequence[int]) -> list[list[LeadTransitionRow]]:
        async with uow.session() as session:
            found = await LeadRepository(session).history_by_lead_ids(ids)
        return [found.get(id, []) for id in ids]

    return DataLoader(load_fn=load)


def interactions_by(
    uow: UnitOfWork, owner: InteractionOwner
) -> DataLoader[tuple[Any, InteractionPage], InteractionSlice]:
    """Keyed by (owner key, page arguments); keys asking the same page share one batch."""

    async def load(keys: Sequence[tuple[Any, InteractionPage]]) -> list[InteractionSlice]:
        groups: dict[InteractionPage, list[Any]] = defaultdict(list)
        for owner_key, page in keys:
            groups[page].append(owner_key)
        found: dict[tuple[Any, InteractionPage], InteractionSlice] = {}
        async with uow.reads() as reader:
            for page, owner_keys in groups.items():
                slices = await interaction_slices(reader, owner, owner_keys, page)
                found.update({(key, page): slices[key] for key in owner_keys})
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)
