"""Lineage an auditor can follow: from a model artifact, a training run or a dataset version down to its
sources, and across to what used it.

artifact -> training run (config, seed, backend, library versions, hardware) -> dataset version (hash,
freeze signature) -> examples -> source documents or import files (sha256) -> redaction decisions
(who, when, entity type, offsets; never the value) -> annotators and agreement; plus the evaluations,
gate decisions and promotions of the artifacts involved. Plain JSON values throughout, so the CLI
prints it, the GUI shows it and ``engine.lineage_report`` renders it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import AirlockError
from engine.store.models import (
    AuditEvent,
    DatasetItem,
    DatasetVersion,
    Document,
    EvaluationRun,
    Example,
    Label,
    ModelArtifact,
    PiiFinding,
    TrainingRun,
)
from engine.training.provenance import run_record

if TYPE_CHECKING:
    from engine.workspace import Workspace

KINDS = {"artifact": "artifact", "model": "artifact", "run": "training_run", "training_run": "training_run",
         "version": "dataset_version", "dataset_version": "dataset_version"}


class UnknownLineageTarget(AirlockError):
    pass


def parse_target(target: str) -> tuple[str, int]:
    """`artifact:3`, `run:2`, `version:1` (or the audit subjects training_run:2, dataset_version:1)."""
    kind, _, ident = target.partition(":")
    if kind not in KINDS or not ident.isdigit():
        raise UnknownLineageTarget(f"{target!r}: name an artifact, run or version, e.g. artifact:3, run:2 "
                                   "or version:1")
    return KINDS[kind], int(ident)


def _when(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _events(s: Session, subjects: list[str], actions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    stmt = select(AuditEvent).where(AuditEvent.subject.in_(subjects)).order_by(AuditEvent.seq)
    rows = s.scalars(stmt).all()
    return [{"seq": e.seq, "ts": e.ts, "user": e.os_user, "role": e.role, "action": e.action,
             "subject": e.subject, "details": json.loads(e.details), "hash": e.hash}
            for e in rows if not actions or e.action.startswith(actions)]


def _artifact(a: ModelArtifact) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "kind": a.kind, "quantization": a.quantization, "sha256": a.sha256,
            "size_bytes": a.size_bytes, "promoted": a.promoted, "created_at": _when(a.created_at)}


def build(ws: Workspace, target: str) -> dict[str, Any]:
    kind, ident = parse_target(target)
    with ws.reader() as s:
        artifacts: list[ModelArtifact] = []
        runs: list[TrainingRun] = []
        if kind == "artifact":
            art = s.get(ModelArtifact, ident)
            if art is None:
                raise UnknownLineageTarget(f"no model artifact {ident}")
            artifacts = [art]
            runs = [r for r in [s.get(TrainingRun, art.run_id)] if r is not None] if art.run_id else []
            version_id = runs[0].dataset_version_id if runs else None
        elif kind == "training_run":
            run = s.get(TrainingRun, ident)
            if run is None:
                raise UnknownLineageTarget(f"no training run {ident}")
            runs = [run]
            artifacts = list(s.scalars(select(ModelArtifact).where(ModelArtifact.run_id == ident)))
            version_id = run.dataset_version_id
        else:
            version_id = ident
            runs = list(s.scalars(select(TrainingRun).where(TrainingRun.dataset_version_id == ident)))
            run_ids = [r.id for r in runs]
            artifacts = list(s.scalars(select(ModelArtifact).where(ModelArtifact.run_id.in_(run_ids))))
        version = s.get(DatasetVersion, version_id) if version_id is not None else None
        if kind == "dataset_version" and version is None:
            raise UnknownLineageTarget(f"no dataset version {ident}")
        out: dict[str, Any] = {"target": f"{kind}:{ident}", "workspace": ws.name,
                               "generated_by": ws.identity.os_user}
        out["artifacts"] = [_artifact(a) for a in artifacts]
        out["runs"] = [{"id": r.id, "created_by": r.created_by, "created_at": _when(r.created_at), **run_record(r)}
                       for r in runs]
        out["dataset_version"] = _version(s, version) if version is not None else None
        out.update(_sources(s, version.id) if version is not None else
                   {"examples": [], "documents": [], "import_files": [], "annotators": {}})
        art_ids = [a.id for a in artifacts]
        out["evaluations"] = [
            {"id": e.id, "model": e.model_label, "artifact_id": e.artifact_id, "split": e.split,
             "dataset_version_id": e.dataset_version_id, "status": e.status,
             "metrics": e.metrics or {}, "by": e.created_by,
             "started_at": _when(e.started_at)}
            for e in s.scalars(select(EvaluationRun).where(
                (EvaluationRun.artifact_id.in_(art_ids)) | (EvaluationRun.dataset_version_id == version_id))
                .order_by(EvaluationRun.id))]
        out["gates_and_promotions"] = _events(s, [f"artifact:{i}" for i in art_ids], ("model.promoted",))
        out["events"] = _events(s, [f"artifact:{i}" for i in art_ids] + [f"training_run:{r.id}" for r in runs]
                                + ([f"dataset_version:{version_id}"] if version_id is not None else []))
    if version is not None:
        agreement = ws.tasks.agreement(out["dataset_version"]["task_id"])
        out["annotators"]["agreement"] = {"double_labelled": agreement.n_double_labelled,
                                          "percent": agreement.percent_agreement, "kappa": agreement.cohen_kappa,
                                          "meets_bar": agreement.meets_bar}
    return out


def _version(s: Session, v: DatasetVersion) -> dict[str, Any]:
    frozen = _events(s, [f"dataset_version:{v.id}"], ("dataset.frozen",))
    return {"id": v.id, "name": v.name, "task_id": v.task_id, "content_hash": v.content_hash, "seed": v.seed,
            "created_by": v.created_by, "created_at": _when(v.created_at),
            "splits": v.stats.get("splits", {}),
            "signature": frozen[0]["details"].get("signature") if frozen else None}


def _sources(s: Session, version_id: int) -> dict[str, Any]:
    items = s.execute(select(DatasetItem.example_id, DatasetItem.split, DatasetItem.content_hash,
                             Example.origin, Example.document_id, Example.task_id)
                      .join(Example, Example.id == DatasetItem.example_id)
                      .where(DatasetItem.version_id == version_id).order_by(DatasetItem.id)).all()
    ex_ids = [i.example_id for i in items]
    annotators: dict[int, list[str]] = defaultdict(list)
    for ex_id, who in s.execute(select(Label.example_id, Label.annotator).where(Label.example_id.in_(ex_ids))):
        annotators[ex_id].append(who)
    task_ids = {i.task_id for i in items}
    import_files = _import_files(s, task_ids)
    examples = []
    for i in items:
        source = next((f["file"] for f in import_files if f["first_example"] <= i.example_id <= f["last_example"]),
                      None)
        examples.append({"id": i.example_id, "split": i.split, "content_hash": i.content_hash, "origin": i.origin,
                         "document_id": i.document_id, "import_file": source,
                         "annotators": sorted(annotators[i.example_id])})
    doc_ids = sorted({i.document_id for i in items if i.document_id is not None})
    findings: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in s.scalars(select(PiiFinding).where(PiiFinding.document_id.in_(doc_ids)).order_by(PiiFinding.start)):
        findings[f.document_id].append({"entity_type": f.entity_type, "start": f.start, "end": f.end,
                                        "source": f.source, "decision": f.decision, "by": f.decided_by,
                                        "at": _when(f.decided_at)})
    documents = [{"id": d.id, "source_name": d.source_name, "sha256": d.sha256, "format": d.format,
                  "status": d.status, "imported_by": d.imported_by, "imported_at": _when(d.imported_at),
                  "redactions": findings[d.id]}
                 for d in s.scalars(select(Document).where(Document.id.in_(doc_ids)).order_by(Document.id))]
    people = sorted({who for names in annotators.values() for who in names})
    return {"examples": examples, "documents": documents,
            "import_files": [f for f in import_files if any(e["import_file"] == f["file"] for e in examples)],
            "annotators": {"names": people}}


def _import_files(s: Session, task_ids: set[int]) -> list[dict[str, Any]]:
    """Each import file and the examples it gave: straight imports, and rows held back for a PII review
    until the review finished (the import that held them names the file's sha256 and format too)."""
    imported = _events(s, [f"task:{t}" for t in task_ids], ("examples.imported",))
    held = {f"example_review:{e['details'].get('review_id')}": e["details"] for e in imported}
    reviewed: list[dict[str, Any]] = []
    for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "examples.review_finished")
                       .order_by(AuditEvent.seq)):
        earlier = held.get(e.subject, {})
        details = {"file_sha256": earlier.get("file_sha256"), "format": earlier.get("format"), **json.loads(e.details)}
        reviewed.append({"user": e.os_user, "ts": e.ts, "details": details})
    files = []
    for event in imported + [e for e in reviewed if e["details"].get("task_id") in task_ids]:
        d = event["details"]
        span = d.get("example_ids") or []
        if len(span) == 2:
            files.append({"file": d.get("file"), "sha256": d.get("file_sha256"), "format": d.get("format"),
                          "by": event["user"], "at": event["ts"], "first_example": span[0], "last_example": span[1]})
    return files
