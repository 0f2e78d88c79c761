"""ERP calls counted per operation, for the debug counters and the benchmark.

``track_calls()`` opens a counting scope (a context variable holding a mutable tally, so
tasks spawned inside the operation add to the same tally); any gateway wrapper calls
``record_call()`` once per call to the ERP. Outside a scope ``record_call`` does nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(slots=True)
class CallTally:
    calls: int = 0


_current: ContextVar[CallTally | None] = ContextVar("frontdesk_erp_call_tally", default=None)


def record_call() -> None:
    tally = _current.get()
    if tally is not None:
        tally.calls += 1


@contextmanager
def track_calls() -> Iterator[CallTally]:
    tally = CallTally()
    token = _current.set(tally)
    try:
        yield tally
    finally:
        _current.reset(token)
