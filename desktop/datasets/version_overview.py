"""One version at a glance: counts per split, class balance, length distribution, near-duplicates
and the leakage that freezing prevented. Reads only the version's stored statistics (and the
item lengths when the stats hold no histogram)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.qt import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget
from desktop.widgets.bars import Bar, BarChart, Histogram
from desktop.widgets.stat_card import StatCard
from desktop.widgets.table import Column, DataTable
from engine.datasets.tokens import histogram

if TYPE_CHECKING:
    from engine.datasets.service import VersionInfo

SPLIT_ORDER = ("train", "eval", "test", "golden", "ood")  # as engine.datasets.version_info orders them
SPLIT_CAPTIONS = {"train": "learned from", "eval": "watched while training", "test": "held out to measure",
                  "golden": "regression set", "ood": "adversarial set", "rejected": "left out, with reasons"}
WARN_STYLE = "color: #b45309; font-weight: 600;"
BALANCE_COLOR, RARE_COLOR = "#2563eb", "#d97706"


def balance_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Label -> examples over train/eval/test, as the freeze recorded it."""
    balance = stats.get("class_balance")
    if isinstance(balance, dict) and isinstance(balance.get("counts"), dict):
        return {str(k): int(v) for k, v in balance["counts"].items()}
    per_split = stats.get("balance")
    totals: dict[str, int] = {}
    if isinstance(per_split, dict):
        for split, counts in per_split.items():
            if split in ("train", "eval", "test") and isinstance(counts, dict):
                for label, n in counts.items():
                    totals[str(label)] = totals.get(str(label), 0) + int(n)
    return totals


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    return label


def _note() -> QLabel:
    label = QLabel()
    label.setObjectName("Muted")
    label.setWordWrap(True)
    return label


class VersionOverview(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner.setObjectName("PageBody")
        self.setWidget(inner)
        box = QVBoxLayout(inner)
        box.setContentsMargins(0, 8, 8, 8)
        box.setSpacing(10)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.cards: dict[str, StatCard] = {}
        for i, split in enumerate((*SPLIT_ORDER, "rejected")):
            card = StatCard(split.capitalize() if split != "ood" else "OOD", SPLIT_CAPTIONS[split])
            card.setMinimumHeight(84)
            grid.addWidget(card, 0, i)
            self.cards[split] = card
        box.addLayout(grid)

        box.addWidget(_title("Class balance (train + eval + test)"))
        self.balance_warning = QLabel()
        self.balance_warning.setStyleSheet(WARN_STYLE)
        self.balance_warning.setWordWrap(True)
        box.addWidget(self.balance_warning)
        self.balance = BarChart("No class balance was recorded (it is kept for classification tasks).")
        box.addWidget(self.balance)

        box.addWidget(_title("Length distribution"))
        self.lengths_note = _note()
        box.addWidget(self.lengths_note)
        self.lengths = Histogram("tokens per example")
        self.lengths.setMinimumHeight(170)
        box.addWidget(self.lengths)

        box.addWidget(_title("Near-duplicates and leakage"))
        self.dup_note = _note()
        box.addWidget(self.dup_note)
        box.addStretch(1)

    def show_version(self, version: VersionInfo | None, item_lengths: list[int] | None = None) -> None:
        stats = version.stats if version else {}
        splits = stats.get("splits", {}) if isinstance(stats.get("splits"), dict) else {}
        for split, card in self.cards.items():
            if version is None:
                card.set_value(None)
            else:
                card.set_value(version.rejections if split == "rejected" else int(splits.get(split, 0)))
        self._show_balance(stats)
        self._show_lengths(stats, item_lengths)
        self._show_duplicates(stats)

    def _show_balance(self, stats: dict[str, Any]) -> None:
        counts = balance_counts(stats)
        if not counts:
            self.balance.set_bars([])
            self.balance_warning.clear()
            return
        from engine.tasks.display import label_text  # with a version only: the window opens without the database layer

        peak, low = max(counts.values()), min(counts.values())
        self.balance.set_bars([Bar(label_text(k), n / peak, f"{n:,}", RARE_COLOR if n * 10 <= peak else BALANCE_COLOR)
                               for k, n in sorted(counts.items(), key=lambda kv: -kv[1])])
        info = stats.get("class_balance") if isinstance(stats.get("class_balance"), dict) else {}
        severe = bool(info.get("severe")) if info else low * 10 <= peak
        ratio = info.get("ratio") if info else (peak / low if low else None)
        self.balance_warning.setText(
            f"⚠ Severe imbalance: the largest class has {ratio}× the examples of the smallest; "
            "label more of the rare classes." if severe else "")

    def _show_lengths(self, stats: dict[str, Any], item_lengths: list[int] | None) -> None:
        tokens: dict[str, Any] = stats.get("token_lengths") or {}
        if not isinstance(tokens, dict):
            tokens = {}
        stored = tokens.get("histogram") if tokens else None
        if tokens and tokens.get("available"):
            summary = (f"Tokens per example with {tokens.get('model', 'the base model')}'s tokenizer "
                       f"(system prompt + input + answer): min {tokens.get('min', 0):,}, median "
                       f"{tokens.get('p50', 0):,}, 95th percentile {tokens.get('p95', 0):,}, "
                       f"max {tokens.get('max', 0):,}.")
        else:
            reason = tokens.get("reason", "not recorded") if tokens else "not recorded"
            summary = f"Token counts were not taken for this version ({reason})."
        if isinstance(stored, dict) and stored.get("counts"):
            self.lengths.x_label = "tokens per example"
            self.lengths.set_data(stored["edges"], stored["counts"], tokens.get("p95"), "p95")
        elif item_lengths:
            bins = histogram(item_lengths)
            edges, counts = bins["edges"], bins["counts"]
            self.lengths.x_label = "characters per example (input + answer)"
            self.lengths.set_data(edges, counts)
            summary += " The histogram shows characters per example."
        else:
            self.lengths.set_data([], [])
        self.lengths_note.setText(summary)

    def _show_duplicates(self, stats: dict[str, Any]) -> None:
        near: dict[str, Any] = stats.get("near_duplicates") or {}
        leak: dict[str, Any] = stats.get("leakage") or {}
        if not isinstance(near, dict):
            near = {}
        if not isinstance(leak, dict):
            leak = {}
        if not near and not leak:
            self.dup_note.setText("Not recorded for this version.")
            return
        self.dup_note.setText(
            f"{near.get('count', 0):,} near-duplicate pairs (word 3-gram Jaccard ≥ {near.get('threshold', 0.9)}), "
            f"each group kept within one split. {leak.get('prevented', 0):,} examples left out because they nearly "
            "repeat a golden or OOD example. See the Duplicates & leakage tab for the pairs.")


NEAR_COLUMNS = [Column("Example", lambda r: r[0], align="right", width=90),
                Column("Nearly repeats", lambda r: r[1], align="right", width=120),
                Column("Similarity", lambda r: f"{float(r[2]):.2f}" if len(r) > 2 else "", align="right",
                       stretch=True)]
LEAK_COLUMNS = [Column("Example", lambda r: r[0], align="right", width=90),
                Column("Twin", lambda r: r[1], align="right", width=120),
                Column("Twin's split", lambda r: r[2] if len(r) > 2 else "", stretch=True)]


class DuplicatesView(QWidget):
    """The near-duplicate pairs the freeze found and the leakage it prevented or the check found."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 0)
        self.leak_check = QLabel()
        self.leak_check.setWordWrap(True)
        box.addWidget(self.leak_check)
        box.addWidget(_title("Near-duplicate pairs (a sample)"))
        self.near = DataTable(NEAR_COLUMNS, "No near-duplicates.")
        box.addWidget(self.near, 1)
        box.addWidget(_title("Left out to prevent leakage"))
        self.leaks = DataTable(LEAK_COLUMNS, "Nothing had to be left out.")
        box.addWidget(self.leaks, 1)

    def show_version(self, version: VersionInfo | None) -> None:
        stats = version.stats if version else {}
        near: dict[str, Any] = stats.get("near_duplicates") or {}
        leak: dict[str, Any] = stats.get("leakage") or {}
        if not isinstance(near, dict):
            near = {}
        if not isinstance(leak, dict):
            leak = {}
        self.near.set_rows([tuple(p) for p in near.get("sample", [])] if near else [])
        self.leaks.set_rows([tuple(p) for p in leak.get("examples", [])] if leak else [])

    def show_leakage_check(self, level: str | None, message: str) -> None:
        colors = {"ok": "#15803d", "warn": "#b45309", "refuse": "#b91c1c"}
        self.leak_check.setStyleSheet(f"color: {colors.get(level or '', '#6b7280')}; font-weight: 600;")
        self.leak_check.setText(message)
