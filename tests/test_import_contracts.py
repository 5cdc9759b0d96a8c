"""The import contracts in pyproject.toml ([tool.importlinter]) hold, and they do catch a break.

The engine never imports Qt or the desktop; the desktop reaches data only through the services
(never engine.store or sqlalchemy); the CLI sits over the workspace, the workspace over the domains,
the domains over the store; datasets build on tasks, and tasks never import datasets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
LAYER_PACKAGES = ["cli", "workspace", "tasks", "documents", "privacy", "datasets", "training", "models",
                  "evaluation", "console", "store"]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd), "NO_COLOR": "1"})


def test_the_project_keeps_its_import_contracts() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 4 kept, 0 broken." in done.stdout


def _tiny_project(tmp: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp / "pyproject.toml")
    for name in LAYER_PACKAGES:
        package = tmp / "engine" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
    (tmp / "engine" / "__init__.py").write_text("")
    (tmp / "engine" / "training" / "worker.py").write_text("def main() -> None:\n    import engine.workspace\n")
    (tmp / "desktop").mkdir()
    (tmp / "desktop" / "__init__.py").write_text("")


def test_a_desktop_module_reading_the_store_breaks_the_build(tmp_path: Path) -> None:
    _tiny_project(tmp_path)
    assert _lint(tmp_path).returncode == 0
    (tmp_path / "desktop" / "sneaky.py").write_text("from engine.store import models\n")
    done = _lint(tmp_path)
    assert done.returncode == 1
    assert "desktop.sneaky -> engine.store" in done.stdout and "1 broken" in done.stdout


def test_the_engine_importing_qt_or_a_domain_importing_the_cli_breaks_the_build(tmp_path: Path) -> None:
    _tiny_project(tmp_path)
    (tmp_path / "engine" / "datasets" / "chart.py").write_text("import desktop\n")
    (tmp_path / "engine" / "tasks" / "shortcut.py").write_text("from engine import cli\n")
    done = _lint(tmp_path)
    assert done.returncode == 1 and "2 broken" in done.stdout
    assert "engine.datasets.chart -> desktop" in done.stdout
    assert "engine.tasks.shortcut -> engine.cli" in done.stdout


def test_tasks_importing_datasets_breaks_the_build(tmp_path: Path) -> None:
    _tiny_project(tmp_path)
    (tmp_path / "engine" / "datasets" / "freezing.py").write_text("from engine.tasks import labels\n")
    (tmp_path / "engine" / "tasks" / "labels.py").write_text("")
    assert _lint(tmp_path).returncode == 0  # datasets over tasks is the allowed direction
    (tmp_path / "engine" / "tasks" / "dedupe.py").write_text("from engine.datasets import freezing\n")
    done = _lint(tmp_path)
    assert done.returncode == 1 and "1 broken" in done.stdout
    assert "Datasets build on tasks, never the other way round BROKEN" in done.stdout
    assert "engine.tasks.dedupe -> engine.datasets.freezing" in done.stdout
