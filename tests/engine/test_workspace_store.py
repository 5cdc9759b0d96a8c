"""The workspace store below the services: every service is built with it and its named peers (none holds
the whole workspace), and closing the workspace closes the store and what its services registered."""

from __future__ import annotations

from pathlib import Path

from engine.store.workspace_store import WorkspaceStore
from engine.workspace import Workspace

SERVICES = ("membership", "documents", "privacy", "tasks", "datasets", "training", "models", "evaluation", "console")


def test_every_service_is_built_on_the_store_with_its_peers_named(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "ws") as ws:
        assert isinstance(ws.store, WorkspaceStore)
        for name in SERVICES:
            service = getattr(ws, name)
            assert service.store is ws.store, name
            assert not hasattr(service, "ws"), f"{name} reaches back into the whole workspace"
        assert ws.datasets.tasks is ws.tasks and ws.datasets.models is ws.models
        assert ws.training.datasets is ws.datasets and ws.evaluation.datasets is ws.datasets
        assert ws.documents.privacy is ws.privacy and ws.tasks.privacy is ws.privacy
        assert ws.tasks.example_reviews.tasks is ws.tasks
        # what the facade shows is the store's own
        assert ws.root == ws.store.root and ws.audit is ws.store.audit and ws.identity is ws.store.identity


def test_closing_runs_what_was_registered_newest_first(tmp_path: Path) -> None:
    closed: list[str] = []
    ws = Workspace.create(tmp_path / "ws")
    ws.store.on_close(lambda: closed.append("first"))
    ws.store.on_close(lambda: closed.append("second"))
    ws.close()
    assert closed == ["second", "first"]
    ws.close()  # closing again does nothing more
    assert closed == ["second", "first"]
