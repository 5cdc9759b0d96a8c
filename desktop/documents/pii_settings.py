"""The workspace's privacy settings: its own patterns, deny / allow lists, thresholds, operators.

A pattern shows at once what it matches in its example and in the document
being reviewed, and an invalid one says why. "Keep originals" can be changed
by an admin only (the engine enforces it; the box is disabled for others).
Saving validates everything in the engine and writes one audited change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import dialogs, sign_dialog
from desktop.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.widgets.pii_text import MARKABLE_TYPES, entity_name
from engine.signatures import signing

if TYPE_CHECKING:
    from engine.privacy.settings import PrivacySettings
    from engine.workspace import Workspace

PATTERN_COLUMNS = ("Name", "Regular expression", "Example")
SHOWN_MATCHES = 5


def _spin(value: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 1.0)
    spin.setSingleStep(0.05)
    spin.setDecimals(2)
    spin.setValue(value)
    return spin


class PrivacySettingsDialog(QDialog):
    def __init__(self, ws: Workspace, document_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from engine.privacy.redaction import OPERATORS

        self.ws = ws
        self.document_text = document_text
        self.settings = ws.privacy.settings()
        self.setWindowTitle("Privacy settings")
        self.resize(820, 560)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._patterns_tab(), "Own patterns")
        self.tabs.addTab(self._lists_tab(), "Deny and allow lists")
        self.tabs.addTab(self._rules_tab(OPERATORS), "Thresholds and redaction")
        layout.addWidget(self.tabs, 1)
        self.keep_originals = QCheckBox("Keep originals: store each document's unredacted text after it is "
                                        "cleared (admins only; audited)")
        self.keep_originals.setChecked(ws.privacy.keep_originals())
        is_admin = ws.identity.role == "admin"
        self.keep_originals.setEnabled(is_admin)
        self.keep_originals.setToolTip("Off by default: only the redacted text, the original's sha256 and the "
                                       "span metadata are kept." + ("" if is_admin else
                                                                    f" You act as {ws.identity.role}."))
        layout.addWidget(self.keep_originals)
        self.error = QLabel()
        self.error.setObjectName("Banner")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._check_pattern()

    # -- own patterns -------------------------------------------------------------
    def _patterns_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.pattern_check = QLabel()
        self.pattern_check.setWordWrap(True)
        self.pattern_check.setObjectName("PatternCheck")
        note = QLabel("Identifiers only your team uses (employee IDs, case numbers). The name becomes the "
                      "entity type; the example shows what the expression matches.")
        note.setWordWrap(True)
        note.setObjectName("Muted")
        layout.addWidget(note)
        self.patterns = QTableWidget(0, len(PATTERN_COLUMNS))
        self.patterns.setHorizontalHeaderLabels(list(PATTERN_COLUMNS))
        self.patterns.horizontalHeader().setStretchLastSection(True)
        self.patterns.setColumnWidth(0, 150)
        self.patterns.setColumnWidth(1, 260)
        self.patterns.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for p in self.settings.patterns:
            self.add_pattern(p.name, p.regex, p.example)
        self.patterns.itemChanged.connect(lambda _item: self._check_pattern())
        self.patterns.currentCellChanged.connect(lambda *_: self._check_pattern())
        layout.addWidget(self.patterns, 1)
        row = QHBoxLayout()
        add = QPushButton("Add pattern")
        add.clicked.connect(lambda _=False: self.add_pattern("", "", ""))
        remove = QPushButton("Remove pattern")
        remove.clicked.connect(self._remove_pattern)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.pattern_check)
        return tab

    def add_pattern(self, name: str, regex: str, example: str) -> int:
        row = self.patterns.rowCount()
        self.patterns.blockSignals(True)
        self.patterns.insertRow(row)
        for col, value in enumerate((name, regex, example)):
            self.patterns.setItem(row, col, QTableWidgetItem(value))
        self.patterns.blockSignals(False)
        self.patterns.setCurrentCell(row, 0)
        self._check_pattern()
        return row

    def _remove_pattern(self) -> None:
        row = self.patterns.currentRow()
        if row >= 0:
            self.patterns.removeRow(row)
            self._check_pattern()

    def _cell(self, row: int, col: int) -> str:
        item = self.patterns.item(row, col)
        return item.text() if item is not None else ""

    def _check_pattern(self) -> None:
        """Show what the current row's expression matches, or why it cannot be used."""
        from engine.errors import AirlockError
        from engine.privacy.patterns import pattern_matches

        row = self.patterns.currentRow()
        if row < 0:
            self.pattern_check.setText("Select a pattern to see what it matches.")
            return
        name, regex, example = (self._cell(row, c) for c in range(3))
        try:
            in_example = pattern_matches(name or "pattern", regex, example)
            in_document = pattern_matches(name or "pattern", regex, self.document_text)
        except AirlockError as exc:
            self.pattern_check.setStyleSheet("color: #b91c1c;")
            self.pattern_check.setText(f"✗ {exc}")
            return
        self.pattern_check.setStyleSheet("color: #15803d;" if in_example or not example else "color: #b45309;")
        shown = ", ".join(repr(example[s:e]) for s, e in in_example[:SHOWN_MATCHES]) or "nothing"
        values = ", ".join(repr(self.document_text[s:e]) for s, e in in_document[:SHOWN_MATCHES])
        doc = (f"{len(in_document)} match(es) in the current document" + (f": {values}" if values else "")
               if self.document_text else "no document open")
        self.pattern_check.setText(f"Matches in the example: {shown}.   {doc}.")

    # -- deny / allow lists ------------------------------------------------------------
    def _lists_tab(self) -> QWidget:
        tab = QWidget()
        layout = QHBoxLayout(tab)
        self.deny = QPlainTextEdit("\n".join(self.settings.deny_list))
        self.allow = QPlainTextEdit("\n".join(self.settings.allow_list))
        for title, note, edit in (("Deny list", "Always redacted (client or project names), one per line.",
                                   self.deny),
                                  ("Allow list", "Never redacted (product or place names), one per line.",
                                   self.allow)):
            column = QVBoxLayout()
            label = QLabel(f"<b>{title}</b><br>{note}")
            label.setWordWrap(True)
            column.addWidget(label)
            column.addWidget(edit, 1)
            layout.addLayout(column)
        return tab

    # -- thresholds and operators ---------------------------------------------------------
    def _rules_tab(self, operators: tuple[str, ...]) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        self.default_threshold = _spin(self.settings.default_threshold)
        form.addRow("Default minimum score", self.default_threshold)
        layout.addLayout(form)
        types = list(dict.fromkeys([*MARKABLE_TYPES, "DENY_LIST", *self.settings.thresholds,
                                    *self.settings.operators, *(p.entity_type for p in self.settings.patterns)]))
        types = [t for t in types if t != "*"]
        self.rules = QTableWidget(len(types), 3)
        self.rules.setHorizontalHeaderLabels(["Entity type", "Minimum score", "Redact with"])
        self.rules.horizontalHeader().setStretchLastSection(True)
        self.rules.setColumnWidth(0, 220)
        self.rules.setColumnWidth(1, 140)
        self._rule_types = types
        for r, entity in enumerate(types):
            item = QTableWidgetItem(entity_name(entity))
            item.setToolTip(entity)
            self.rules.setItem(r, 0, item)
            self.rules.setCellWidget(r, 1, _spin(self.settings.thresholds.get(entity,
                                                                               self.settings.default_threshold)))
            combo = QComboBox()
            combo.addItems(list(operators))
            combo.setCurrentText(self.settings.operators.get(entity, "placeholder"))
            self.rules.setCellWidget(r, 2, combo)
        layout.addWidget(self.rules, 1)
        note = QLabel("placeholder: <PERSON_1>, the same value keeps its number in a document · mask: ***** · "
                      "hash: <PERSON:3f2a…>, stable across documents")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        return tab

    # -- saving ---------------------------------------------------------------------
    def edited(self) -> PrivacySettings:
        from engine.privacy.settings import PrivacySettings, WorkspacePattern

        patterns = tuple(WorkspacePattern(*(self._cell(r, c).strip() if c < 2 else self._cell(r, c)
                                            for c in range(3)))
                         for r in range(self.patterns.rowCount())
                         if self._cell(r, 0).strip() or self._cell(r, 1).strip())
        default = round(self.default_threshold.value(), 2)
        thresholds: dict[str, float] = {}
        operators: dict[str, str] = {}
        for r, entity in enumerate(self._rule_types):
            spin = self.rules.cellWidget(r, 1)
            combo = self.rules.cellWidget(r, 2)
            if isinstance(spin, QDoubleSpinBox):
                value = round(spin.value(), 2)
                # a row left at the old default follows the default, whatever it becomes
                own = entity in self.settings.thresholds or value != self.settings.default_threshold
                if own and value != default:
                    thresholds[entity] = value
            if isinstance(combo, QComboBox) and combo.currentText() != "placeholder":
                operators[entity] = combo.currentText()
        return PrivacySettings(patterns=patterns, deny_list=tuple(self.deny.toPlainText().splitlines()),
                               allow_list=tuple(self.allow.toPlainText().splitlines()),
                               default_threshold=default, thresholds=thresholds, operators=operators)

    def save(self) -> None:
        from engine.errors import AirlockError

        try:
            self.settings = self.ws.privacy.save_settings(self.edited())
            keep = self.keep_originals.isChecked()
            if keep != self.ws.privacy.keep_originals():
                signature = (sign_dialog.ask_signature(self, "keeping original documents", self.ws.identity.os_user)
                             if keep else None)
                if keep and signature is None:
                    return
                with signing(signature):
                    self.ws.privacy.set_keep_originals(keep)
        except AirlockError as exc:
            self.error.setText(str(exc))
            self.error.show()
            dialogs.show_error(self, "Cannot save the privacy settings", str(exc))
            return
        self.accept()
