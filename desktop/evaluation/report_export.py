"""The evaluation report: the runs compared with the selected one, as HTML with a PDF beside it.

Writing it compares every pair of runs again and draws the PDF, so it runs as a job; the Export
button waits until it ended, and the page's banner says where the files went.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop import dialogs
from desktop.changes import Changes
from desktop.jobs import Job
from desktop.qt import QFileDialog

if TYPE_CHECKING:
    from desktop.evaluation.page import EvaluationPage
    from engine.jobs import JobContext
    from engine.workspace import Workspace


def write_report(ws: Workspace, run_ids: list[int], path: Path, ctx: JobContext) -> tuple[Path, Path]:
    """The HTML report and its PDF (Qt's text engine draws into a PDF writer, off the GUI thread)."""
    from desktop.report_pdf import html_to_pdf

    html = ws.evaluation.report(run_ids, path.with_suffix(".html"), ctx.sub(0.0, 0.9))
    ctx.step(0.9, "drawing the PDF")
    return html, html_to_pdf(html, path.with_suffix(".pdf"))


class ReportExporter:
    def __init__(self, page: EvaluationPage) -> None:
        self.page = page
        self.job: Job[tuple[Path, Path]] | None = None

    def ask(self) -> None:
        page = self.page
        if page.ws is None or page.info is None:
            return
        path, _ = QFileDialog.getSaveFileName(page, "Export evaluation report", "evaluation-report.html",
                                              "HTML report (*.html)")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> Job[tuple[Path, Path]] | None:
        page = self.page
        if page.ws is None or page.info is None or (self.job is not None and not self.job.done):
            return None
        ws = page.ws
        ids = [r.id for r in page.comparison.rows() if r.id is not None] or [page.info.id]
        page.export_button.setEnabled(False)
        page.show_banner(f"Writing the report to {path.with_suffix('.html').name}…", "info")
        self.job = (Job(lambda ctx: write_report(ws, ids, path, ctx), "Exporting the evaluation report",
                        Changes.of("audit"))
                    .on_success(lambda out: page.show_banner(f"Report written: {out[0]} and {out[1].name}", "info"))
                    .on_failure(self._failed)
                    .on_finished(lambda _job: page.export_button.setEnabled(True)))
        return self.job.run(page.runner)

    def _failed(self, exc: BaseException) -> None:
        self.page.show_banner(None)
        dialogs.show_error(self.page, "Could not export the report", str(exc) or type(exc).__name__)
