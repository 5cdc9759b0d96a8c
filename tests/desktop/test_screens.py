"""Every page on a filled workspace: it shows its data, and a screenshot is saved to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.audit.page import AuditPage
from desktop.console.page import ConsolePage
from desktop.datasets.page import DatasetsPage
from desktop.documents.page import DocumentsPage
from desktop.evaluation.page import EvaluationPage
from desktop.home.page import HomePage
from desktop.labelling.page import LabellingPage
from desktop.main_window import NAV_NAMES
from desktop.training.page import TrainingPage


def _check_home(page: HomePage, counts: Any) -> None:
    assert page.cards["documents"].value == str(counts.documents)
    assert page.cards["examples"].value == str(counts.examples)
    assert page.cards["training_runs"].value == str(counts.training_runs)
    assert page.cards["model_artifacts"].value == "3"
    assert int(page.cards["audit_events"].value) > 10


def _check_documents(page: DocumentsPage, counts: Any) -> None:
    assert page.table.row_count() == counts.documents
    shown = page.table.selected_row()
    assert shown is not None and page.doc_title.text() == shown.name
    page.table.selectRow([r.name for r in page.table.rows()].index("contracts/northwind-acme-agreement.pdf"))
    highlighted = page.text_view.highlighted_text()
    assert "Maria Jensen" in highlighted and "DE89 3704 0044 0532 0130 00" in highlighted


def _check_labelling(page: LabellingPage, counts: Any) -> None:
    assert page.task_picker.count() == 2 and page.task_picker.isVisibleTo(page)
    page.task_picker.setCurrentIndex(page.task_picker.findData(page.ws.tasks.find("Support ticket triage").id))
    assert page.model.total == counts.examples - 2
    rows = [page.model.row(i) for i in range(page.model.rowCount())]
    assert any(r.disagreement and set(r.labels) == {"complaint", "question"} for r in rows)
    assert page.panel.title.text() == f"Example #{rows[0].id}"  # the first example is open
    assert len(page.panel.editors["classification"].buttons) == 4


def _check_datasets(page: DatasetsPage, counts: Any) -> None:
    assert page.versions.row_count() == 1
    version = page.versions.rows()[0]
    assert version.split_counts == {"train": 6, "eval": 1, "test": 1, "golden": 2}
    assert page.rejections.row_count() == counts.rejections


def _check_training(page: TrainingPage, counts: Any) -> None:
    assert page.table.row_count() == counts.training_runs
    assert page.table.selected_row().status == "succeeded"
    series = {s.name: s for s in page.chart.series()}
    assert len(series["loss"].points) == counts.curve_points
    assert len(series["eval loss"].points) == 4


def _check_evaluation(page: EvaluationPage, counts: Any) -> None:
    model = page.table.table_model
    assert model.rowCount() == counts.evaluation_runs
    tokens_column = [c.title for c in model.columns].index("Tokens/s")
    shown = {model.data(model.index(r, 0)): model.data(model.index(r, tokens_column))
             for r in range(model.rowCount())}
    assert shown["triage-v1 Q8_0"] == "—"
    assert shown["triage-v1 Q4_K_M"] == "118.5"
    page.table.selectRow([r.model_label for r in page.table.rows()].index("triage-v1 Q4_K_M"))
    report = page.detail.toPlainText()
    assert "94.0%" in report and "prec" in report and "cancellation" in report  # per-class table, short headers


def _check_console(page: ConsolePage, counts: Any) -> None:
    assert page.models.row_count() == counts.gguf_models
    assert {r.kind for r in page.models.rows()} == {"gguf"}
    page.input.setPlainText("I was charged twice, please refund me.")
    assert page.classify_button.isEnabled()


def _check_audit(page: AuditPage, counts: Any) -> None:
    ws = page.ws
    assert page.table.row_count() == len(ws.audit.entries(limit=100000))
    seqs = [e.seq for e in page.table.rows()]
    assert seqs == sorted(seqs, reverse=True)


CHECKS = {"home": _check_home, "documents": _check_documents, "labelling": _check_labelling,
          "datasets": _check_datasets, "training": _check_training, "evaluation": _check_evaluation,
          "console": _check_console, "audit": _check_audit}


def test_every_page_screenshot(window: Any, filled: Any, qtbot: Any, artifacts_dir: Path) -> None:
    ws, counts = filled
    window.set_workspace(ws)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert list(window.pages) == list(CHECKS)
    for i, key in enumerate(window.pages):
        window.nav.setCurrentRow(i)
        page = window.current_page()
        assert page.key == key and window.nav.currentItem().text() == NAV_NAMES[i]
        qtbot.waitUntil(lambda: not window.runner.running(), timeout=60_000)  # slow reads are jobs
        assert not page.showing_empty_state
        assert page.banner.isHidden(), page.banner.text()
        CHECKS[key](page, counts)
        qtbot.wait(30)
        assert window.grab().save(str(screens / f"{key}.png"))
        assert (screens / f"{key}.png").stat().st_size > 10_000
