"""Global ids of the CRM's types: ``Contact:<id>``, ``Interaction:<id>``, ``Lead:<id>``."""

from __future__ import annotations

from resolvers.node import key_of


def row_id(global_id: str | None, type_name: str) -> int | None:
    """The row id inside a global id of ``type_name``, or None for anything else."""
    if global_id is None:
        return None
    key = key_of(global_id, type_name)
    if key is None or not key.isdigit() or len(key) > 18:
        return None
    return int(key)
