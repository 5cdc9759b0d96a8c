"""The run comparison dialog: ticked runs drawn overlaid, settings that differ, final metrics and
evaluations; unticking below two clears it. Screenshot for a look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.qt import Qt
from desktop.training.run_comparison import RunComparisonDialog
from tests.engine.test_train_compare import stored_runs


def test_runs_side_by_side(qtbot: Any, styled_app: Any, workspace: Any, artifacts_dir: Path) -> None:
    a, b = stored_runs(workspace)["runs"]
    rows = workspace.training.runs(newest_first=True)
    dialog = RunComparisonDialog(workspace, rows, [a, b])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.view
    assert [s.name for s in view.chart.series()] == [f"#{a} loss", f"#{a} eval loss", f"#{b} loss",
                                                  f"#{b} eval loss"]
    assert view.chart.series()[1].markers and len(view.chart.series()[1].points) == 2
    assert [(r.name, r.values) for r in view.differences.rows()] == [("learning_rate", ("0.001", "0.0003"))]
    results = {r.name: r.values for r in view.results.rows()}
    assert results["accuracy on v1/test"] == ("0.9", "–") and results["last eval loss"] == ("0.7", "0.9")
    assert "max_steps 6" in view.shared.text()
    assert view.differences.model().headerData(1, Qt.Orientation.Horizontal) == f"run #{a}"
    view.tabs.setCurrentIndex(1)
    assert dialog.grab().save(str(artifacts_dir / "training-run-comparison.png"))
    dialog.picker.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert view.comparison is None and view.chart.series() == [] and view.results.rows() == []
