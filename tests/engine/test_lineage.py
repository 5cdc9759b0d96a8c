"""Lineage: from a model artifact down to the run, the dataset version, its examples, the source
documents and import files (sha256), the redaction decisions (never the values) and the annotators;
and across to evaluations and signed promotions. Built from a workspace filled through the real
services (real presidio scan and redaction); the run and artifact rows stand in for a training."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.clock import now
from engine.datasets.freeze import SplitPlan
from engine.lineage import UnknownLineageTarget, build
from engine.signatures import Signature, signing
from engine.store.models import BaseModel, ModelArtifact, TrainingRun
from engine.workspace import Workspace
from tests.engine.tasks_data import LABELS

LETTER = ("Dear Anna Schmidt,\nthe pump on line 3 leaks oil again; call John Miller on +1 (212) 555-0134.\n"
          "Anna Schmidt, maintenance\n")
PLANTED = ["Anna Schmidt", "John Miller", "555-0134"]
# plain reports with nothing a PII detector could ask to review (the import holds uncertain rows back)
PLAIN_ROWS = [(f"{what} on line {i} {how}", label) for i in range(1, 15)
              for what, how, label in (("fuse", "blown again", "electrical"), ("belt", "slipping badly", "mechanical"),
                                       ("hose", "leaking oil", "hydraulic"))][:40]


@pytest.fixture
def traced(workspace: Workspace, tmp_path: Path) -> tuple[Workspace, int, int]:
    ws = workspace
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    (doc_id,) = ws.documents.import_files([letter]).imported
    ws.privacy.scan(doc_id)
    ws.privacy.accept_all(doc_id)
    ws.privacy.redact_document(doc_id)
    task = ws.tasks.create("triage", "classification", {"labels": LABELS}, "Triage.", "Report: {input}")
    (from_doc,) = ws.tasks.examples_from_documents(task.id, [doc_id])
    ws.tasks.set_label(from_doc, "hydraulic")
    rows = tmp_path / "rows.csv"
    rows.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in PLAIN_ROWS))
    ws.tasks.import_examples(task.id, rows)
    reviews = getattr(ws.tasks, "example_reviews", None)  # rows a PII detector doubted wait for a review
    for review in reviews.open_reviews(task.id) if reviews is not None else []:
        reviews.decide([f.id for item in reviews.items(review.review_id) for f in item.findings], "rejected")
        reviews.finish(review.review_id)
    ws.tasks.set_label(from_doc, "hydraulic", annotator="ben")
    with signing(Signature("approved", "labels checked by two people")):
        version = ws.datasets.freeze(task.id, "v1", SplitPlan(token_lengths=False))
    with ws.unit() as s:
        base = BaseModel(name="tiny", path="/models/tiny", format="hf", sha256="b" * 64, architecture="llama",
                         registered_at=now())
        s.add(base)
        s.flush()
        run = TrainingRun(dataset_version_id=version.id, base_model_id=base.id, config=json.dumps({"epochs": 1}),
                          status="succeeded", backend="trl-peft", run_dir="runs/1", seed=7,
                          dataset_hash=version.content_hash, base_model_sha256=base.sha256,
                          environment=json.dumps({"versions": {"torch": "2.x"}, "hardware": {"cpu": "test"}}),
                          created_by="tester", created_at=now())
        s.add(run)
        s.flush()
        art = ModelArtifact(name="triage-v1 Q8_0", kind="gguf", quantization="Q8_0", sha256="a" * 64,
                            size_bytes=1, path="/models/x.gguf", run_id=run.id, created_at=now())
        s.add(art)
        s.flush()
        with signing(Signature("responsible", "release 1 for the night shift")):
            ws.audit.record(s, "model.promoted", f"artifact:{art.id}", {"previous": None})
        return ws, int(art.id), doc_id


def test_lineage_follows_an_artifact_to_its_sources(traced: tuple[Workspace, int, int], tmp_path: Path) -> None:
    ws, art_id, doc_id = traced
    tree = build(ws, f"artifact:{art_id}")
    assert [a["id"] for a in tree["artifacts"]] == [art_id]
    (run,) = tree["runs"]
    assert (run["seed"], run["backend"], run["hardware"], run["config"]) == (7, "trl-peft", {"cpu": "test"},
                                                                          {"epochs": 1})
    version = tree["dataset_version"]
    assert run["dataset_hash"] == version["content_hash"]
    assert version["signature"]["meaning"] == "approved"
    assert len(tree["examples"]) == 41
    from_doc = [x for x in tree["examples"] if x["document_id"] == doc_id]
    assert len(from_doc) == 1 and from_doc[0]["annotators"] == ["ben", "tester"]
    imported = [x for x in tree["examples"] if x["import_file"] == "rows.csv"]
    assert len(imported) == 40
    assert tree["import_files"] and {f["file"] for f in tree["import_files"]} == {"rows.csv"}
    # the plain rows and the rows held for a PII review both name the file's sha256 and format
    assert len(tree["import_files"]) == 2
    assert {(f["sha256"], f["format"]) for f in tree["import_files"]} == {
        (hashlib.sha256((tmp_path / "rows.csv").read_bytes()).hexdigest(), "csv")}
    (doc,) = tree["documents"]
    assert doc["sha256"] == hashlib.sha256(LETTER.encode()).hexdigest()
    kinds = {r["entity_type"] for r in doc["redactions"]}
    assert "PERSON" in kinds and all(r["by"] == "tester" and r["end"] > r["start"] for r in doc["redactions"])
    assert tree["annotators"]["names"] == ["ben", "import:tester", "tester"]
    assert tree["annotators"]["agreement"]["double_labelled"] == 1
    (promotion,) = tree["gates_and_promotions"]
    assert promotion["details"]["signature"]["reason"] == "release 1 for the night shift"
    dumped = json.dumps(tree)
    assert [v for v in PLANTED if v in dumped] == []  # offsets and types only, never the values


def test_the_same_lineage_from_the_run_and_the_version(traced: tuple[Workspace, int, int]) -> None:
    ws, art_id, _ = traced
    by_artifact = build(ws, f"artifact:{art_id}")
    run_id = by_artifact["runs"][0]["id"]
    version_id = by_artifact["dataset_version"]["id"]
    for target in (f"run:{run_id}", f"training_run:{run_id}", f"version:{version_id}"):
        tree = build(ws, target)
        assert [a["id"] for a in tree["artifacts"]] == [art_id]
        assert tree["dataset_version"]["content_hash"] == by_artifact["dataset_version"]["content_hash"]
    with pytest.raises(UnknownLineageTarget, match="no model artifact 99"):
        build(ws, "artifact:99")
    with pytest.raises(UnknownLineageTarget, match=r"e\.g\. artifact:3"):
        build(ws, "model three")


def test_cli_prints_json_and_writes_an_html_report(traced: tuple[Workspace, int, int], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    ws, art_id, _ = traced
    w = ["--workspace", str(ws.root)]
    assert main(["lineage", f"artifact:{art_id}", *w]) == 0
    out = capsys.readouterr().out
    assert "signed approved by tester: labels checked by two people" in out
    assert "import file rows.csv" in out and "redaction decisions" in out
    assert main(["lineage", f"artifact:{art_id}", "--json", *w]) == 0
    assert json.loads(capsys.readouterr().out)["target"] == f"artifact:{art_id}"
    report = tmp_path / "lineage.html"
    assert main(["lineage", f"artifact:{art_id}", "--html", str(report), *w]) == 0
    page = report.read_text()
    assert "Lineage of artifact:" in page and "responsible" in page and "release 1 for the night shift" in page
    assert [v for v in PLANTED if v in page] == []
    (exported,) = ws.audit.entries(action="lineage.exported")
    assert exported.details == {"file": "lineage.html"}
    assert main(["lineage", "artifact:99", *w]) == 2
