"""Members: who may work in this workspace and in which role. Admins change it; everyone else reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import dialogs
from desktop.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from engine.identity import ROLES

if TYPE_CHECKING:
    from engine.workspace import Workspace

ROLE_HELP = {
    "admin": "members and roles, workspace settings, keep-originals, and all expert work",
    "expert": "documents, PII review, tasks, labelling, datasets, training, export, evaluation, promotion",
    "operator": "console, batches and the review queue's corrections",
    "auditor": "reads everything, verifies, exports reports, signs seals; changes nothing",
}


class MembersDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("Members")
        self.resize(640, 440)
        self.is_admin = ws.membership.can("admin")
        layout = QVBoxLayout(self)
        me = ws.identity.os_user
        admins = ", ".join(ws.membership.admins()) or "nobody"
        self.intro = intro = QLabel(f"You are <b>{me}</b>. " + (
            "As an admin you add members, change their roles and remove them; every change is audited."
            if self.is_admin else f"Only an admin ({admins}) can change members; ask them."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["OS account", "Role", "Added"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 130)
        layout.addWidget(self.table, 1)

        help_text = QLabel("<br>".join(f"<b>{role}</b>: {text}" for role, text in ROLE_HELP.items()))
        help_text.setObjectName("Muted")
        help_text.setWordWrap(True)
        layout.addWidget(help_text)

        add_row = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("OS account name")
        self.name_edit.setToolTip("The account name as `whoami` prints it on this computer")
        self.role_pick = QComboBox()
        self.role_pick.addItems(list(ROLES))
        self.role_pick.setCurrentText("expert")
        self.add_button = QPushButton("Add member")
        self.add_button.clicked.connect(self.add_member)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self.remove_selected)
        for widget in (self.name_edit, self.role_pick, self.add_button, self.remove_button):
            add_row.addWidget(widget, 1 if widget is self.name_edit else 0)
            widget.setVisible(self.is_admin)
        layout.addLayout(add_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        members = self.ws.membership.list()
        self.table.setRowCount(len(members))
        for row, m in enumerate(members):
            you = "  (you)" if m.os_user == self.ws.identity.os_user else ""
            name = QTableWidgetItem(m.os_user + you)
            name.setData(256, m.os_user)  # Qt.UserRole: the account without "(you)"
            self.table.setItem(row, 0, name)
            if self.is_admin:
                pick = QComboBox()
                pick.addItems(list(ROLES))
                pick.setCurrentText(m.role)
                pick.currentTextChanged.connect(lambda role, user=m.os_user: self.change_role(user, role))
                self.table.setCellWidget(row, 1, pick)
            else:
                self.table.setItem(row, 1, QTableWidgetItem(m.role))
            self.table.setItem(row, 2, QTableWidgetItem(m.added_at.replace("T", " ")))

    def _try(self, title: str, action: object) -> bool:
        from engine.errors import AirlockError

        try:
            action()  # type: ignore[operator]
        except AirlockError as exc:
            dialogs.show_error(self, title, str(exc))
            self.reload()
            return False
        return True

    def add_member(self) -> None:
        name = self.name_edit.text().strip()
        if self._try("Could not add the member", lambda: self.ws.membership.add(name, self.role_pick.currentText())):
            self.name_edit.clear()
            self.reload()

    def change_role(self, user: str, role: str) -> None:
        self._try("Could not change the role", lambda: self.ws.membership.set_role(user, role))

    def selected_user(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return str(item.data(256)) if item is not None else None

    def remove_selected(self) -> None:
        user = self.selected_user()
        if user and self._try("Could not remove the member", lambda: self.ws.membership.remove(user)):
            self.reload()
