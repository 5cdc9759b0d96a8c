"""The Lineage view: a model, run or version followed down to its sources, as a tree, exportable as HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import dialogs
from desktop.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from engine.workspace import Workspace


def _sig(sig: dict[str, Any] | None) -> str:
    return f"signed {sig['meaning']} by {sig['signer']}: {sig['reason']}" if sig else "unsigned"


def _node(parent: QTreeWidget | QTreeWidgetItem, what: str, detail: str = "") -> QTreeWidgetItem:
    item = QTreeWidgetItem([what, detail])
    if isinstance(parent, QTreeWidget):
        parent.addTopLevelItem(item)
    else:
        parent.addChild(item)
    return item


def fill(tree_widget: QTreeWidget, tree: dict[str, Any]) -> None:
    """artifact → run → version → examples / documents → redactions; evaluations and promotions."""
    tree_widget.clear()
    top: QTreeWidget | QTreeWidgetItem = tree_widget
    for a in tree["artifacts"]:
        top = _node(tree_widget, f"Model {a['name']}", f"{a['kind']} {a['quantization'] or ''} · sha256 "
                    f"{a['sha256'][:16]}…" + (" · promoted" if a["promoted"] else ""))
    for r in tree["runs"]:
        run = _node(top, f"Training run {r['id']}", f"{r['status']} · {r['backend']} · seed {r['seed']} · by "
                    f"{r['created_by']}")
        _node(run, "Config", json.dumps(r["config"], sort_keys=True))
        _node(run, "Hardware", json.dumps(r.get("hardware", {}), sort_keys=True))
        _node(run, "Library versions", json.dumps(r.get("versions", {}), sort_keys=True))
        top = run
    v = tree["dataset_version"]
    if v:
        version = _node(top, f"Dataset version {v['id']} “{v['name']}”", f"hash {v['content_hash'][:16]}… · "
                        f"by {v['created_by']} · {_sig(v.get('signature'))}")
        examples = _node(version, f"{len(tree['examples'])} examples",
                         " · ".join(f"{k} {n}" for k, n in v["splits"].items()))
        for f in tree["import_files"]:
            _node(examples, f"Import file {f['file']}", f"sha256 {str(f['sha256'])[:16]}… · examples "
                  f"{f['first_example']}–{f['last_example']} · by {f['by']}")
        for d in tree["documents"]:
            doc = _node(examples, f"Document {d['id']} {d['source_name']}", f"sha256 {d['sha256'][:16]}… · "
                        f"{len(d['redactions'])} redaction decisions")
            for r in d["redactions"]:
                _node(doc, f"{r['entity_type']} at {r['start']}–{r['end']}",
                      f"{r['decision']} by {r['by'] or '—'} {r['at'] or ''}")
        ann = tree["annotators"]
        agreement = ann.get("agreement") or {}
        _node(version, "Annotators", f"{', '.join(ann.get('names', []))} · double-labelled "
              f"{agreement.get('double_labelled')} · agreement {agreement.get('percent')}")
    for e in tree["evaluations"]:
        _node(tree_widget, f"Evaluation {e['id']}", f"{e['model']} on {e['split']} · {e['status']} · by {e['by']}")
    for g in tree["gates_and_promotions"]:
        _node(tree_widget, g["action"], f"event {g['seq']} by {g['user']} · {_sig(g['details'].get('signature'))}")
    tree_widget.expandAll()
    tree_widget.resizeColumnToContents(0)


class LineageDialog(QDialog):
    def __init__(self, ws: Workspace, target: str, parent: QWidget | None = None) -> None:
        from engine.lineage import build

        super().__init__(parent)
        self.ws = ws
        self.tree_data = build(ws, target)
        self.setWindowTitle(f"Lineage of {target}")
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        note = QLabel("From the model down to its sources. Redaction decisions show entity types and offsets, "
                      "never the values.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["What", "Details"])
        layout.addWidget(self.tree, 1)
        fill(self.tree, self.tree_data)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("Export HTML…")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.ask_export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def export(self, out: Path) -> Path:
        from engine.lineage_report import write

        return write(self.ws, self.tree_data, out)

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export lineage report", "lineage.html", "HTML (*.html)")
        if not name:
            return
        try:
            self.export(Path(name))
        except OSError as exc:
            dialogs.show_error(self, "Could not write the report", str(exc))


def add_lineage_button(page: Any, target: Any) -> QPushButton:
    """A "Lineage…" button in a page's header that opens the view for ``target()`` (e.g. "run:3"),
    the page's current selection; it says so when nothing is selected."""
    button = QPushButton("Lineage…")
    button.setToolTip("Follow the selected item down to its data, documents and redaction decisions")

    def open_view() -> None:
        chosen = target()
        if page.ws is None or chosen is None:
            page.show_banner("Select a row first to follow its lineage.", "info")
            return
        try:
            LineageDialog(page.ws, chosen, page).exec()
        except Exception as exc:  # an unknown target must not take the page down
            dialogs.show_error(page, "No lineage", str(exc))

    button.clicked.connect(open_view)
    page.header_actions.addWidget(button)
    return button


def selected_target(table: Any, kind: str) -> str | None:
    """`kind:id` of the row selected in a DataTable whose rows have an ``id`` (None: nothing selected)."""
    row = table.selected_row()
    return f"{kind}:{row.id}" if row is not None else None
