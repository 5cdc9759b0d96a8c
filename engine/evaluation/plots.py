"""Plots for the evaluation report as inline SVG: confusion-matrix heatmap and per-class bars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

BAR_COLORS = {"precision": "#2563eb", "recall": "#16a34a", "f1": "#d97706"}


def _blend(fraction: float) -> str:
    """White to deep blue."""
    f = min(1.0, max(0.0, fraction))
    r, g, b = (int(255 + (t - 255) * f) for t in (29, 78, 216))
    return f"#{r:02x}{g:02x}{b:02x}"


def confusion_svg(labels: Sequence[str], confusion: Mapping[str, Mapping[str, int]], cell: int = 46) -> str:
    """Rows are references, columns predictions; each cell shaded by its share of the row."""
    left, top = 120, 110
    size = len(labels) * cell
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + size + 90}" height="{top + size + 30}" '
             f'font-family="sans-serif" font-size="12" role="img" aria-label="confusion matrix">',
             f'<text x="{left + size / 2}" y="14" text-anchor="middle" font-weight="bold">predicted</text>',
             f'<text x="14" y="{top + size / 2}" text-anchor="middle" font-weight="bold" '
             f'transform="rotate(-90 14 {top + size / 2})">reference</text>']
    for j, label in enumerate(labels):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x}" y="{top - 8}" transform="rotate(-45 {x} {top - 8})">{escape(label)}</text>')
    for i, ref in enumerate(labels):
        row = confusion.get(ref, {})
        total = sum(row.values()) or 1
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">{escape(ref)}</text>')
        for j, pred in enumerate(labels):
            count = int(row.get(pred, 0))
            share = count / total
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell}" height="{cell}" '
                         f'fill="{_blend(share)}" stroke="#cbd5e1"><title>{escape(ref)} → {escape(pred)}: '
                         f'{count}</title></rect>')
            ink = "#ffffff" if share > 0.5 else "#0f172a"
            parts.append(f'<text x="{left + j * cell + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                         f'fill="{ink}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(rows: Mapping[str, Mapping[str, float]], keys: Sequence[str] = ("precision", "recall", "f1"),
             width: int = 520) -> str:
    """Grouped horizontal bars, one group per class (or field), values in [0, 1]."""
    left, bar, gap = 130, 10, 10
    plot = width - left - 50
    group = bar * len(keys) + gap
    height = 30 + group * len(rows) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12" role="img" aria-label="per-class bars">']
    for k, key in enumerate(keys):
        parts.append(f'<rect x="{left + k * 90}" y="4" width="10" height="10" fill="{BAR_COLORS.get(key, "#64748b")}"/>'
                     f'<text x="{left + k * 90 + 14}" y="13">{escape(key)}</text>')
    for i, (name, values) in enumerate(rows.items()):
        y0 = 26 + i * group
        parts.append(f'<text x="{left - 6}" y="{y0 + group / 2}" text-anchor="end">{escape(name)}</text>')
        for k, key in enumerate(keys):
            v = float(values.get(key, 0.0))
            y = y0 + k * bar
            parts.append(f'<rect x="{left}" y="{y}" width="{max(v, 0.0) * plot:.1f}" height="{bar - 1}" '
                         f'fill="{BAR_COLORS.get(key, "#64748b")}"><title>{escape(name)} {key}: {v:.3f}</title></rect>')
            x_end = left + max(v, 0.0) * plot + 4
            parts.append(f'<text x="{x_end:.1f}" y="{y + bar - 1}" font-size="9">{v:.2f}</text>')
    parts.append(f'<line x1="{left}" y1="22" x2="{left}" y2="{height - 8}" stroke="#94a3b8"/>')
    parts.append("</svg>")
    return "".join(parts)
