"""Garbage-collector settings for a serving process.

A GraphQL answer allocates many short-lived objects (a 100-customer page: hundreds of
thousands). With CPython's default young-generation threshold (700 allocations) that means
hundreds of collections per page, and every tenth of the oldest generation walks the whole
heap, schema and all: measured here, a third of a page's time. A served process therefore
moves what start-up built into the permanent generation (``gc.freeze``: never walked again)
and collects the young generation every ``GEN0_THRESHOLD`` allocations. Objects freed by
reference counting (nearly all) are freed at once as before; only reference cycles wait
longer. ``FRONTDESK_GC_TUNING=false`` keeps CPython's defaults. The benchmark's ``tuning``
scenario measures what it buys.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 10_000


def tune_gc() -> None:
    """Freeze the start-up heap and collect the young generation less often (call once,
    when start-up is done)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, older, oldest)
