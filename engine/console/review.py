"""The review queue: flagged console answers, confirmed or corrected by an operator, become
labelled examples of the task (origin ``correction``, linked both ways to the console call),
ready for the next dataset version."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from engine.clock import now
from engine.console.calls import CallInfo
from engine.errors import AirlockError
from engine.store.models import ConsoleCall, Example, Label
from engine.tasks.service import TaskInfo

if TYPE_CHECKING:
    from engine.console.calls import CallLog
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.service import TaskService
    from engine.workspace import Workspace

ORIGIN = "correction"


def _checked_value(task: TaskInfo, value: str) -> str:
    if task.kind == "classification":
        if value not in task.labels:
            raise AirlockError(f"{value!r} is not in the label set of task {task.name}: {', '.join(task.labels)}")
        return value
    from jsonschema import ValidationError, validate

    try:
        parsed = json.loads(value)
        schema = task.spec.get("schema")
        if isinstance(schema, dict):
            validate(parsed, schema)
    except json.JSONDecodeError as exc:
        raise AirlockError(f"the correction is not valid JSON: {exc}") from exc
    except ValidationError as exc:
        raise AirlockError(f"the correction does not fit the task's schema: {exc.message}") from exc
    return json.dumps(parsed, ensure_ascii=False, sort_keys=True)



class ReviewQueue:
    """The console's review queue, over the workspace store; ``ws.console.reviews``."""

    def __init__(self, store: WorkspaceStore, membership: MembershipService, tasks: TaskService,
                 log: CallLog) -> None:
        self.store = store
        self.membership = membership
        self.tasks = tasks
        self.log = log

    def queue(self, task_id: int | None = None, limit: int = 500) -> list[CallInfo]:
        """Flagged classification/extraction answers nobody has reviewed yet, newest first."""
        items = [c for c in self.log.calls(flagged=True, unreviewed=True, limit=limit)
                 if c.mode in ("classify", "extract")]
        return [c for c in items if task_id is None or c.task_id == task_id]

    def resolve(self, call_id: int, value: str | None = None) -> int:
        """Turn a console answer into a labelled example: ``value`` None confirms the model's answer,
        otherwise it is the operator's correction. Returns the example id."""
        self.membership.require("operator", "the review queue")
        with self.store.unit() as s:
            call = s.get(ConsoleCall, call_id)
            if call is None:
                raise AirlockError(f"no console call with id {call_id}")
            if call.task_id is None or call.mode not in ("classify", "extract"):
                raise AirlockError(f"console call {call_id} ({call.mode}) belongs to no task")
            if call.example_id is not None:
                raise AirlockError(f"console call {call_id} was already reviewed (example {call.example_id})")
            task = self.tasks.get(call.task_id)
            label = _checked_value(task, call.output if value is None else value)
            corrected = label != _checked_value(task, call.output)
            ex = Example(task_id=task.id, document_id=None, origin=ORIGIN, input_text=call.redacted_input,
                         note=f"console call {call_id}: model answered {call.output}"
                              f"{' (corrected)' if corrected else ' (confirmed)'}", created_at=now())
            s.add(ex)
            s.flush()
            s.add(Label(example_id=ex.id, annotator=self.store.identity.os_user, value=label, created_at=now()))
            call.example_id = ex.id
            call.reviewed = "corrected" if corrected else "accepted"
            self.store.audit.record(s, "console.reviewed", f"console_call:{call_id}",
                                    {"example": ex.id, "task": task.id, "model_answer": call.output,
                                     "label": label, "corrected": corrected})
            return ex.id

    def dismiss(self, call_id: int) -> None:
        """Take an answer off the queue without making an example of it (e.g. an unusable input)."""
        self.membership.require("operator", "the review queue")
        with self.store.unit() as s:
            call = s.get(ConsoleCall, call_id)
            if call is None:
                raise AirlockError(f"no console call with id {call_id}")
            call.reviewed = "dismissed"
            self.store.audit.record(s, "console.dismissed", f"console_call:{call_id}", {})


# The module's functions, as before: they go through the workspace's console service.
def queue(ws: Workspace, task_id: int | None = None, limit: int = 500) -> list[CallInfo]:
    return ws.console.reviews.queue(task_id, limit)


def resolve(ws: Workspace, call_id: int, value: str | None = None) -> int:
    return ws.console.reviews.resolve(call_id, value)


def dismiss(ws: Workspace, call_id: int) -> None:
    ws.console.reviews.dismiss(call_id)
