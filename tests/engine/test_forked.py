"""The shared fork pool (engine.forked): order kept, the in-process fallback, errors naming the item."""

from __future__ import annotations

import multiprocessing
import os
import threading
from contextlib import closing

import pytest

from engine import forked
from engine.forked import forks, map_forked

FORKING = "fork" in multiprocessing.get_all_start_methods()


def _scaled(factor: int, item: int) -> tuple[int, int]:
    return item * factor, os.getpid()


def test_results_come_back_in_input_order_from_forked_workers() -> None:
    if not FORKING:
        pytest.skip("this platform cannot fork")
    items = list(range(40))
    done = list(map_forked(_scaled, items, 2, 3))
    assert [value for value, _pid in done] == [i * 3 for i in items]
    assert os.getpid() not in {pid for _value, pid in done}  # worked on in the children
    assert forked._runs == {}  # the shared state is dropped once the pool is done


def test_the_shared_state_reaches_the_children_by_inheritance_not_pickling() -> None:
    if not FORKING:
        pytest.skip("this platform cannot fork")
    unpicklable = {"scale": 5, "lock": threading.Lock()}
    done = list(map_forked(lambda shared, item: item * shared["scale"], [1, 2, 3], 2, unpicklable))
    assert done == [5, 10, 15]


@pytest.mark.parametrize(("workers", "items"), [(1, [1, 2, 3]), (2, [7]), (0, [1, 2])])
def test_one_worker_or_one_item_runs_here(workers: int, items: list[int]) -> None:
    assert not forks(workers, len(items))
    done = list(map_forked(_scaled, items, workers, 2))
    assert done == [(i * 2, os.getpid()) for i in items]


def _fails_on_three(_shared: None, item: int) -> int:
    if item == 3:
        raise ValueError("three is not allowed")
    return item


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_names_the_item_and_reaches_the_caller(workers: int) -> None:
    with pytest.raises(ValueError, match="three is not allowed") as raised:
        list(map_forked(_fails_on_three, [1, 2, 3, 4], workers, None, name=lambda i: f"number {i}"))
    assert raised.value.__notes__ == ["while working on number 3"]
    assert forked._runs == {}


def test_without_a_name_the_note_gives_the_position_not_the_item() -> None:
    with pytest.raises(ValueError) as raised:
        list(map_forked(_fails_on_three, [1, 2, 3, 4], 2, None))
    assert raised.value.__notes__ == ["while working on item 3 of 4"]


def test_stopping_early_closes_the_pool() -> None:
    results = map_forked(_scaled, list(range(20)), 2, 1)
    with closing(results):
        assert next(results)[0] == 0
    assert forked._runs == {}
