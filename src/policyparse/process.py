"""Settings for the processes policyparse owns (the CLI and batch workers), never for library callers."""

from __future__ import annotations

import gc

#: Allocations between two young-generation collections in processes policyparse owns (default 700).
GC_YOUNG_THRESHOLD = 50_000


def collect_garbage_less_often() -> None:
    """For the processes policyparse owns (the CLI, batch workers), not for library callers.

    The pipeline makes many small objects (a line, a heading, a task each) and no reference
    cycles, so the cyclic collector finds nothing; at the default threshold it still runs every
    700 allocations and re-walks the objects that survive, which grows with the notice: 20–40 %
    of the time on a 5 M-character notice. Objects that exist at start-up are frozen out of it.
    """
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
