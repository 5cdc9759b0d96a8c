"""Extraction: a form generated from the task's JSON schema, checked as the user types.

string → line edit, integer → spin box, number → decimal spin box, boolean → check box,
enum → combo box, array/object → line edit holding JSON. An optional number shows "—"
(not given) at the bottom of its range. The record is validated by the engine's own
schema check on every change; the page accepts it only when nothing is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.labelling.editors import AnswerEditor
from desktop.qt import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

if TYPE_CHECKING:
    from engine.tasks.service import TaskInfo

NOT_GIVEN = "—"
BIG = 1_000_000_000


@dataclass
class Field:
    name: str
    kind: str
    required: bool
    widget: QWidget
    read: Callable[[], Any]  # the field's value, or NOT_SET
    write: Callable[[Any], None]


class _NotSet:
    pass


NOT_SET = _NotSet()


def _kind(prop: dict[str, Any]) -> str:
    if prop.get("enum"):
        return "enum"
    kind = prop.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return str(kind)


def _spin(prop: dict[str, Any], required: bool, decimal: bool) -> tuple[QWidget, Callable[[], Any],
                                                                            Callable[[Any], None]]:
    low = float(prop.get("minimum", -BIG))
    high = float(prop.get("maximum", BIG))
    decimals = int(prop.get("x-decimals", 2)) if decimal else 0
    step = 10.0 ** -decimals
    floor = low if required else low - step  # one step below the range stands for "not given"
    box: Any  # QSpinBox or QDoubleSpinBox: the same calls, different number types
    if decimal:
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
        box.setRange(floor, high)
    else:
        box = QSpinBox()
        box.setRange(int(floor), int(high))
    if not required:
        box.setSpecialValueText(NOT_GIVEN)
    start = max(low, min(0.0, high))
    box.setValue(box.minimum() if not required else (start if decimal else int(start)))

    def read() -> Any:
        if not required and box.value() == box.minimum():
            return NOT_SET
        return round(box.value(), decimals) if decimal else int(box.value())

    def write(v: Any) -> None:
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        value = v if ok else (box.minimum() if not required else 0)
        box.setValue(value if decimal else int(value))

    return box, read, write


def build_field(name: str, prop: dict[str, Any], required: bool, on_change: Callable[[], None]) -> Field:
    kind = _kind(prop)
    if kind == "enum":
        combo = QComboBox()
        if not required:
            combo.addItem(NOT_GIVEN, NOT_SET)
        else:
            combo.addItem("(choose)", NOT_SET)
        for option in prop["enum"]:
            combo.addItem(str(option), option)
        combo.currentIndexChanged.connect(lambda _i: on_change())
        return Field(name, kind, required, combo, lambda: combo.currentData(),
                     lambda v: combo.setCurrentIndex(max(0, combo.findData(v)) if v is not NOT_SET else 0))
    if kind in ("integer", "number"):
        widget, read, write = _spin(prop, required, decimal=kind == "number")
        widget.valueChanged.connect(lambda _v: on_change())  # type: ignore[attr-defined]
        return Field(name, kind, required, widget, read, write)
    if kind == "boolean":
        check = QCheckBox(str(prop.get("description", "") or "yes"))
        check.toggled.connect(lambda _v: on_change())
        return Field(name, kind, required, check, check.isChecked,
                     lambda v: check.setChecked(bool(v) if v is not NOT_SET else False))
    edit = QLineEdit()
    edit.setPlaceholderText(str(prop.get("description", "")) or ("JSON" if kind in ("array", "object") else ""))
    edit.textChanged.connect(lambda _t: on_change())
    structured = kind in ("array", "object")

    def read_text() -> Any:
        text = edit.text()
        if not text.strip():
            return NOT_SET
        if structured:
            try:
                return json.loads(text)
            except ValueError:
                return _Invalid(text)
        return text

    def write_text(v: Any) -> None:
        if v is NOT_SET or v is None:
            edit.setText("")
        else:
            edit.setText(json.dumps(v, ensure_ascii=False) if structured else str(v))

    return Field(name, kind, required, edit, read_text, write_text)


class _Invalid:
    def __init__(self, text: str) -> None:
        self.text = text


class ExtractionEditor(AnswerEditor):
    hint = "fill the fields (Tab moves) · Enter accepts when the record is valid"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setVerticalSpacing(8)
        self.fields: dict[str, Field] = {}
        self._loading = False

    def set_task(self, task: TaskInfo) -> None:
        super().set_task(task)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        schema: dict[str, Any] = dict(task.spec.get("schema", {}))
        required = set(schema.get("required", []))
        for name, prop in dict(schema.get("properties", {})).items():
            field = build_field(name, dict(prop), name in required, self._changed)
            self.fields[name] = field
            caption = QLabel(f"{name}{' *' if field.required else ''}")
            caption.setToolTip(str(prop.get("description", "")))
            self.form.addRow(caption, field.widget)

    def _changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = field.read()
            if value is not NOT_SET:
                out[name] = value
        return out

    def set_value(self, value: str | None) -> None:
        try:
            record = json.loads(value) if value else {}
        except ValueError:
            record = {}
        if not isinstance(record, dict):
            record = {}
        self._loading = True
        try:
            for name, field in self.fields.items():
                field.write(record.get(name, NOT_SET))
        finally:
            self._loading = False
        self.changed.emit()

    def value(self) -> str | None:
        record = self.record()
        bad = [n for n, v in record.items() if isinstance(v, _Invalid)]
        if bad:
            return None
        return json.dumps(record, sort_keys=True, ensure_ascii=False)

    def problems(self) -> list[str]:
        bad = [n for n, v in self.record().items() if isinstance(v, _Invalid)]
        if bad:
            return [f"{n}: not valid JSON" for n in bad]
        return super().problems()

    def focus_answer(self) -> None:
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.widget.setFocus()
