"""The labelling page on 100,000 examples: first paint, scrolling, and key press → next example.

    .venv/bin/python bench/labelling_ui.py [--examples 100000] [--presses 200] [--scrolls 60]

Builds a workspace with one classification task of N examples (a third labelled, a few
double-labelled), then, offscreen unless a display is set:

- first paint: page created, workspace set, task listed and the first example shown, painted;
- page scroll: the list moved down by one screenful and painted (the lazy model reads the next
  page from SQLite whenever the view reaches the end of what is loaded);
- key → next: "2" then Enter on an unlabelled example until the next example is painted (the
  label and its audit event are committed first).

Each is compared with the bare libraries doing the least the same screen needs: a QTableView
over all N rows read by one sqlite3 SELECT (first paint, scroll), and a raw sqlite3 INSERT +
commit + SELECT of the next text into a QPlainTextEdit (key → next).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LABELS = ("refund", "complaint", "question", "cancellation")
# PySide6 6.12.0 on Python 3.11 drops one reference to None on every call of a void Qt method (it
# returns None without taking a reference, as if None were immortal as in 3.12+); after about
# sys.getrefcount(None) such calls the process aborts with "none_dealloc". Holding extra references
# keeps this benchmark (hundreds of thousands of calls) alive; see BENCHMARKS.md.
NONE_RESERVE = [None] * 5_000_000


def build_workspace(root: Path, n: int) -> object:
    from sqlalchemy import insert, select

    from engine.store import models as m
    from engine.workspace import Workspace

    ws = Workspace.create(root)
    task = ws.tasks.create("triage", "classification",
                           {"labels": [{"name": x, "description": f"{x} requests"} for x in LABELS]},
                           "Classify the ticket.", "{input}")
    t0 = datetime(2026, 1, 1)
    body = ("Hello, I ordered a replacement part last week and the parcel has not arrived yet. "
            "Could you check where it is and tell me when it will be delivered? ") * 3
    with ws.unit() as s:
        s.execute(insert(m.Example), [{"task_id": task.id, "origin": "import", "created_at": t0,
                                       "input_text": f"Ticket {i}. {body}", "flagged": i % 97 == 0,
                                       "is_golden": i % 101 == 0, "is_ood": i % 103 == 0}
                                      for i in range(n)])
        ids = list(s.scalars(select(m.Example.id).order_by(m.Example.id)))
        labels = [{"example_id": ex, "annotator": "tester", "value": LABELS[i % 4], "created_at": t0}
                  for i, ex in enumerate(ids) if i % 3 == 1]
        labels += [{"example_id": ex, "annotator": "alice", "value": LABELS[(i + i // 30) % 4], "created_at": t0}
                   for i, ex in enumerate(ids) if i % 3 == 1 and i % 10 == 1]
        s.execute(insert(m.Label), labels)
    return ws


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * 0.95))] * 1000


def bench_page(app: object, ws: object, presses: int, scrolls: int) -> dict[str, float]:
    from PySide6.QtTest import QTest

    from desktop.app import configure
    from desktop.jobs import JobRunner
    from desktop.labelling.page import LabellingPage
    from desktop.qt import Qt

    configure(app)  # type: ignore[arg-type]
    runner = JobRunner()
    start = time.perf_counter()
    page = LabellingPage(runner)
    page.resize(1280, 800)
    page.show()
    page.set_workspace(ws)  # type: ignore[arg-type]
    page.repaint()
    first_paint = time.perf_counter() - start
    assert page.model.total > 0 and page.current_example_id() is not None

    bar = page.table.verticalScrollBar()
    scroll_times = []
    for _ in range(scrolls):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        app.processEvents()  # type: ignore[attr-defined]
        scroll_times.append(time.perf_counter() - t)
    loaded_after_scroll = page.model.rowCount()

    page.filter_box.setCurrentIndex(page.filter_box.findData("unlabelled"))
    page.activateWindow()
    page.table.setFocus()
    key_times, key_cpu, store_times = [], [], []
    tasks = ws.tasks  # type: ignore[attr-defined]
    set_label = tasks.set_label

    def timed_set_label(*args: object, **kwargs: object) -> None:
        t = time.perf_counter()
        set_label(*args, **kwargs)
        store_times.append(time.perf_counter() - t)

    tasks.set_label = timed_set_label  # the engine's share of each press, measured separately
    for _ in range(presses):
        shown = page.current_example_id()
        QTest.keyClick(page.table, Qt.Key.Key_2)
        t, c = time.perf_counter(), time.process_time()
        QTest.keyClick(page.table, Qt.Key.Key_Return)
        app.processEvents()  # type: ignore[attr-defined]
        key_times.append(time.perf_counter() - t)
        key_cpu.append(time.process_time() - c)
        assert page.current_example_id() != shown, "Enter did not move to the next example"
    tasks.set_label = set_label
    runner.shutdown(5)
    page.close()
    return {"first_paint": first_paint * 1000, "scroll_median": median_ms(scroll_times),
            "scroll_p95": p95_ms(scroll_times), "loaded_after_scroll": loaded_after_scroll,
            "key_median": median_ms(key_times), "key_p95": p95_ms(key_times), "key_max": max(key_times) * 1000,
            "key_cpu_median": median_ms(key_cpu), "store_median": median_ms(store_times)}


def bench_bare(app: object, db: Path, task_id: int, presses: int, scrolls: int) -> dict[str, float]:
    from desktop.qt import QAbstractTableModel, QModelIndex, QPlainTextEdit, Qt, QTableView

    class Rows(QAbstractTableModel):
        def __init__(self, rows: list[tuple[int, str]]) -> None:
            super().__init__()
            self.rows = rows

        def rowCount(self, parent: object = QModelIndex()) -> int:
            return len(self.rows)

        def columnCount(self, parent: object = QModelIndex()) -> int:
            return 2

        def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
            return str(self.rows[index.row()][index.column()]) if role == Qt.ItemDataRole.DisplayRole else None

    start = time.perf_counter()
    con = sqlite3.connect(str(db))
    rows = con.execute("SELECT id, substr(input_text, 1, 140) FROM examples WHERE task_id = ? ORDER BY id",
                       (task_id,)).fetchall()
    view = QTableView()
    view.setModel(Rows(rows))
    view.resize(700, 700)
    view.show()
    view.repaint()
    first_paint = time.perf_counter() - start
    bar = view.verticalScrollBar()
    scroll_times = []
    for _ in range(scrolls):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        app.processEvents()  # type: ignore[attr-defined]
        scroll_times.append(time.perf_counter() - t)
    editor = QPlainTextEdit()
    editor.resize(600, 300)
    editor.show()
    todo = [r[0] for r in con.execute("SELECT id FROM examples WHERE task_id = ? AND id NOT IN "
                                      "(SELECT example_id FROM labels) ORDER BY id LIMIT ?", (task_id, presses + 1))]
    key_times, key_cpu = [], []
    for ex, nxt in itertools.pairwise(todo):
        t, c = time.perf_counter(), time.process_time()
        con.execute("INSERT INTO labels (example_id, annotator, value, created_at) VALUES (?, 'bare', 'b', ?)",
                    (ex, "2026-01-01 00:00:00"))
        con.commit()
        editor.setPlainText(con.execute("SELECT input_text FROM examples WHERE id = ?", (nxt,)).fetchone()[0])
        app.processEvents()  # type: ignore[attr-defined]
        key_times.append(time.perf_counter() - t)
        key_cpu.append(time.process_time() - c)
    con.close()
    view.close()
    editor.close()
    return {"first_paint": first_paint * 1000, "scroll_median": median_ms(scroll_times),
            "key_median": median_ms(key_times), "key_p95": p95_ms(key_times), "key_cpu_median": median_ms(key_cpu)}


FILTER_SQL = {"flagged": "flagged = 1", "golden": "is_golden = 1", "ood": "is_ood = 1",
              "unlabelled": "NOT EXISTS (SELECT 1 FROM labels WHERE labels.example_id = examples.id)"}


def bench_filters(ws: object, db_path: Path, task_id: int, repeats: int = 5) -> dict[str, tuple[float, float, int]]:
    """Filter -> (ms for browse.count + its first page, ms for the bare sqlite3 COUNT + first page, rows)."""
    from engine.tasks import browse

    con = sqlite3.connect(db_path)
    out: dict[str, tuple[float, float, int]] = {}
    for kind, where in FILTER_SQL.items():
        flt = browse.ExampleFilter(task_id, kind, annotator="tester")
        ours, bare = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            n = ws.tasks.count_examples(flt)  # type: ignore[arg-type]
            ws.tasks.example_page(flt, limit=200)  # type: ignore[arg-type]
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            con.execute(f"SELECT count(*) FROM examples WHERE task_id = ? AND {where}", (task_id,)).fetchone()
            con.execute(f"SELECT id, substr(input_text, 1, 420) FROM examples WHERE task_id = ? AND {where} "
                        "ORDER BY id LIMIT 200", (task_id,)).fetchall()
            bare.append(time.perf_counter() - t)
        out[kind] = (median_ms(ours), median_ms(bare), n)
    con.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--scrolls", type=int, default=60)
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]  # other work on the machine inflates every wall time here

    from engine import offline

    offline.install_guard()
    from desktop.qt import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        ws = build_workspace(Path(tmp) / "ws", args.examples)
        print(f"built a workspace of {args.examples:,} examples in {time.perf_counter() - t:.1f} s")
        task_id = ws.tasks.find("triage").id  # type: ignore[attr-defined]
        filters = bench_filters(ws, ws.db_path, task_id)  # type: ignore[attr-defined]
        ours = bench_page(app, ws, args.presses, args.scrolls)
        bare = bench_bare(app, ws.db_path, task_id, args.presses, args.scrolls)  # type: ignore[attr-defined]
        with sqlite3.connect(ws.db_path) as con:  # type: ignore[attr-defined]
            for name in ("ix_examples_task_flagged", "ix_examples_task_golden", "ix_examples_task_ood"):
                con.execute(f"DROP INDEX {name}")
        unindexed = bench_filters(ws, ws.db_path, task_id)  # type: ignore[attr-defined]
        ws.close()  # type: ignore[attr-defined]
    print("| what | Airlock | bare Qt + sqlite3 | ratio |\n|---|---|---|---|")
    for key, name in (("first_paint", "first paint (ms)"), ("scroll_median", "page scroll, median (ms)"),
                      ("key_median", "key press → next example, median (ms)"),
                      ("key_p95", "key press → next example, p95 (ms)"),
                      ("key_cpu_median", "key press → next example, CPU time, median (ms)")):
        print(f"| {name} | {ours[key]:.1f} | {bare[key]:.1f} | {ours[key] / bare[key]:.2f} |")
    print("\n| filter (count + first page of 200) | rows | Airlock (ms) | bare sqlite3 (ms) | ratio "
          "| Airlock without the 0003 indexes (ms) |\n|---|---|---|---|---|---|")
    for kind, (o, b, n) in filters.items():
        print(f"| {kind} | {n:,} | {o:.1f} | {b:.1f} | {o / b:.2f} | {unindexed[kind][0]:.1f} |")
    print(f"\nscroll p95 {ours['scroll_p95']:.1f} ms; rows loaded after {args.scrolls} page scrolls: "
          f"{ours['loaded_after_scroll']:,} of {args.examples:,}; key → next max {ours['key_max']:.1f} ms; "
          f"of a press, ws.tasks.set_label (label + audit event, committed) took {ours['store_median']:.1f} ms "
          f"(median); load average at the start: {load_at_start:.1f}",
          flush=True)
    os._exit(0)  # skip interpreter teardown: PySide6 can crash collecting widgets at exit


if __name__ == "__main__":
    main()
