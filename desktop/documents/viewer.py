"""The selected document on the Documents page: its name, the scan / mark / redact buttons, a note
saying how far it got, the legend, and its text with the PII findings highlighted.

The page decides what is shown (and wires the buttons); this widget lays it out and words the note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.qt import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from desktop.widgets.pii_text import EntityLegend, PiiTextView

if TYPE_CHECKING:
    from engine.documents.listing import DocumentRow

STATUS_NOTES = {"imported": "imported, not scanned for PII yet",
                "scanned": "scanned: review every finding, then redact and clear",
                "cleared": "cleared: redacted, may feed examples"}


class DocumentViewer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(6)
        title_row = QHBoxLayout()
        self.doc_title = QLabel("Select a document to read it")
        self.doc_title.setObjectName("SectionTitle")
        title_row.addWidget(self.doc_title, 1)
        layout.addLayout(title_row)
        self.scan_button = self._button("Scan for PII", "Detect PII in this document (a job you can cancel)")
        self.scan_all_button = self._button("Scan all new", "Scan every document not scanned yet")
        self.mark_button = self._button("Mark selection…",
                                        "Mark the selected text as PII the detector missed (or right-click it)")
        self.redact_button = self._button("Redact and clear",
                                          "Replace every accepted span and discard the original text")
        self.redact_button.setProperty("accent", "true")
        actions = QHBoxLayout()
        for button in (self.scan_button, self.scan_all_button, self.mark_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.redact_button)
        layout.addLayout(actions)
        self.doc_note = QLabel()
        self.doc_note.setObjectName("Muted")
        self.doc_note.setWordWrap(True)
        layout.addWidget(self.doc_note)
        self.legend = EntityLegend()
        layout.addWidget(self.legend)
        self.text_view = PiiTextView()
        self.text_view.setPlaceholderText("The selected document's text appears here, its PII highlighted.")
        layout.addWidget(self.text_view, 1)

    @staticmethod
    def _button(text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        return button

    def show_gone(self, row: DocumentRow | None) -> None:
        """Nothing to show: no document selected, or it left the workspace meanwhile."""
        self.doc_title.setText("Select a document to read it" if row is None else row.name)
        self.doc_note.setText("" if row is None else "This document is no longer in the workspace.")
        self.legend.set_spans([])
        self.text_view.set_content("", [])

    def show_note(self, row: DocumentRow | None, editable: bool, pending: int, found: int) -> None:
        """How far the document got and what is left to do with it."""
        if row is None:
            self.doc_note.clear()
            return
        status = STATUS_NOTES.get(row.status, row.status)
        if editable:
            detail = (f"{fmt.count(pending, 'finding')} awaiting review." if pending else
                      "Every finding is decided: redact and clear when ready." if row.status == "scanned"
                      else "")
            note = f"Status: {status}. {detail}  Original text, kept only while under review."
        else:
            note = (f"Status: {status}. Redacted text: each placeholder stands for one PII value, "
                    f"consistently per document. {fmt.count(found, 'finding')}.")
        self.doc_note.setText(note)
