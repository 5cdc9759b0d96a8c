"""Document import: every format from real files built here, and every kind of bad input.

A bad file is reported with its name and the reason, never aborts the batch and
never leaves part of itself behind; the good files beside it are imported.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pypdf
import pytest
from sqlalchemy import func, select

from engine.documents.readers import read_file
from engine.documents.service import ImportReport
from engine.documents.sources import DEFAULT_MAX_IMPORT_MB, MB, size_limit
from engine.errors import AirlockError
from engine.jobs import Cancelled, JobContext
from engine.store.models import AuditEvent, Document
from engine.workspace import Workspace

# -- building real files ---------------------------------------------------------------


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A valid PDF written by hand: one text line per entry, Helvetica, a correct xref table."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 14 TL 72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objects)))
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def rewritten_pdf(build: Callable[[pypdf.PdfWriter], object], source: bytes | None = None) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(source)) if source else pypdf.PdfWriter()
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    return rewritten_pdf(lambda w: w.encrypt(user_password=user_password, owner_password="owner",
                                             algorithm="RC4-128"), pdf_bytes([["Quarterly salary list"]]))


def scanned_pdf() -> bytes:
    return rewritten_pdf(lambda w: w.add_blank_page(612, 792))


def docx_bytes(build: Callable[[docx.document.Document], object]) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def simple_docx(text: str = "Maria Jensen starts on Monday.") -> bytes:
    return docx_bytes(lambda d: d.add_paragraph(text))


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def documents(ws: Workspace) -> list[Document]:
    with ws.reader() as s:
        rows = list(s.scalars(select(Document).order_by(Document.id)))
        s.expunge_all()
        return rows


def document_count(ws: Workspace) -> int:
    with ws.reader() as s:
        return s.scalar(select(func.count()).select_from(Document)) or 0


def only_error_about(report: ImportReport, path: Path) -> str:
    assert len(report.errors) == 1, report.errors
    assert report.errors[0].startswith(f"{path}: "), report.errors
    return report.errors[0]


# -- each format -----------------------------------------------------------------------


def test_pdf_text_layer_with_page_count_and_sha(workspace: Workspace, tmp_path: Path) -> None:
    data = pdf_bytes([["Invoice 4471 (paid in full)", "Customer: Maria Jensen"], ["Page two: Berlin office"],
                      ["Page three"]])
    assert "Maria Jensen" in pypdf.PdfReader(io.BytesIO(data), strict=True).pages[0].extract_text()
    path = write(tmp_path, "invoice.pdf", data)
    report = workspace.documents.import_files([path])
    assert report.errors == [] and len(report.imported) == 1
    (doc,) = documents(workspace)
    assert (doc.source_name, doc.format, doc.page_count, doc.size_bytes) == ("invoice.pdf", "pdf", 3, len(data))
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.original_text is not None
    for words in ("Invoice 4471 (paid in full)", "Customer: Maria Jensen", "Page two: Berlin office", "Page three"):
        assert words in doc.original_text
    assert doc.original_text.index("Maria") < doc.original_text.index("Berlin") < doc.original_text.index("three")


def test_pdf_with_an_empty_user_password_opens(tmp_path: Path) -> None:
    """Encryption that only restricts editing (no password to open) is no reason to refuse."""
    fmt, (record,) = read_file(tmp_path / "restricted.pdf", encrypted_pdf(""))
    assert fmt == "pdf" and "Quarterly salary list" in record.text


def test_docx_paragraphs_and_table_cells_in_order(workspace: Workspace, tmp_path: Path) -> None:
    def build(d: docx.document.Document) -> None:
        d.add_heading("Onboarding notes", 1)
        d.add_paragraph("Maria Jensen starts on Monday.")
        table = d.add_table(rows=3, cols=3)
        for r, row in enumerate([("Name", "Phone", "Desk"), ("Jonas Weber", "+49 151 4556 9479", "B-12"),
                                 ("Lena Fischer", "+49 170 1234 5678", "")]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        table.cell(1, 2).merge(table.cell(2, 2))  # one desk shared by two people: read once
        table.cell(2, 0).add_table(rows=1, cols=1).cell(0, 0).text = "nested note"
        d.add_paragraph("After the table.")

    data = docx_bytes(build)
    path = write(tmp_path, "hr/onboarding.docx", data)
    report = workspace.documents.import_files([path])
    assert report.errors == []
    (doc,) = documents(workspace)
    assert (doc.format, doc.page_count, doc.sha256) == ("docx", None, hashlib.sha256(data).hexdigest())
    assert doc.original_text is not None
    lines = doc.original_text.split("\n")
    assert lines[:3] == ["Onboarding notes", "Maria Jensen starts on Monday.", "Name\tPhone\tDesk"]
    assert lines[3] == "Jonas Weber\t+49 151 4556 9479\tB-12"
    assert lines[4] == "Lena Fischer nested note\t+49 170 1234 5678"
    assert lines[5:] == ["After the table."]
    assert doc.original_text.count("B-12") == 1


def test_html_visible_text_only(workspace: Workspace, tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><title>Portal</title>
      <style>p { color: red }</style>
      <script>var secret = "<p>not text</p>";</script></head>
      <body><h1>Hello &amp; welcome</h1><p>Caf&eacute; <b>bold</b>
         and   spaced&nbsp;text</p><div>Contact: <a href="mailto:x@y.example">Jonas&#32;Weber</a></div>
      <ul><li>first</li><li>second</li></ul>
      <table><tr><th>Name</th><th>Room</th></tr><tr><td>Lena</td><td>4.12</td></tr></table>
      <noscript>enable scripts</noscript>
      <pre>  kept
    as is</pre>line<br>break<br/>again</body></html>"""
    path = write(tmp_path, "portal.html", page)
    assert workspace.documents.import_files([path]).errors == []
    (doc,) = documents(workspace)
    assert doc.format == "html"
    assert doc.original_text == ("Hello & welcome\nCafé bold and spaced text\nContact: Jonas Weber\n"
                                 "first\nsecond\nName\tRoom\nLena\t4.12\n  kept\n    as is\nline\nbreak\nagain")


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    page = b'<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 \x80 5</p></body></html>'
    _fmt, (record,) = read_file(tmp_path / "legacy.htm", page)
    assert record.text == "Café € 5"


def test_plain_text_markdown_and_utf16(workspace: Workspace, tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.txt", "Ölpumpe defekt – bitte prüfen.\n")
    readme = write(tmp_path, "README.md", "# Title\n\nSome *markdown* text.\n")
    windows = write(tmp_path, "windows.txt", "Saved by Notepad as Unicode".encode("utf-16"))
    bom = write(tmp_path, "bom.txt", b"\xef\xbb\xbfWith a byte order mark")
    report = workspace.documents.import_files([notes, readme, windows, bom])
    assert report.errors == []
    assert [(d.format, d.original_text) for d in documents(workspace)] == [
        ("txt", "Ölpumpe defekt – bitte prüfen.\n"), ("md", "# Title\n\nSome *markdown* text.\n"),
        ("txt", "Saved by Notepad as Unicode"), ("txt", "With a byte order mark")]


def test_csv_one_document_per_row_with_chosen_columns(workspace: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "exports/feedback.csv",
                 'id,body,category,label\n'
                 '1,"The press leaks oil, again",hydraulic,ignored\n'
                 '2,,electrical,x\n'
                 '3,"Two lines\nin one cell",electrical,y\n'
                 '4,No category given,,z\n')
    report = workspace.documents.import_files([path], text_field="body", label_field="category")
    assert report.errors == [] and len(report.imported) == 3  # the row with no text is left out
    docs = documents(workspace)
    assert [(d.source_name, d.original_text, d.source_label, d.format) for d in docs] == [
        ("feedback.csv#2", "The press leaks oil, again", "hydraulic", "csv"),
        ("feedback.csv#4", "Two lines\nin one cell", "electrical", "csv"),
        ("feedback.csv#5", "No category given", None, "csv")]
    assert docs[0].sha256 == hashlib.sha256(b"The press leaks oil, again").hexdigest()


def test_csv_label_column_is_optional_and_semicolons_work(tmp_path: Path) -> None:
    _fmt, records = read_file(tmp_path / "eu.csv", b"text;label\nErster Text;a\nZweiter Text;b\n")
    assert [(r.text, r.label) for r in records] == [("Erster Text", "a"), ("Zweiter Text", "b")]
    _fmt, records = read_file(tmp_path / "bare.csv", b"text\nonly text\n")
    assert [(r.text, r.label) for r in records] == [("only text", None)]


@pytest.mark.parametrize(("text_field", "label_field", "reason"), [
    ("message", None, "no text column named 'message' (columns: 'id', 'body', 'category')"),
    ("body", "label", "no label column named 'label' (columns: 'id', 'body', 'category')"),
])
def test_csv_missing_column_names_the_file_and_lists_the_columns(
        workspace: Workspace, tmp_path: Path, text_field: str, label_field: str | None, reason: str) -> None:
    path = write(tmp_path, "feedback.csv", "id,body,category\n1,some text,a\n")
    good = write(tmp_path, "good.txt", "a good file")
    report = workspace.documents.import_files([path, good], text_field=text_field, label_field=label_field)
    assert only_error_about(report, path) == f"{path}: {reason}"
    assert document_count(workspace) == 1


def test_jsonl_rows_and_a_broken_line_imports_nothing_of_that_file(workspace: Workspace, tmp_path: Path) -> None:
    rows = write(tmp_path, "rows.jsonl", '{"id": "A-1", "text": "first", "label": "x"}\n\n{"text": "second"}\n')
    broken = write(tmp_path, "broken.jsonl", '{"text": "would be fine"}\n{"text": oops}\n')
    report = workspace.documents.import_files([rows, broken])
    assert "line 2 is not JSON" in only_error_about(report, broken)
    assert [(d.source_name, d.original_text, d.source_label) for d in documents(workspace)] == [
        ("A-1", "first", "x"), ("rows.jsonl#3", "second", None)]


def test_jsonl_explicit_label_field_must_exist(workspace: Workspace, tmp_path: Path) -> None:
    rows = write(tmp_path, "rows.jsonl", '{"text": "first", "label": "x"}\n')
    report = workspace.documents.import_files([rows], label_field="category")
    assert "no line has the label field 'category' (fields: 'label', 'text')" in only_error_about(report, rows)
    assert document_count(workspace) == 0


# -- bad input -------------------------------------------------------------------------

NOT_A_DOCX = zip_bytes({"notes.txt": "just a zip", "data.bin": "\x00\x01"})
WORKBOOK = zip_bytes({"[Content_Types].xml": '<Types><Override PartName="/xl/workbook.xml" ContentType='
                                             '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
                                             '+xml"/></Types>', "xl/workbook.xml": "<workbook/>"})

BAD_FILES: list[tuple[str, Callable[[], bytes], str]] = [
    ("locked.pdf", lambda: encrypted_pdf("secret"), "encrypted PDF (password protected)"),
    ("corrupt.pdf", lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R\ngarbage garbage\n", "corrupt PDF"),
    ("truncated.pdf", lambda: pdf_bytes([["cut off mid-file"]])[:150], "corrupt PDF"),
    ("scan.pdf", scanned_pdf, "no text layer (scanned image?)"),
    ("text.pdf", lambda: b"plain text saved with a .pdf name", "not a PDF file (it does not start with %PDF-)"),
    ("junk.docx", lambda: NOT_A_DOCX, "a zip archive, not a Word document"),
    ("sheet.docx", lambda: WORKBOOK, "an Excel workbook, not a Word document"),
    ("plain.docx", lambda: b"not a zip at all", "not a Word document (a .docx file is a zip archive; this one is not)"),
    ("truncated.docx", lambda: simple_docx()[:400], "corrupt Word document"),
    ("legacy.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
     "a legacy Word (.doc) or password-protected"),
    ("blank.docx", lambda: docx_bytes(lambda d: None), "the Word document has no text"),
    ("empty.txt", lambda: b"", "the file is empty"),
    ("spaces.md", lambda: b"  \n\n \t", "the file is empty"),
    ("empty.pdf", lambda: b"", "the file is empty"),
    ("image.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data, not text"),
    ("archive.txt", lambda: NOT_A_DOCX, "a zip archive, not a Word document"),
    ("latin1.txt", lambda: "Überweisung an Müller".encode("latin-1"), "not valid UTF-8 text (byte 0, line 1)"),
    ("latin1.csv", lambda: "text\nGrüße\n".encode("latin-1"), "not valid UTF-8 text (byte 7, line 2)"),
    ("scripts.html", lambda: b"<script>alert(1)</script><style>p{}</style>", "no visible text in the HTML page"),
    ("photo.jpeg", lambda: b"\xff\xd8\xff\xe0 jpeg", "unsupported format .jpeg"),
    ("header-only.csv", lambda: b"text,label\n", "no row has text in column 'text'"),
]


@pytest.mark.parametrize(("name", "make", "reason"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_is_named_with_its_reason_and_the_batch_goes_on(
        workspace: Workspace, tmp_path: Path, name: str, make: Callable[[], bytes], reason: str) -> None:
    before = write(tmp_path, "before.txt", "imported before the bad file")
    bad = write(tmp_path, name, make())
    after = write(tmp_path, "after.pdf", pdf_bytes([["imported after the bad file"]]))
    report = workspace.documents.import_files([before, bad, after])
    assert reason in only_error_about(report, bad)
    assert len(report.imported) == 2 and document_count(workspace) == 2
    assert [d.source_name for d in documents(workspace)] == ["before.txt", "after.pdf"]


def test_all_bad_files_in_one_folder(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    for name, make, _reason in BAD_FILES:
        write(folder, name, make())
    write(folder, "good/report.pdf", pdf_bytes([["a good report"]]))
    write(folder, "good/memo.docx", simple_docx("a good memo"))
    report = workspace.documents.import_files([folder])
    assert len(report.errors) == len(BAD_FILES)
    for name, _make, reason in BAD_FILES:
        assert any(e.startswith(f"{folder / name}: ") and reason in e for e in report.errors), name
    assert sorted(d.source_name for d in documents(workspace)) == ["good/memo.docx", "good/report.pdf"]


def test_broken_link_missing_and_unreadable_files(workspace: Workspace, tmp_path: Path) -> None:
    broken = tmp_path / "moved.pdf"
    broken.symlink_to(tmp_path / "nowhere.pdf")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    unreadable = tmp_path / "report.txt"
    unreadable.symlink_to("/proc/self/mem")  # stat says a regular file; reading it fails with EIO, even as root
    missing = tmp_path / "gone.txt"
    good = write(tmp_path, "good.txt", "still imported")
    report = workspace.documents.import_files([broken, loop, unreadable, missing, good])
    assert report.errors[0] == f"{broken}: broken link (points to {tmp_path / 'nowhere.pdf'}, which does not exist)"
    assert report.errors[1].startswith(f"{loop}: broken link")
    assert report.errors[2].startswith(f"{unreadable}: cannot be read (")
    assert report.errors[3] == f"{missing}: no such file"
    assert len(report.errors) == 4 and document_count(workspace) == 1


def test_a_special_file_is_not_read(workspace: Workspace, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it would block the import forever
    report = workspace.documents.import_files([fifo])
    assert only_error_about(report, fifo) == f"{fifo}: not a regular file"


def test_the_size_limit_is_the_workspace_setting(workspace: Workspace, tmp_path: Path) -> None:
    assert size_limit(None) == DEFAULT_MAX_IMPORT_MB * MB == 50 * MB
    workspace.set_setting("max_import_mb", "0.01")  # 10,485 bytes
    large = write(tmp_path, "large.txt", "x" * 20_000)
    small = write(tmp_path, "small.txt", "y" * 5_000)
    report = workspace.documents.import_files([large, small])
    assert only_error_about(report, large) == (
        f"{large}: too large (20000 bytes; the limit is 10485 bytes, workspace setting max_import_mb)")
    assert document_count(workspace) == 1
    workspace.set_setting("max_import_mb", "lots")
    with pytest.raises(AirlockError, match="max_import_mb must be a positive number of megabytes, not 'lots'"):
        workspace.documents.import_files([small])


def test_the_content_decides_over_a_wrong_extension(workspace: Workspace, tmp_path: Path) -> None:
    """A PDF named .docx is read as the PDF it is (and a DOCX named .pdf as a DOCX); format says what it was."""
    pdf_as_docx = write(tmp_path, "contract.docx", pdf_bytes([["A PDF in disguise"]]))
    docx_as_pdf = write(tmp_path, "memo.pdf", simple_docx("A Word file in disguise"))
    pdf_as_txt = write(tmp_path, "scan.txt", pdf_bytes([["Named as text"]]))
    report = workspace.documents.import_files([pdf_as_docx, docx_as_pdf, pdf_as_txt])
    assert report.errors == []
    assert [(d.source_name, d.format, d.page_count, d.original_text) for d in documents(workspace)] == [
        ("contract.docx", "pdf", 1, "A PDF in disguise"), ("memo.pdf", "docx", None, "A Word file in disguise"),
        ("scan.txt", "pdf", 1, "Named as text")]


def test_a_file_name_that_is_not_utf8_is_imported(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"caf\xe9.txt")
    path.write_text("a note from the café")
    report = workspace.documents.import_files([path])
    assert report.errors == []
    assert [d.source_name for d in documents(workspace)] == ["caf\ufffd.txt"]


# -- duplicates, folders, cancel -------------------------------------------------------


def test_identical_bytes_are_reported_as_duplicates_not_stored_twice(workspace: Workspace, tmp_path: Path) -> None:
    data = pdf_bytes([["the same contract"]])
    first = write(tmp_path, "contract.pdf", data)
    copy = write(tmp_path, "copies/contract (1).pdf", data)
    rows = write(tmp_path, "rows.csv", "text\nrow one\nrow two\nrow one\n")
    report = workspace.documents.import_files([first, copy, first, rows])
    assert report.errors == [] and len(report.imported) == 3
    assert report.duplicates == [
        "contract (1).pdf: same content as document 1 (contract.pdf), not imported again",
        "contract.pdf: same content as document 1 (contract.pdf), not imported again",
        "rows.csv#4: same content as document 2 (rows.csv#2), not imported again"]
    again = workspace.documents.import_files([rows])
    assert again.imported == [] and len(again.duplicates) == 3
    assert document_count(workspace) == 3
    with workspace.reader() as s:
        imports = s.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "documents.imported"))
    assert imports == 2  # nothing was imported the second time, so nothing to audit


def test_a_folder_is_walked_recursively(workspace: Workspace, tmp_path: Path) -> None:
    root = tmp_path / "team"
    write(root, "contracts/2025/northwind.pdf", pdf_bytes([["Agreement"], ["Signatures"]]))
    write(root, "hr/onboarding.docx", simple_docx("Welcome aboard"))
    write(root, "web/faq.htm", "<p>Questions</p>")
    write(root, "notes/todo.md", "- call the supplier")
    write(root, "exports/tickets.jsonl", '{"text": "ticket one"}\n{"text": "ticket two"}\n')
    write(root, "exports/feedback.csv", "text\nfeedback one\n")
    write(root, ".git/config", "[core]")  # hidden: not a document
    write(root, "notes/.DS_Store", b"\x00\x00\x00\x01Bud1")
    write(root, "images/logo.png", b"\x89PNG\r\n")
    (root / "notes" / "stale.txt").symlink_to(root / "notes" / "deleted.txt")
    (root / "shortcut").symlink_to(root / "hr")
    report = workspace.documents.import_files([root])
    assert sorted(report.errors) == sorted([
        f"{root / 'images/logo.png'}: unsupported format .png",
        f"{root / 'notes/stale.txt'}: broken link (points to {root / 'notes/deleted.txt'}, which does not exist)",
        f"{root / 'shortcut'}: a link to a folder (not followed)"])
    assert [(d.source_name, d.format, d.page_count) for d in documents(workspace)] == [
        ("contracts/2025/northwind.pdf", "pdf", 2), ("exports/feedback.csv#2", "csv", None),
        ("exports/tickets.jsonl#1", "jsonl", None), ("exports/tickets.jsonl#2", "jsonl", None),
        ("hr/onboarding.docx", "docx", None), ("notes/todo.md", "md", None), ("web/faq.htm", "html", None)]


def test_an_empty_folder_is_reported(workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    report = workspace.documents.import_files([tmp_path / "empty"])
    assert report.errors == [f"{tmp_path / 'empty'}: the folder holds no documents to import"]


def test_cancel_between_files_keeps_exactly_the_completed_files(workspace: Workspace, tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{n}.txt", f"document {n}") for n in ("a", "b", "c", "d")]
    seen: list[str] = []
    ctx = JobContext(progress=lambda fraction, message: seen.append(message),
                     cancelled=lambda: any("c.txt" in m for m in seen))
    with pytest.raises(Cancelled):
        workspace.documents.import_files(paths, ctx)
    assert [d.source_name for d in documents(workspace)] == ["a.txt", "b.txt"]


def test_cancel_inside_a_long_pdf_leaves_none_of_it(workspace: Workspace, tmp_path: Path) -> None:
    first = write(tmp_path, "first.txt", "completed before the cancel")
    long_pdf = write(tmp_path, "long.pdf", pdf_bytes([[f"page {n}"] for n in range(1, 21)]))
    last = write(tmp_path, "last.txt", "never reached")
    checks_in_pdf = 0

    def cancelled() -> bool:
        nonlocal checks_in_pdf
        if any("long.pdf" in m for m in messages):
            checks_in_pdf += 1
        return checks_in_pdf > 5  # the file's own start, then a few pages, then the user cancels

    messages: list[str] = []
    ctx = JobContext(progress=lambda fraction, message: messages.append(message), cancelled=cancelled)
    with pytest.raises(Cancelled):
        workspace.documents.import_files([first, long_pdf, last], ctx)
    assert checks_in_pdf == 6
    assert [d.source_name for d in documents(workspace)] == ["first.txt"]


def test_progress_covers_the_batch(workspace: Workspace, tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{n}.txt", f"document {n}") for n in range(4)]
    reported: list[float] = []
    workspace.documents.import_files(paths, JobContext(progress=lambda f, m: reported.append(f)))
    assert reported == sorted(reported) and reported[0] == 0.0 and reported[-1] == 1.0


# -- startup cost and the command line -------------------------------------------------


def test_pdf_and_docx_libraries_load_only_when_needed() -> None:
    probe = ("import sys, engine.documents.service, engine.documents.readers; "
             "print(sorted(m for m in ('pypdf', 'docx', 'lxml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def airlock(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_imports_a_mixed_folder_and_names_each_skipped_file(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "w").close()
    folder = tmp_path / "docs"
    write(folder, "a/contract.pdf", pdf_bytes([["Agreement between Northwind and Acme"], ["Signed"]]))
    write(folder, "a/memo.docx", simple_docx("Memo for the team"))
    write(folder, "b/page.html", "<p>An intranet page</p><script>x()</script>")
    write(folder, "b/tickets.csv", "body,kind\nPump whines,hydraulic\nFuse blown,electrical\n")
    write(folder, "b/notes.txt", "plain notes")
    write(folder, "bad/scan.pdf", scanned_pdf())
    write(folder, "bad/locked.pdf", encrypted_pdf("secret"))
    write(folder, "bad/junk.docx", NOT_A_DOCX)
    write(folder, "bad/empty.txt", "")
    r = airlock("import", "--workspace", str(tmp_path / "w"), "--quiet", "--text-field", "body",
                "--label-field", "kind", str(folder))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    skipped = sorted(line for line in r.stderr.splitlines() if line.startswith("skipped "))
    assert skipped == sorted([
        f"skipped {folder / 'bad/scan.pdf'}: no text layer (scanned image?)",
        f"skipped {folder / 'bad/locked.pdf'}: encrypted PDF (password protected); "
        "remove the password and import it again",
        f"skipped {folder / 'bad/junk.docx'}: a zip archive, not a Word document",
        f"skipped {folder / 'bad/empty.txt'}: the file is empty"])
    assert "imported 6 documents, 0 duplicates, 4 files skipped" in r.stdout
    with Workspace.open(tmp_path / "w") as ws:
        docs = documents(ws)
    assert sorted((d.source_name, d.format, d.source_label) for d in docs) == [
        ("a/contract.pdf", "pdf", None), ("a/memo.docx", "docx", None), ("b/notes.txt", "txt", None),
        ("b/page.html", "html", None), ("b/tickets.csv#2", "csv", "hydraulic"),
        ("b/tickets.csv#3", "csv", "electrical")]
    again = airlock("import", "--workspace", str(tmp_path / "w"), "--quiet", str(folder / "a"))
    assert again.returncode == 0
    assert "duplicate contract.pdf: same content as document" in again.stdout
    assert "imported 0 documents, 2 duplicates, 0 files skipped" in again.stdout


# -- choosing the text column of a row file ---------------------------------------------
def test_preview_lists_csv_columns_with_first_rows(tmp_path: Path) -> None:
    from engine.documents.fields import preview_fields, row_format

    path = write(tmp_path, "tickets.csv", "id;subject;body;label\n1;Refund;Please refund order 7;billing\n"
                                          "2;Login;I cannot log in since Monday morning;access\n")
    preview = preview_fields(path)
    assert preview.format == "csv" and preview.fields == ("id", "subject", "body", "label")
    assert preview.rows[1] == ("2", "Login", "I cannot log in since Monday morning", "access")
    assert preview.text_field == "body" and preview.label_field == "label"  # longest values; "label" by name
    assert row_format(path) == "csv" and row_format(tmp_path / "a.pdf") is None


def test_preview_lists_jsonl_fields_in_order_of_appearance(tmp_path: Path) -> None:
    from engine.documents.fields import preview_fields

    path = write(tmp_path, "rows.jsonl", '{"id": 1, "text": "hello there", "meta": {"a": 1}}\n\n'
                                         '{"id": 2, "text": "second", "topic": "x"}\n')
    preview = preview_fields(path)
    assert preview.fields == ("id", "text", "meta", "topic")
    assert preview.rows[0] == ("1", "hello there", '{"a": 1}', "")
    assert preview.text_field == "text" and preview.label_field is None


@pytest.mark.parametrize("name, content, problem", [
    ("empty.csv", "", "the file is empty"),
    ("broken.jsonl", '{"text": "ok"}\n{oops\n', "line 2 is not JSON"),
    ("notes.txt", "plain", "only CSV and JSONL"),
])
def test_preview_of_a_bad_row_file_names_the_problem(tmp_path: Path, name: str, content: str,
                                                     problem: str) -> None:
    from engine.documents.fields import preview_fields
    from engine.errors import InputFileError

    with pytest.raises(InputFileError, match=problem) as err:
        preview_fields(write(tmp_path, name, content))
    assert name in str(err.value)


def test_reading_in_two_processes_imports_the_same_as_one(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write(folder, "a.txt", "First note about the supplier.")
    write(folder, "b.pdf", pdf_bytes([["Invoice 4471 for Maria Jensen"], ["Page two"]]))
    write(folder, "c.md", "# Minutes\nNothing decided.")
    write(folder, "d.txt", b"\x00\x01\x02\x03binary junk" * 20)
    write(folder, "e.csv", "text,label\nRow one text,x\nRow two text,y\n")
    write(folder, "f.txt", "First note about the supplier.")  # same bytes as a.txt
    report = workspace.documents.import_files([folder], workers=2)
    assert len(report.imported) == 5 and len(report.duplicates) == 1 and len(report.errors) == 1
    assert "d.txt" in report.errors[0] and "f.txt" in report.duplicates[0]
    with workspace.reader() as s:
        names = [d.source_name for d in s.scalars(select(Document).order_by(Document.id))]
        pdf = s.scalars(select(Document).where(Document.format == "pdf")).one()
    assert names == ["a.txt", "b.pdf", "c.md", "e.csv#2", "e.csv#3"]  # input order kept
    assert pdf.page_count == 2 and "Maria Jensen" in (pdf.original_text or "")
