"""Registering a base model from the GUI: a real tiny Hugging Face folder (built locally with
transformers), broken copies of it named in one line each, a chat template chosen for a model
that has none, and the dialog reached from the Training page's base model row."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine.architectures import build_tiny_folder, demo_tokenizer_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_folder("llama", tmp_path_factory.mktemp("models") / "tiny-llama", demo_tokenizer_dir(),
                             chat_template=False)


def _copy(folder: Path, target: Path, skip: tuple[str, ...] = ()) -> Path:
    shutil.copytree(folder, target, ignore=lambda _d, names: [n for n in names if n in skip])
    return target


@pytest.fixture
def dialog(qtbot: Any, styled_app: Any, workspace: Any) -> Iterator[Any]:
    from desktop.jobs import JobRunner
    from desktop.models.register_dialog import RegisterModelDialog

    runner = JobRunner()
    dlg = RegisterModelDialog(workspace, runner)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    yield dlg
    runner.shutdown(10)


def _shot(widget: Any, qtbot: Any, artifacts_dir: Path, name: str) -> None:
    qtbot.wait(50)
    screens = artifacts_dir / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(screens / f"{name}.png"))


def _refused(dialog: Any, qtbot: Any, path: Path, reason: str) -> None:
    dialog.inspect(path)
    qtbot.waitUntil(lambda: dialog.job.done, timeout=30_000)
    assert reason in dialog.facts_label.text(), dialog.facts_label.text()
    assert str(path) in dialog.facts_label.text() and "Traceback" not in dialog.facts_label.text()
    assert not dialog.register_button.isEnabled() and not dialog.progress.isVisible()


def test_broken_folders_are_refused_in_one_line(dialog: Any, qtbot: Any, tiny_llama: Path, tmp_path: Path,
                                                artifacts_dir: Path) -> None:
    _refused(dialog, qtbot, _copy(tiny_llama, tmp_path / "no-config", skip=("config.json",)),
             "not a model folder: no config.json")
    _refused(dialog, qtbot, _copy(tiny_llama, tmp_path / "no-tokenizer", skip=("tokenizer.json",)),
             "no tokenizer (tokenizer.json or tokenizer.model)")
    cut = _copy(tiny_llama, tmp_path / "cut")
    weights = cut / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    _refused(dialog, qtbot, cut, "model.safetensors: truncated: tensor data needs")
    _shot(dialog, qtbot, artifacts_dir, "register-model-truncated")
    _refused(dialog, qtbot, tmp_path / "nowhere", "no such file or folder")
    assert dialog.ws.models.bases() == []


def test_a_folder_without_chat_template_is_registered_with_the_chosen_one(
        dialog: Any, qtbot: Any, tiny_llama: Path, artifacts_dir: Path) -> None:
    from engine.models.chat_templates import LLAMA3

    registered: list[Any] = []
    dialog.registered.connect(registered.append)
    dialog.inspect(tiny_llama)
    qtbot.waitUntil(lambda: dialog.register_button.isEnabled(), timeout=30_000)
    text = dialog.facts_label.text()
    assert "Hugging Face folder · llama · 26.3M parameters · context 2,048" in text, text
    assert "no chat template" in text
    assert dialog.template.isEnabled() and dialog.template.currentData() == "llama3"  # the family's own
    _shot(dialog, qtbot, artifacts_dir, "register-model-found")
    dialog.name_edit.setText("tiny llama")
    dialog.register_button.click()
    qtbot.waitUntil(lambda: bool(registered), timeout=30_000)
    model = registered[0]
    assert (model.name, model.format, model.architecture, model.chat_template) == ("tiny llama", "hf", "llama",
                                                                                    LLAMA3)
    assert [b.name for b in dialog.ws.models.bases()] == ["tiny llama"]
    actions = [e.action for e in dialog.ws.audit.entries(newest_first=False)]
    assert actions[-2:] == ["model.base_registered", "model.chat_template_set"]


def test_the_training_page_opens_it_and_selects_the_new_model(
        qtbot: Any, styled_app: Any, workspace: Any, tiny_llama: Path, artifacts_dir: Path) -> None:
    from desktop.jobs import JobRunner
    from desktop.training.page import TrainingPage

    runner = JobRunner()
    page = TrainingPage(runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.set_workspace(workspace)
    page.form.add_base_button.click()
    dlg = page.register_dialog
    qtbot.waitExposed(dlg)
    dlg.inspect(tiny_llama)
    qtbot.waitUntil(lambda: dlg.register_button.isEnabled(), timeout=30_000)
    dlg.register_button.click()
    qtbot.waitUntil(lambda: page.form.selected_base() is not None
                    and page.form.selected_base().name == "tiny-llama", timeout=30_000)
    _shot(page, qtbot, artifacts_dir, "training-new-base-model")
    qtbot.waitUntil(lambda: not runner.running(), timeout=120_000)  # the page also registers the demo model
    runner.shutdown(10)
