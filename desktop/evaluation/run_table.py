"""The runs table and the selected run's metrics as text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from desktop import formatting as fmt
from desktop.widgets.table import Column

if TYPE_CHECKING:
    from engine.evaluation.service import EvaluationInfo

STATUS_COLORS = {"failed": "#b91c1c", "running": "#1d4ed8", "cancelled": "#6b7280"}
SCALAR_KEYS = ("accuracy", "macro_f1", "latency_p50_ms", "latency_p95_ms", "tokens_per_second")
HIDDEN_KEYS = ("confusion", "quality_metric", "task_kind")  # shown as plots or in the comparison
SHORT = {"precision": "prec", "recall": "rec", "f1": "F1", "support": "n"}  # the pane is narrow


def _num(x: float | None) -> float:
    return -1.0 if x is None else x


def _quality(row: EvaluationInfo) -> float | None:
    """The run's headline score: accuracy, mean field-F1 or ROUGE-L by task kind."""
    value = row.metrics.get("quality", row.accuracy)
    return float(value) if isinstance(value, int | float) else None


COLUMNS = [
    Column("Model", lambda r: r.model_label, stretch=True, color=lambda r: STATUS_COLORS.get(r.status),
           tooltip=lambda r: f"{r.model_label} ({r.status})"),
    Column("Dataset / split", lambda r: f"{r.dataset_version_name} / {r.split}", width=150),
    Column("Prompt", lambda r: r.prompt_mode, width=90),
    Column("Quality", lambda r: fmt.number(_quality(r)), align="right", sort_key=lambda r: _num(_quality(r)),
           width=84, tooltip=lambda r: str(r.metrics.get("quality_metric", "accuracy"))),
    Column("Macro-F1", lambda r: fmt.number(r.macro_f1), align="right",
           sort_key=lambda r: _num(r.macro_f1), width=84),
    Column("p50", lambda r: fmt.millis(r.latency_p50_ms), align="right",
           sort_key=lambda r: _num(r.latency_p50_ms), width=80),
    Column("p95", lambda r: fmt.millis(r.latency_p95_ms), align="right",
           sort_key=lambda r: _num(r.latency_p95_ms), width=80),
    Column("Tokens/s", lambda r: fmt.rate(r.tokens_per_second), align="right",
           sort_key=lambda r: _num(r.tokens_per_second), width=80),
    Column("Started", lambda r: fmt.when(r.started_at), sort_key=lambda r: fmt.when_key(r.started_at),
           width=140),
]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, int):
        return str(value)
    return fmt.MISSING if value is None else str(value)


def per_class_table(per_class: dict[str, Any]) -> list[str]:
    """A per-class metrics dict ({label: {precision: .., recall: ..}}) as aligned text rows."""
    rows = {str(k): v for k, v in per_class.items() if isinstance(v, dict)}
    keys = list(dict.fromkeys(k for v in rows.values() for k in v))
    width = max([len(k) for k in rows] + [5]) + 2
    lines = ["class".ljust(width) + "".join(SHORT.get(k, k).rjust(7) for k in keys)]
    for label, values in rows.items():
        lines.append(label.ljust(width) + "".join(_cell(values.get(k)).rjust(7) for k in keys))
    return lines


def metrics_report(row: EvaluationInfo) -> str:
    """The selected run's metrics: the headline numbers, then everything else it recorded."""
    lines = [f"{'run ' + str(row.id):<22}{row.status}",
             f"{'prompt':<22}{row.prompt_mode}",
             f"{'dataset / split':<22}{row.dataset_version_name} / {row.split}",
             f"{'accuracy':<22}{fmt.percent(row.accuracy)}",
             f"{'macro-F1':<22}{fmt.number(row.macro_f1)}",
             f"{'latency p50 / p95':<22}{fmt.millis(row.latency_p50_ms)} / {fmt.millis(row.latency_p95_ms)}",
             f"{'tokens per second':<22}{fmt.rate(row.tokens_per_second)}"]
    for key, value in row.metrics.items():
        if key in SCALAR_KEYS or key in HIDDEN_KEYS:
            continue
        lines.append("")
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            lines.append(f"{key.replace('_', ' ')}:")
            lines.extend("  " + line for line in per_class_table(value))
        elif isinstance(value, dict | list):
            lines.append(f"{key.replace('_', ' ')}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{key.replace('_', ' '):<22}{_cell(value)}")
    return "\n".join(lines)
