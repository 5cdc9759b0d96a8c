"""Examples from cleared documents: whole, by paragraph, by size with overlap; previewed first."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import AirlockError, NotReady
from engine.store.models import Example, Label
from engine.tasks.chunking import Chunking, chunk_text
from tests.engine.tasks_data import add_cleared_document, classification_task

REPORT = ("The press stopped twice.\n\nOil was found under the pump.\n  \n"
          "The seal was replaced and the line restarted at noon.")


def test_whole_and_paragraph() -> None:
    assert chunk_text("  one text \n", "whole") == ["one text"]
    assert chunk_text("   ", "whole") == []
    assert chunk_text(REPORT, "paragraph", size=200) == [
        "The press stopped twice.", "Oil was found under the pump.",
        "The seal was replaced and the line restarted at noon."]


def test_a_long_paragraph_is_cut_by_size() -> None:
    pieces = chunk_text(REPORT, "paragraph", size=30, overlap=0)
    assert pieces[:2] == ["The press stopped twice.", "Oil was found under the pump."]
    assert pieces[2:] == ["The seal was replaced and the", "line restarted at noon."]


def test_size_windows_overlap_and_keep_words_whole() -> None:
    text = " ".join(f"w{i:02d}" for i in range(40))  # 40 words of 3 letters: 159 characters
    pieces = chunk_text(text, "size", size=40, overlap=12)
    assert all(len(p) <= 40 for p in pieces)
    assert all(p.split()[0] in text.split() and p.split()[-1] in text.split() for p in pieces)
    for before, after in itertools.pairwise(pieces):
        shared = set(before.split()) & set(after.split())
        assert 2 <= len(shared) <= 4, (before, after)  # about 12 characters of overlap, whole words
    assert pieces[0].startswith("w00") and pieces[-1].endswith("w39")
    covered = {w for p in pieces for w in p.split()}
    assert covered == set(text.split())


@pytest.mark.parametrize(("chunking", "message"), [
    (Chunking("lines", 10, 0), "unknown chunking mode"),
    (Chunking("size", 0, 0), "at least 1 character"),
    (Chunking("size", 10, 10), "less than the chunk size"),
])
def test_bad_chunking_is_refused(chunking: Chunking, message: str) -> None:
    with pytest.raises(AirlockError, match=message):
        chunk_text("text", chunking.mode, chunking.size, chunking.overlap)


def test_preview_matches_what_is_created(workspace: Any) -> None:
    task = classification_task(workspace)
    doc = add_cleared_document(workspace, "report.txt", REPORT, label="hydraulic")
    preview = workspace.tasks.preview_chunks([doc], "paragraph", 200, 0)
    assert [(p.document_id, p.source_name, p.index) for p in preview] == [
        (doc, "report.txt", 0), (doc, "report.txt", 1), (doc, "report.txt", 2)]
    with workspace.reader() as s:
        assert s.scalar(select(Example.id)) is None  # a preview stores nothing
    ids = workspace.tasks.examples_from_documents(task.id, [doc], label_from_source=True,
                                                  chunking=Chunking("paragraph", 200, 0))
    with workspace.reader() as s:
        texts = [s.get_one(Example, i).input_text for i in ids]
        labels = list(s.scalars(select(Label.value).where(Label.example_id.in_(ids))))
    assert texts == [p.text for p in preview]
    assert labels == ["hydraulic"] * 3


def test_documents_must_be_cleared_first(workspace: Any) -> None:
    from engine.clock import now
    from engine.store.models import Document

    task = classification_task(workspace)
    with workspace.unit() as s:
        doc = Document(source_name="raw.txt", format="txt", size_bytes=3, sha256="0" * 64, original_text="raw",
                       status="imported", imported_by="tester", imported_at=now())
        s.add(doc)
        s.flush()
        doc_id = doc.id
    with pytest.raises(NotReady, match="not cleared of PII"):
        workspace.tasks.preview_chunks([doc_id], "whole")
    with pytest.raises(NotReady, match="not cleared of PII"):
        workspace.tasks.examples_from_documents(task.id, [doc_id])
