"""Import throughput: pages per second for generated PDFs, documents per second for DOCX and TXT.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/import_throughput.py [--pdfs 200] [--docx 200] [--txt 200]

Builds a folder of realistic files first (not timed): multi-page PDFs with a real text layer,
rendered offline by Qt's PDF writer (reportlab is not installed; pypdf cannot lay out text), Word
files written with python-docx, and plain text. Then imports each folder into a fresh workspace
with ``ws.documents.import_files`` (what `airlock import` and the GUI run) and reports the rate,
reading files in one process (the GUI) and in two (`airlock import`'s default on 2 cores).
For comparison, the bare parse with pypdf / python-docx of the same files (text extraction only,
no database) is timed too, as a ratio. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "The supplier confirmed delivery of {n} units to the Berlin warehouse.",
    "Invoice {n} was paid in full by Maria Jensen on behalf of Northwind Ltd.",
    "Please contact john.miller{n}@example.com about the renewal of contract {n}.",
    "Our quarterly review found {n} open tickets, most about delayed shipments.",
    "The meeting with Anna Schmidt is moved to room {n} on the third floor.",
]


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES).format(n=rng.randint(100, 9999)) for _ in range(sentences))


def make_pdfs(folder: Path, count: int, rng: random.Random) -> int:
    from PySide6.QtGui import QGuiApplication, QPageSize, QPdfWriter, QTextDocument

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pages = 0
    for i in range(count):
        path = folder / f"report-{i:04d}.pdf"
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        doc = QTextDocument()
        body = "".join(f"<h2>Section {s + 1}</h2><p>{paragraph(rng, 12)}</p>" for s in range(rng.randint(4, 12)))
        doc.setHtml(f"<h1>Report {i}</h1>{body}")
        doc.print_(writer)
        del writer
        pages += doc.pageCount()
    del app
    return pages


def make_docx(folder: Path, count: int, rng: random.Random) -> None:
    import docx

    for i in range(count):
        d = docx.Document()
        d.add_heading(f"Memo {i}", level=1)
        for _ in range(rng.randint(3, 10)):
            d.add_paragraph(paragraph(rng, 6))
        d.save(str(folder / f"memo-{i:04d}.docx"))


def make_txt(folder: Path, count: int, rng: random.Random) -> None:
    for i in range(count):
        (folder / f"note-{i:04d}.txt").write_text("\n\n".join(paragraph(rng, 6) for _ in range(rng.randint(3, 10))))


def bare_parse(folder: Path) -> float:
    import io

    import docx
    import pypdf

    start = time.perf_counter()
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages)
        elif path.suffix == ".docx":
            "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        else:
            data.decode("utf-8")
    return time.perf_counter() - start


def import_folder(folder: Path, root: Path, workers: int) -> tuple[float, float, int, int]:
    """(wall s, CPU s of this process and its workers, documents, pages)."""
    from sqlalchemy import func, select

    from engine.store.models import Document
    from engine.workspace import Workspace

    with Workspace.create(root) as ws:
        start, cpu = time.perf_counter(), _cpu()
        report = ws.documents.import_files([folder], workers=workers)
        elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
        assert not report.errors, report.errors[:3]
        with ws.reader() as s:
            pages = s.scalar(select(func.coalesce(func.sum(Document.page_count), 0))) or 0
    return elapsed, cpu, len(report.imported), int(pages)


def _cpu() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=200)
    parser.add_argument("--docx", type=int, default=200)
    parser.add_argument("--txt", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from engine.offline import install_guard

    install_guard()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folders = {"pdf": base / "pdf", "docx": base / "docx", "txt": base / "txt"}
        for folder in folders.values():
            folder.mkdir()
        make_pdfs(folders["pdf"], args.pdfs, rng)
        make_docx(folders["docx"], args.docx, rng)
        make_txt(folders["txt"], args.txt, rng)
        print("| format | workers | files | pages | MB | import s | pages/s | docs/s | CPU s | pages or docs per CPU s "
              "| bare parse s | bare / import |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for fmt, folder in folders.items():
            if not any(folder.iterdir()):
                continue  # --txt 0 etc.
            size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            bare = bare_parse(folder)
            for workers in (1, 2):
                elapsed, cpu, docs, pages = import_folder(folder, base / f"ws-{fmt}-{workers}", workers)
                per_page = f"{pages / elapsed:.1f}" if pages else "—"
                print(f"| {fmt} | {workers} | {docs} | {pages or '—'} | {size:.1f} | {elapsed:.2f} | {per_page} | "
                      f"{docs / elapsed:.1f} | {cpu:.2f} | {(pages or docs) / cpu:.1f} | {bare:.2f} | "
                      f"{bare / elapsed:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
