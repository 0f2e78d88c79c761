"""Start the CRM loads a customer's selection will ask for while its ERP record is read.

``customer(number)`` must wait for the ERP (the customer is null when the ERP has none), and
its CRM fields only resolve after that: without help, the CRM query would run after the ERP
call instead of during it. ``prefetch_crm`` reads the selection under the ``customer`` field
and calls the ``interactions_by_customer`` loader for each plain ``interactions(first, after)``
it finds, *before* the resolver awaits the ERP: both loaders dispatch in the same tick, the
SQL runs while the ERP call is in flight, and the field later finds its slice in the
loader's cache (same key, same future). Selections it does not recognise (filters by kind or
date, bad arguments) are left to the field resolver, which reports any error itself.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from resolvers.crm.interactions.paging import interaction_page
from resolvers.errors import FrontdeskError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from strawberry.types.nodes import Selection

    from resolvers.context import Info

PLAIN_ARGUMENTS = frozenset({"first", "after"})


def _fields(selections: Sequence[Selection], name: str) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                yield selection
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections, name)


def _int(value: object) -> int | bool | None:
    """``first`` as given: an int from a variable, the literal's text from the document
    (strawberry does not coerce literals in ``selected_fields``); False when neither."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return False
    return False


def _retrieved(future: asyncio.Future[Any]) -> None:
    """A prefetch nobody awaits (the customer turned out null) must not log its error."""
    if not future.cancelled():
        future.exception()


def prefetch_crm(info: Info, number: str) -> None:
    """Queue the customer's plain ``interactions`` pages on their loader (no await)."""
    for selected in info.selected_fields:
        for field in _fields(selected.selections, "interactions"):
            arguments = field.arguments
            if not PLAIN_ARGUMENTS.issuperset(arguments):
                continue
            first, after = _int(arguments.get("first")), arguments.get("after")
            if first is False or (after is not None and not isinstance(after, str)):
                continue
            try:
                page = interaction_page(first=first, after=after, kind=None, since=None, until=None)
            except FrontdeskError:
                continue
            loading = info.context.loaders.interactions_by_customer.load((number, page))
            asyncio.ensure_future(loading).add_done_callback(_retrieved)
