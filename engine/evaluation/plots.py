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


PAGE_WIDTH = 700  # px a plot may take on the report's page
CHAR_WIDTH = 6.8  # mean width of a 12 px sans-serif character
WRAP_AT = 40  # characters of a label per line


def label_lines(label: str, width: int = WRAP_AT) -> list[str]:
    """A label on at most two lines, broken at a space, '_' or '-' near ``width``; a longer rest is
    shortened with an ellipsis (the full name stays in the cell's tooltip)."""
    if len(label) <= width:
        return [label]
    cut = max((label.rfind(ch, 0, width + 1) for ch in " _-/"), default=-1)
    cut = cut + 1 if cut > width // 3 else width
    first, rest = label[:cut], label[cut:]
    return [first, rest if len(rest) <= width else rest[:width - 1] + "…"]


def _label(x: float, y: float, label: str, anchor: str = "end") -> str:
    lines = label_lines(label)
    top = y - 6 * (len(lines) - 1)
    return "".join(f'<text x="{x}" y="{top + 13 * k:.1f}" text-anchor="{anchor}">{escape(line)}</text>'
                   for k, line in enumerate(lines))


def _text_width(labels: Sequence[str]) -> float:
    return max((len(line) for label in labels for line in label_lines(label)), default=4) * CHAR_WIDTH


def _title(title: str, x: float) -> str:
    return f'<text x="{x}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>' if title else ""


def confusion_svg(labels: Sequence[str], confusion: Mapping[str, Mapping[str, int]], cell: int = 36,
                  title: str = "") -> str:
    """Rows are references, columns predictions; each cell shaded by its share of the row. The title
    is drawn in the image (it can never be parted from its plot). With long or many labels the
    columns are numbered as the rows are, and every row shows its full name (wrapped)."""
    numbered = len(labels) > 6 or any(len(label) > 12 for label in labels)
    names = [f"{i + 1}. {label}" if numbered else label for i, label in enumerate(labels)]
    left = max(80.0, _text_width(names) + 14)
    cell = int(min(cell, max(26, (PAGE_WIDTH - left - 40) // max(1, len(labels)))))
    top = 60 if numbered else 110
    size = len(labels) * cell
    width = max(left + size + 30, len(title) * 7.5 + 20)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{top + size + 16}" '
             f'font-family="sans-serif" font-size="12" role="img" aria-label="confusion matrix">',
             _title(title, 4),
             f'<text x="{left + size / 2}" y="{top - (24 if numbered else 88)}" text-anchor="middle" '
             f'font-weight="bold">predicted</text>',
             f'<text x="{left - 6}" y="{top - 8}" text-anchor="end" font-weight="bold">reference</text>']
    for j, label in enumerate(labels):
        x = left + j * cell + cell / 2
        if numbered:
            parts.append(f'<text x="{x}" y="{top - 6}" text-anchor="middle">{j + 1}</text>')
        else:
            parts.append(f'<text x="{x}" y="{top - 8}" transform="rotate(-45 {x} {top - 8})">{escape(label)}</text>')
    for i, ref in enumerate(labels):
        row = confusion.get(ref, {})
        total = sum(row.values()) or 1
        y = top + i * cell
        parts.append(_label(left - 6, y + cell / 2 + 4, names[i]))
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
             width: int = 520, title: str = "") -> str:
    """Grouped horizontal bars, one group per class (or field), values in [0, 1]; full names, wrapped."""
    left = max(80.0, _text_width(list(rows)) + 12)
    width = int(max(width, min(PAGE_WIDTH, left + 390)))
    bar, gap = 10, 10
    plot = width - left - 50
    group = max(bar * len(keys) + gap, 30)
    head = 44 if title else 26
    height = head + group * len(rows) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12" role="img" aria-label="per-class bars">', _title(title, 4)]
    for k, key in enumerate(keys):
        parts.append(f'<rect x="{left + k * 90}" y="{head - 22}" width="10" height="10" '
                     f'fill="{BAR_COLORS.get(key, "#64748b")}"/>'
                     f'<text x="{left + k * 90 + 14}" y="{head - 13}">{escape(key)}</text>')
    for i, (name, values) in enumerate(rows.items()):
        y0 = head + i * group
        parts.append(_label(left - 6, y0 + group / 2, name))
        for k, key in enumerate(keys):
            v = float(values.get(key, 0.0))
            y = y0 + k * bar
            parts.append(f'<rect x="{left}" y="{y}" width="{max(v, 0.0) * plot:.1f}" height="{bar - 1}" '
                         f'fill="{BAR_COLORS.get(key, "#64748b")}"><title>{escape(name)} {key}: {v:.3f}</title></rect>')
            x_end = left + max(v, 0.0) * plot + 4
            parts.append(f'<text x="{x_end:.1f}" y="{y + bar - 1}" font-size="9">{v:.2f}</text>')
    parts.append(f'<line x1="{left}" y1="{head - 4}" x2="{left}" y2="{height - 8}" stroke="#94a3b8"/>')
    parts.append("</svg>")
    return "".join(parts)


def reliability_svg(confidences: Sequence[float], correct: Sequence[bool], calibrated: Sequence[float] | None = None,
                    title: str = "", bins: int = 10) -> str:
    """Reliability diagram: accuracy per confidence bin against the diagonal; raw (blue) and, when
    given, calibrated (orange) confidence."""
    size, left, head = 220, 44, 30 if title else 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(left + size + 150, len(title) * 7.5 + 20):.0f}" '
             f'height="{head + size + 34}" font-family="sans-serif" font-size="11" role="img" '
             f'aria-label="reliability diagram">', _title(title, 4),
             f'<rect x="{left}" y="{head}" width="{size}" height="{size}" fill="none" stroke="#94a3b8"/>',
             f'<line x1="{left}" y1="{head + size}" x2="{left + size}" y2="{head}" stroke="#cbd5e1" '
             'stroke-dasharray="4 3"/>',
             f'<text x="{left + size / 2}" y="{head + size + 28}" text-anchor="middle">confidence</text>',
             f'<text x="10" y="{head + size / 2}" transform="rotate(-90 10 {head + size / 2})" '
             'text-anchor="middle">accuracy</text>']
    for t in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{left + t * size}" y="{head + size + 13}" text-anchor="middle">{t:g}</text>'
                     f'<text x="{left - 4}" y="{head + size - t * size + 4}" text-anchor="end">{t:g}</text>')
    for k, (name, conf, color) in enumerate((("raw", confidences, "#2563eb"), ("calibrated", calibrated, "#d97706"))):
        if conf is None:
            continue
        sums = [[0.0, 0.0, 0] for _ in range(bins)]
        for c, ok in zip(conf, correct, strict=True):
            b = sums[min(bins - 1, max(0, int(c * bins)))]
            b[0] += c
            b[1] += 1.0 if ok else 0.0
            b[2] += 1
        pts = [(sc / n, so / n) for sc, so, n in sums if n]
        path = " ".join(f"{left + x * size:.1f},{head + size - y * size:.1f}" for x, y in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts += [f'<circle cx="{left + x * size:.1f}" cy="{head + size - y * size:.1f}" r="3" fill="{color}"/>'
                  for x, y in pts]
        parts.append(f'<rect x="{left + size + 12}" y="{head + 8 + k * 16}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{left + size + 26}" y="{head + 17 + k * 16}">{name}</text>')
    parts.append("</svg>")
    return "".join(parts)
