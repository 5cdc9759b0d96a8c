"""Batch answers: a folder of documents (or files) or a CSV column in, JSONL and CSV out.

One output row per input: source, answer, confidence, flagged, latency and the call id
(or the error for an input that could not be answered). Each input goes through the
same PII redaction as imports and is logged like any console call. Inputs are answered
``BATCH_INPUTS`` at a time, decoded together (``classify_texts``/``extract_texts``: the same answers
as one at a time). Runs as a job: progress and cancel between chunks; the output files are written under
temporary names and renamed when the batch finishes, so a cancelled or failed
batch leaves no partial output.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.console.classify import ConsoleAnswer, classify_texts, extract_texts
from engine.console.models import pick_model
from engine.documents.readers import read_file
from engine.documents.sources import collect
from engine.errors import AirlockError, InputFileError
from engine.inference.runtime import BATCH_INPUTS
from engine.jobs import JobContext

if TYPE_CHECKING:
    from engine.workspace import Workspace

FIELDS = ("source", "answer", "confidence", "flagged", "latency_ms", "call_id", "error")


@dataclass(frozen=True)
class BatchInput:
    source: str
    text: str


@dataclass(frozen=True)
class BatchResult:
    jsonl: Path
    csv: Path
    rows: int
    flagged: int
    errors: int


def inputs_from(paths: list[Path], column: str | None = None) -> list[BatchInput]:
    """Documents from files and folders; with ``column``, one input per row of that CSV column."""
    for path in paths:
        if not path.exists():
            raise InputFileError(path, "no such file or folder")
    found = collect(paths)
    if found.problems and not found.files:
        path, why = found.problems[0]
        raise InputFileError(path, why)
    items: list[BatchInput] = []
    for f in found.files:
        data = f.path.read_bytes()
        if column is not None and f.path.suffix.lower() != ".csv":
            raise InputFileError(f.path, "a column can only be picked from a CSV file")
        _fmt, records = read_file(f.path, data, text_field=column or "text", name=f.name)
        items += [BatchInput(r.name, r.text) for r in records]
    if not items:
        raise AirlockError("the batch has no inputs")
    return items


def _answers(ws: Workspace, artifact_id: int, kind: str, items: list[BatchInput], threshold: float | None,
             task_id: int | None) -> list[dict[str, Any]]:
    texts = [item.text for item in items]
    answers = (extract_texts(ws, artifact_id, texts, task_id=task_id, threshold=threshold) if kind == "extraction"
               else classify_texts(ws, artifact_id, texts, threshold=threshold, task_id=task_id))
    rows: list[dict[str, Any]] = []
    for item, a in zip(items, answers, strict=True):
        row: dict[str, Any] = {"source": item.source}
        if isinstance(a, AirlockError):
            row["error"] = str(a)
        else:
            row.update(answer=a.label if isinstance(a, ConsoleAnswer) else a.value, confidence=a.confidence,
                       flagged=a.flagged, latency_ms=a.latency_ms, call_id=a.call_id)
        rows.append(row)
    return rows


def run_batch(ws: Workspace, items: list[BatchInput], out_dir: Path, artifact_id: int | None = None,
              task_id: int | None = None, threshold: float | None = None,
              ctx: JobContext | None = None) -> BatchResult:
    ws.membership.require("operator", "batches")
    ctx = ctx or JobContext()
    model = pick_model(ws, artifact_id)
    task = ws.tasks.get(task_id) if task_id is not None else model.task
    if task is None or task.kind not in ("classification", "extraction"):
        raise AirlockError("a batch needs a classification or extraction task for the model")
    out_dir.mkdir(parents=True, exist_ok=True)
    final = (out_dir / "answers.jsonl", out_dir / "answers.csv")
    temp = [p.with_name(f".{p.name}.partial") for p in final]
    rows: list[dict[str, Any]] = []
    try:
        with open(temp[0], "w", encoding="utf-8") as jf, open(temp[1], "w", newline="", encoding="utf-8") as cf:
            writer = csv.DictWriter(cf, FIELDS)
            writer.writeheader()
            for i in range(0, len(items), BATCH_INPUTS):
                chunk = items[i:i + BATCH_INPUTS]
                ctx.step(i / len(items), f"Answering {chunk[0].source} … ({i + 1}–{i + len(chunk)} of {len(items)})")
                for row in _answers(ws, model.artifact.id, task.kind, chunk, threshold, task.id):
                    rows.append(row)
                    jf.write(json.dumps(row, ensure_ascii=False) + "\n")
                    flat = {k: row.get(k, "") for k in FIELDS}
                    if isinstance(flat["answer"], dict):
                        flat["answer"] = json.dumps(flat["answer"], ensure_ascii=False)
                    writer.writerow(flat)
        for t, f in zip(temp, final, strict=True):
            os.replace(t, f)
    finally:
        for t in temp:
            t.unlink(missing_ok=True)
    ctx.report(1.0, f"Answered {len(rows)} input(s)")
    return BatchResult(final[0], final[1], len(rows), sum(1 for r in rows if r.get("flagged")),
                       sum(1 for r in rows if "error" in r))
