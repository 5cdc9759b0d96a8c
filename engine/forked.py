"""Run one function over many items on both CPU cores: forked worker processes, results in order.

``map_forked(fn, items, workers, shared)`` yields ``fn(shared, item)`` for every item, in input
order, as each one is ready (so the caller can store or report the earlier ones while the rest
are still being worked on). With ``workers`` > 1, more than one item and a platform that can
fork, the items go to a pool of forked processes; otherwise they run here, one after another.

The children are forked from this process, so ``fn`` and ``shared`` (a loaded model, the
settings of the run) reach them by inheritance, never by pickling: ``fn`` may be a closure.
Only the items and the results cross the process boundary. ``shared`` is kept for the children
while the pool lives and dropped after. Each run has its own slot, so two threads mapping at
once do not see each other's state.

An exception in ``fn`` reaches the caller with its own type and a note naming the item
(``name(item)``, or its position when no ``name`` is given: items may hold private text).
Stopping early (a cancelled job) closes the pool: wrap the iterator in ``contextlib.closing``
when an exception may leave it unfinished.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")

_runs: dict[int, tuple[Callable[[Any, Any], Any], Any, Callable[[Any], str] | None, int]] = {}
_ids = itertools.count()


def forks(workers: int, count: int) -> bool:
    """Whether ``map_forked`` with these ``workers`` and this many items uses worker processes."""
    return workers > 1 and count > 1 and "fork" in multiprocessing.get_all_start_methods()


def _call(fn: Callable[[S, T], R], shared: S, item: T, index: int, count: int,
          name: Callable[[T], str] | None) -> R:
    try:
        return fn(shared, item)
    except Exception as exc:
        exc.add_note(f"while working on {name(item) if name else f'item {index + 1} of {count}'}")
        raise


def _in_child(task: tuple[int, int, Any]) -> Any:
    run, index, item = task
    fn, shared, name, count = _runs[run]
    return _call(fn, shared, item, index, count, name)


def map_forked(fn: Callable[[S, T], R], items: Sequence[T], workers: int, shared: S,
               name: Callable[[T], str] | None = None) -> Generator[R, None, None]:
    """``fn(shared, item)`` for every item, in order; in ``workers`` forked processes where possible."""
    count = len(items)
    if not forks(workers, count):
        for index, item in enumerate(items):
            yield _call(fn, shared, item, index, count, name)
        return
    run = next(_ids)
    _runs[run] = (fn, shared, name, count)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_in_child, ((run, index, item) for index, item in enumerate(items)))
    finally:
        del _runs[run]
