"""Dialogs for choosing workspaces and for telling the user clearly what went wrong."""

from __future__ import annotations

from pathlib import Path

from desktop.qt import QFileDialog, QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(title)
    box.setInformativeText(message)
    if details:
        box.setDetailedText(details)
    box.exec()


def confirm(parent: QWidget | None, title: str, message: str, action: str) -> bool:
    """Ask before doing something the product advises against; the safe answer is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(title)
    box.setInformativeText(message)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is go


def explain_open_error(error: BaseException) -> tuple[str, str]:
    """(title, message) a person can act on, for an error met while opening a workspace."""
    from engine.errors import AirlockError, WorkspaceLocked, WorkspaceNotFound

    if isinstance(error, WorkspaceNotFound):
        return ("Not an Airlock workspace",
                f"{error}.\n\nChoose a folder that holds an Airlock workspace, or create a new one.")
    if isinstance(error, WorkspaceLocked):
        return "Workspace in use", str(error)
    if isinstance(error, AirlockError):
        return "Cannot open the workspace", str(error)
    if isinstance(error, OSError):
        return "Cannot open the workspace", f"{error.filename or ''} {error.strerror or error}".strip()
    if isinstance(error, ImportError):
        return "Not available in this installation", str(error)
    return "Unexpected error", f"{type(error).__name__}: {error}"


def choose_workspace_folder(parent: QWidget | None, start: Path | None = None) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "Open an Airlock workspace",
                                              str(start or Path.home()))
    return Path(folder) if folder else None


def choose_new_workspace_folder(parent: QWidget | None, start: Path | None = None) -> Path | None:
    folder = QFileDialog.getExistingDirectory(
        parent, "Choose an empty folder for the new workspace", str(start or Path.home()))
    return Path(folder) if folder else None


def new_workspace_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot hold a new workspace, or None when it can."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder."
    if folder.is_dir() and any(folder.iterdir()):
        return (f"{folder} is not empty. Choose an empty folder (or create one in the dialog) "
                "so the workspace's files stay apart from yours.")
    return None


def about(parent: QWidget | None) -> None:
    QMessageBox.about(
        parent, "About Airlock",
        "<b>Airlock</b><br>Build your team's own small language model on one workstation, "
        "offline: documents, PII redaction, labelling, dataset versions, LoRA training, GGUF "
        "export, console and evaluation, with a verifiable audit log.")
