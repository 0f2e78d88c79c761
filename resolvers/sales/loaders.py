"""The sales domain's DataLoaders: one repository call per batch through the operation's
session, so a list of N parents costs the same few statements as one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from crm_store.models.sales import (
    CampaignMemberRow,
    ComplaintTransitionRow,
    OpportunityStageChangeRow,
)
from crm_store.repositories.campaigns import CampaignRepository, MemberSlice, ResponseCount
from crm_store.repositories.complaints import ComplaintRepository
from crm_store.repositories.opportunities import OpportunityRepository, OpportunitySlice
from crm_store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class PageArgs:
    """A nested connection's arguments: ``first`` rows after the id ``after_id``."""

    first: int
    after_id: int | None = None


def opportunities_by(
    uow: UnitOfWork, column: str
) -> DataLoader[tuple[Any, PageArgs], OpportunitySlice]:
    """Keyed by (customer number or lead id, page); one batch per distinct page."""

    async def load(keys: Sequence[tuple[Any, PageArgs]]) -> list[OpportunitySlice]:
        groups: dict[PageArgs, list[Any]] = defaultdict(list)
        for owner, page in keys:
            groups[page].append(owner)
        found: dict[tuple[Any, PageArgs], OpportunitySlice] = {}
        async with uow.session() as session:
            repository = OpportunityRepository(session)
            for page, owners in groups.items():
                slices = await repository.slices(
                    column, owners, first=page.first, after_id=page.after_id
                )
                found.update({(owner, page): slices[owner] for owner in owners})
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


def history_by_opportunity(uow: UnitOfWork) -> DataLoader[int, list[OpportunityStageChangeRow]]:
    async def load(ids: Sequence[int]) -> list[list[OpportunityStageChangeRow]]:
        async with uow.session() as session:
            found = await OpportunityRepository(session).history_by_opportunity_ids(ids)
        return [found.get(id, []) for id in ids]

    return DataLoader(load_fn=load)


def memberships_by_customer(uow: UnitOfWork) -> DataLoader[str, list[CampaignMemberRow]]:
    async def load(numbers: Sequence[str]) -> list[list[CampaignMemberRow]]:
        async with uow.session() as session:
            found = await CampaignRepository(session).memberships_by_customer(numbers)
        return [found.get(number, []) for number in numbers]

    return DataLoader(load_fn=load)


MemberKey = tuple[int, PageArgs, frozenset[str] | None]
"""(campaign id, page, the customers whose memberships show; ``None``: all of them)."""


def members_by_campaign(uow: UnitOfWork) -> DataLoader[MemberKey, MemberSlice]:
    async def load(keys: Sequence[MemberKey]) -> list[MemberSlice]:
        groups: dict[tuple[PageArgs, frozenset[str] | None], list[int]] = defaultdict(list)
        for id, page, numbers in keys:
            groups[page, numbers].append(id)
        found: dict[MemberKey, MemberSlice] = {}
        async with uow.session() as session:
            repository = CampaignRepository(session)
            for (page, numbers), ids in groups.items():
                slices = await repository.member_slices(
                    ids, first=page.first, after_id=page.after_id, customer_numbers=numbers
                )
                found.update({(id, page, numbers): slices[id] for id in ids})
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


def campaigns_by_partner(uow: UnitOfWork) -> DataLoader[str, frozenset[int]]:
    """The campaigns a partner sees (one of its customers is a member): one query."""

    async def load(partners: Sequence[str]) -> list[frozenset[int]]:
        async with uow.session() as session:
            repository = CampaignRepository(session)
            return [await repository.ids_of_partner(p) for p in partners]

    return DataLoader(load_fn=load)


def responses_by_campaign(uow: UnitOfWork) -> DataLoader[int, ResponseCount]:
    async def load(ids: Sequence[int]) -> list[ResponseCount]:
        async with uow.session() as session:
            found = await CampaignRepository(session).response_counts(ids)
        return [found[id] for id in ids]

    return DataLoader(load_fn=load)


def complaint_history_by_interaction(
    uow: UnitOfWork,
) -> DataLoader[int, list[ComplaintTransitionRow]]:
    async def load(ids: Sequence[int]) -> list[list[ComplaintTransitionRow]]:
        async with uow.session() as session:
            found = await ComplaintRepository(session).history_by_interaction_ids(ids)
        return [found.get(id, []) for id in ids]

    return DataLoader(load_fn=load)
