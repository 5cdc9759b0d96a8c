"""A frozen version out of the workspace: chat JSONL files, or a Hugging Face ``datasets`` folder.

Both hold every split under the task's prompt (system turn, user turn from the template, the
answer as the assistant turn). A ``manifest.json`` (JSONL) or the DatasetDict's info names the
version and its content hash, so an exported file can be traced back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import AirlockError
from engine.tasks.conversation import task_conversation
from engine.tasks.record_text import served_answer

if TYPE_CHECKING:
    from engine.datasets.service import DatasetService

EXPORT_FORMATS = ("chat", "hf")


def export_version(datasets: DatasetService, version_id: int, fmt: str, out: Path) -> Path:
    if fmt not in EXPORT_FORMATS:
        raise AirlockError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    version = datasets.get(version_id)
    task = datasets.tasks.get(version.task_id)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise AirlockError(f"{out} already exists and is not an empty folder; choose a new folder")
    by_split: dict[str, list[dict[str, Any]]] = {}
    for row in datasets.rows(version_id):
        by_split.setdefault(row.split, []).append({
            "messages": task_conversation(task.system_prompt, task.user_template, row.input_text,
                                          served_answer(task.kind, task.spec, row.target)),
            "example_id": row.example_id, "input": row.input_text, "target": row.target})
    manifest = {"version_id": version.id, "version": version.name, "task": task.name, "task_kind": task.kind,
                "content_hash": version.content_hash, "seed": version.seed,
                "splits": {split: len(rows) for split, rows in sorted(by_split.items())}}
    if fmt == "chat":
        out.mkdir(parents=True, exist_ok=True)
        for split, rows in by_split.items():
            with (out / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps({"messages": r["messages"]}, ensure_ascii=False) + "\n")
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        from datasets import Dataset, DatasetDict

        columns = ("messages", "example_id", "input", "target")
        dd = DatasetDict({split: Dataset.from_dict({c: [r[c] for r in rows] for c in columns})
                          for split, rows in sorted(by_split.items())})
        for ds in dd.values():
            ds.info.description = json.dumps(manifest)
        dd.save_to_disk(str(out))
    with datasets.store.unit() as s:
        datasets.store.audit.record(s, "dataset.exported", f"dataset_version:{version.id}",
                        {"format": fmt, "path": str(out), "content_hash": version.content_hash,
                         "splits": manifest["splits"]})
    return out
