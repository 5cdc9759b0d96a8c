"""A task as the rest of the engine sees it: a plain, frozen copy of the stored row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.store.models import Task
from engine.tasks.validation import label_names


@dataclass(frozen=True)
class TaskInfo:
    id: int
    name: str
    kind: str  # classification | extraction | generation
    labels: tuple[str, ...]  # label names of a classification task, else ()
    spec: dict[str, Any]
    system_prompt: str
    user_template: str

    @property
    def schema(self) -> dict[str, Any] | None:
        """The JSON schema of an extraction task."""
        schema = self.spec.get("schema")
        return dict(schema) if isinstance(schema, dict) else None

    def fingerprint(self) -> str:
        """What a dataset version depends on besides its items."""
        return json.dumps([self.kind, self.spec, self.system_prompt, self.user_template], sort_keys=True)


def task_info(task: Task) -> TaskInfo:
    spec = task.spec
    return TaskInfo(task.id, task.name, task.kind, label_names(spec), spec, task.system_prompt, task.user_template)
