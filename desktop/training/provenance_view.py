"""What went into a run, for the compliance officer: the run's provenance record in words, in a
dialog that can copy it as JSON."""

from __future__ import annotations

import json
from typing import Any

from desktop.qt import QApplication, QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

FIELDS = (("status", "Status"), ("error", "Error"), ("dataset_hash", "Dataset version hash"),
          ("base_model_sha256", "Base model sha256"), ("seed", "Seed"), ("backend", "Backend"),
          ("backend_reason", "Why this backend"), ("started_at", "Started"), ("finished_at", "Finished"),
          ("adapter_sha256", "Adapter sha256"))


def provenance_text(record: dict[str, Any]) -> str:
    """The record (engine.training.provenance.run_record) as aligned lines, then its sections."""
    width = max(len(label) for _key, label in FIELDS)
    lines = [f"{label:<{width}}  {record[key]}" for key, label in FIELDS if record.get(key) not in (None, "")]
    sections = (("Final metrics", record.get("final_metrics") or {}), ("Configuration", record.get("config") or {}),
                ("Library versions", {k: v or "not installed" for k, v in (record.get("versions") or {}).items()}),
                ("Hardware", record.get("hardware") or {}))
    for title, values in sections:
        lines += ["", title]
        lines += [f"  {key}: {_value(value)}" for key, value in values.items()] or ["  (none)"]
    lines += ["", "Files in the blob store (sha256)"]
    for folder, files in (record.get("stored_files") or {}).items():
        lines.append(f"  {folder}/")
        lines += [f"    {name}  {sha}" for name, sha in files.items()]
    return "\n".join(lines)


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


class ProvenanceDialog(QDialog):
    def __init__(self, run_id: int, record: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Training run #{run_id}: what went into it")
        self.resize(760, 620)
        self.record = record
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(provenance_text(record))
        self.text.setReadOnly(True)
        self.text.setObjectName("Mono")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy as JSON")
        copy.setToolTip("Copy the whole record as JSON to the clipboard")
        copy.clicked.connect(self.copy_json)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_json(self) -> None:
        QApplication.clipboard().setText(json.dumps(self.record, indent=1))
