"""The console's link to the inference process: one model kept loaded at a time, held exclusively in use.

A ``ModelLink`` loads the model at a path in its own inference process (engine.inference.runtime) the
first time it is used and keeps it until another path is asked for or the link closes. The workspace's
console service owns one for the console's model and one for the fallback model (engine/console/cascade.py),
and closes both when the workspace closes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.inference.runtime import LoadedModel


class ModelLink:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._loaded: dict[str, LoadedModel] = {}

    @contextmanager
    def using(self, path: Path) -> Iterator[LoadedModel]:
        """The loaded model for ``path``, loading it (and letting any other one go) when needed; no other
        thread uses the link until the block ends."""
        with self._lock:
            key = str(path)
            if key not in self._loaded:
                self.close()
                self._loaded[key] = LoadedModel(path)
            yield self._loaded[key]

    def loaded(self) -> LoadedModel | None:
        """The model kept loaded now (None: none). A look only: it does not wait for the caller using it
        (the monitor and the tests ask while an answer streams)."""
        models = list(self._loaded.values())  # a snapshot; the dict changes only under the lock
        return models[0] if models else None

    def close(self) -> None:
        """Let the loaded model's inference process go; the next ``using`` starts a fresh one."""
        with self._lock:
            for model in self._loaded.values():
                model.close()
            self._loaded.clear()
