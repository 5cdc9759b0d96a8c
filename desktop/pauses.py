"""Keeping Python's garbage collector from pausing the window.

A full collection walks every object the interpreter tracks, about 0.5 µs each: 50-75 ms
once the window, a workspace and SQLAlchemy are loaded (105-135k objects), more after spaCy
or llama.cpp. It runs on whichever thread happens to allocate when it is due (usually the GUI
thread) and holds the GIL throughout, so the window stops for that long at a random moment
(measured: bench/training_gui_stall.py, BENCHMARKS.md).

Most of those objects live as long as the app: modules, classes, the pages, a loaded model's
Python side. They can never be garbage, so they are frozen out of the collector's sight
(``gc.freeze``): when the window shows its first page, and again whenever new modules were
loaded since the last time (a job or a page that imported a library). The young generations are collected just
before, so fresh garbage is freed rather than frozen. Full collections then walk only what was
made since, and take a few milliseconds.
"""

from __future__ import annotations

import gc
import sys

_modules_when_frozen = 0


def freeze_long_lived() -> bool:
    """Freeze what is alive now if modules were loaded since the last freeze. True if it froze."""
    global _modules_when_frozen
    if len(sys.modules) == _modules_when_frozen:
        return False
    gc.collect(1)
    gc.freeze()
    _modules_when_frozen = len(sys.modules)
    return True


def walked_by_a_full_collection() -> int:
    """How many objects a full collection would walk now (the frozen ones are not counted)."""
    return len(gc.get_objects())
