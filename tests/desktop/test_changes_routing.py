"""Jobs say what they changed and the window refreshes only the pages that show it: the visible one
at once, hidden ones when they are next shown (they are marked stale meanwhile)."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.changes import Changes


def _count_loads(window: Any) -> dict[str, list[int]]:
    loads: dict[str, list[int]] = {}
    for key, page in window.pages.items():
        loads[key] = counter = [0]
        page.loaded.connect(lambda c=counter: c.__setitem__(0, c[0] + 1))
    return loads


def _show(window: Any, key: str) -> None:
    window.nav.setCurrentRow(list(window.pages).index(key))


def test_changes_name_known_domains_only() -> None:
    assert Changes.of("examples") | Changes.of("audit") == Changes.of("audit", "examples")
    assert not Changes() and Changes.of("runs").touches(frozenset({"runs", "versions"}))
    assert not Changes.of("runs").touches(frozenset({"documents"}))
    with pytest.raises(ValueError, match=r"unknown domain.*predictions"):
        Changes.of("predictions")


def test_a_job_refreshes_the_pages_that_show_what_it_changed_and_no_other(window: Any, workspace: Any,
                                                                           qtbot: Any) -> None:
    from desktop.jobs import Job

    window.set_workspace(workspace)
    _show(window, "datasets")  # shows tasks
    qtbot.waitUntil(lambda: window.current_page().key == "datasets")
    loads = _count_loads(window)

    labels = [{"name": n, "description": n} for n in ("refund", "question")]
    job = Job(lambda ctx: workspace.tasks.create("triage", "classification", {"labels": labels},
                                                 "Classify.", "{input}"),
              "Creating a task", Changes.of("tasks", "audit")).run(window.runner)
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    assert job.state.value == "succeeded", job.error
    qtbot.waitUntil(lambda: loads["datasets"][0] == 1, timeout=5_000)  # visible and shows tasks: read again
    pages = window.pages
    assert {k for k, p in pages.items() if p.stale} == {"home", "labelling", "training", "console", "audit"}
    assert not pages["documents"].stale and not pages["evaluation"].stale  # they show no task and no audit
    assert all(n == 0 for k, (n,) in ((k, v) for k, v in loads.items()) if k != "datasets")  # hidden: no read

    _show(window, "labelling")  # a stale page reads as it is shown, and what it reads is the new task
    qtbot.waitUntil(lambda: loads["labelling"][0] >= 1, timeout=5_000)
    labelling = pages["labelling"]
    assert not labelling.stale
    picked = [labelling.task_picker.itemText(i) for i in range(labelling.task_picker.count())]
    assert picked == ["triage  (classification)"]

    read_only = Job(lambda ctx: workspace.tasks.all(), "Reading the tasks").run(window.runner)  # changes nothing
    qtbot.waitUntil(lambda: read_only.done, timeout=10_000)
    before = {k: v[0] for k, v in loads.items()}
    qtbot.wait(50)
    assert {k: v[0] for k, v in loads.items()} == before
    assert not pages["evaluation"].stale and not pages["documents"].stale


def test_a_page_s_own_write_reaches_the_other_pages(window: Any, workspace: Any, qtbot: Any) -> None:
    window.set_workspace(workspace)
    _show(window, "evaluation")
    qtbot.waitUntil(lambda: window.current_page().key == "evaluation")
    loads = _count_loads(window)
    evaluation = window.pages["evaluation"]
    evaluation.save_costs({"cloud.name": "Hosted API"})  # a settings write the page makes itself
    assert workspace.setting("cloud.name") == "Hosted API"
    assert loads["evaluation"][0] == 1  # it read again itself, and only once (the window skips the sender)
    stale = {k for k, p in window.pages.items() if p.stale}
    assert stale == {"home", "documents", "datasets", "audit"}  # those showing settings or the audit log
