"""The console on the real demo GGUF (registered as an artifact, no training needed): model picking and
refusal of bad files, streamed chat with stop, schema-valid extraction with a confidence, batch, the
call log and monitoring, the review queue, and the local endpoint on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.errors import AirlockError, InputFileError
from engine.paths import demo_model_path
from engine.workspace import Workspace

pytestmark = pytest.mark.slow  # every test runs the real model; ~1 min each on a loaded 2-core machine

SCHEMA = {"type": "object", "properties": {
    "category": {"enum": ["electrical", "mechanical", "hydraulic", "software"]},
    "area": {"type": "string", "maxLength": 40}}, "required": ["category", "area"]}
REPORT = "On the press line, the filler: the main breaker trips. Reported by Jonas Weber, +49 151 2345 6789."


@pytest.fixture(scope="module")
def console_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, int, int]]:
    """A workspace whose only model artifact is the demo GGUF, and an extraction task."""
    root = tmp_path_factory.mktemp("console") / "ws"
    ws = Workspace.create(root)
    copy = root.parent / "demo.gguf"
    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, copy)
    base = ws.models.ensure_demo_model()
    art = ws.models.add_artifact("demo-chat", "gguf", copy, "Q4_1", None, base.id, "test copy")
    task = ws.tasks.create("Fault fields", "extraction", {"schema": SCHEMA},
                           "Extract the fault category and the plant area from the report as JSON.",
                           "Report:\n{input}")
    yield ws, art.id, task.id
    from engine.console.models import unload_all

    unload_all()
    ws.close()


def test_a_file_that_is_not_gguf_or_is_truncated_is_refused_before_llama_cpp(
        console_ws: tuple[Workspace, int, int], tmp_path: Path) -> None:
    from engine.console import pick_model
    from engine.inference.runtime import LoadedModel

    ws, art_id, _ = console_ws
    good = ws.models.artifact(art_id).path
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a model" * 10)
    with pytest.raises(InputFileError, match=r"not a GGUF model file"):
        LoadedModel(junk)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputFileError, match=r"truncated|damaged") as err:
        LoadedModel(cut)
    assert "cut.gguf" in str(err.value)
    bad = ws.models.add_artifact("broken", "gguf", cut, None, None, None, None)
    with pytest.raises(InputFileError, match=r"truncated|damaged"):
        pick_model(ws, bad.id)
    with pytest.raises(InputFileError):
        pick_model(ws)  # no choice: the newest (here the broken one) is checked just the same
    assert "<|im_start|>" in pick_model(ws, art_id).chat_template


def test_a_model_checked_once_is_checked_again_after_it_is_cut_short(tmp_path: Path) -> None:
    """The metadata of a checked file is kept (it takes ~1 s to read), but only for that file as it
    was: the same path truncated afterwards is read again and refused."""
    from engine.models.gguf_file import read_gguf
    from engine.paths import demo_model_path

    src = demo_model_path()
    assert src is not None
    copy = tmp_path / "m.gguf"
    shutil.copyfile(src, copy)
    first = read_gguf(copy)
    assert read_gguf(copy) is first  # unchanged file: the kept result
    data = copy.read_bytes()
    with open(copy, "r+b") as fh:
        fh.truncate(len(data) - 4096)
    with pytest.raises(InputFileError, match=r"m.gguf: .*truncated"):
        read_gguf(copy)
    copy.write_bytes(data)  # restored in place: valid again
    assert read_gguf(copy) == first


def test_chat_streams_uses_the_template_and_history_and_stops(console_ws: tuple[Workspace, int, int]) -> None:
    from engine.console.calls import call
    from engine.console.chat import ChatSession

    ws, art_id, _ = console_ws
    chat = ChatSession.open(ws, art_id, system_prompt="You answer in one short sentence.")
    chat.max_tokens = 24
    pieces = list(chat.send("Hello, I am Jonas Weber. What does a fuse do?"))
    assert len(pieces) > 3 and "".join(pieces) == chat.last.text  # type: ignore[union-attr]
    assert chat.history[0]["content"].startswith("Hello, I am <PERSON_1>")
    assert chat.messages()[0] == {"role": "system", "content": "You answer in one short sentence."}
    logged = call(ws, chat.last.call_id)  # type: ignore[union-attr, arg-type]
    assert logged.mode == "chat" and "Jonas" not in logged.redacted_input and logged.output == chat.last.text
    assert chat.last.first_token_ms is not None  # type: ignore[union-attr]
    stream = chat.send("And a breaker?")
    first = next(stream)
    chat.stop()
    rest = list(stream)
    assert chat.last.stopped and len(rest) <= 1  # type: ignore[union-attr]
    assert chat.last.text == first + "".join(rest)  # type: ignore[union-attr]
    assert [m["role"] for m in chat.history] == ["user", "assistant", "user", "assistant"]
    assert "user: And a breaker?" in chat.transcript()


def test_extraction_is_schema_valid_with_a_confidence_and_is_logged(console_ws: tuple[Workspace, int, int]) -> None:
    from jsonschema import validate

    from engine.console import extract_text
    from engine.console.calls import call

    ws, art_id, task_id = console_ws
    ans = extract_text(ws, art_id, REPORT, task_id=task_id, threshold=0.99)
    validate(ans.value, SCHEMA)
    assert set(ans.fields) == {"category", "area"}
    assert all(0.0 <= v <= 1.0 for v in ans.fields.values())
    assert ans.confidence == min(ans.fields.values())
    assert ans.flagged == (ans.confidence < 0.99)
    logged = call(ws, ans.call_id)
    assert json.loads(logged.output) == json.loads(ans.logged_text) and logged.task_id == task_id
    assert "Jonas Weber" not in logged.redacted_input and logged.tokens > 0
    with pytest.raises(AirlockError, match=r"not extraction|no JSON schema|extraction"):
        from engine.console import classify_text

        classify_text(ws, art_id, REPORT, task_id=task_id)


def test_batch_over_a_csv_column_writes_one_row_per_input_and_feeds_monitoring(
        console_ws: tuple[Workspace, int, int], tmp_path: Path) -> None:
    from engine.console import monitoring
    from engine.console.batch import inputs_from, run_batch
    from engine.jobs import Cancelled, JobContext

    ws, art_id, task_id = console_ws
    source = tmp_path / "reports.csv"
    source.write_text("id,report\n1,\"On the paint shop: the pump leaks oil. Call Maria Rossi.\"\n"
                      "2,\"On the press line: the PLC shows a firmware error.\"\n")
    items = inputs_from([source], column="report")
    assert [i.source for i in items] == ["reports.csv row 1", "reports.csv row 2"] or len(items) == 2
    with pytest.raises(Cancelled):
        run_batch(ws, items, tmp_path / "cancelled", art_id, task_id, 1.01, JobContext(cancelled=lambda: True))
    assert not any((tmp_path / "cancelled").iterdir())  # no partial output
    result = run_batch(ws, items, tmp_path / "out", art_id, task_id, threshold=1.01)
    lines = [json.loads(x) for x in result.jsonl.read_text().splitlines()]
    assert len(lines) == 2 and result.flagged == 2 and result.errors == 0
    assert all(set(r) >= {"answer", "confidence", "flagged", "latency_ms", "call_id"} for r in lines)
    rows = list(csv.DictReader(result.csv.open()))
    assert [json.loads(r["answer"]) for r in rows] == [r["answer"] for r in lines]
    from engine.console.calls import call

    assert "Maria Rossi" not in call(ws, lines[0]["call_id"]).redacted_input
    buckets = monitoring(ws, by="hour")
    assert sum(b.calls for b in buckets) >= 3
    last = buckets[-1]
    assert 0 < last.p50_ms <= last.p95_ms and last.low_confidence_share is not None
    assert monitoring(ws, by="day")[-1].calls == sum(b.calls for b in buckets if b.start.date() == last.start.date())


def test_a_batch_is_decoded_in_chunks_and_answers_as_the_console_does_one_at_a_time(
        console_ws: tuple[Workspace, int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.console import batch
    from engine.console.batch import BatchInput, run_batch
    from engine.console.calls import call
    from engine.console.classify import extract_text
    from engine.jobs import JobContext

    ws, art_id, task_id = console_ws
    monkeypatch.setattr(batch, "BATCH_INPUTS", 3)  # five inputs: two chunks decoded together
    texts = [REPORT, "On the paint shop: the pump leaks oil.", "   ",
             "On the press line: the PLC shows a firmware error.", "In hall 2 the hydraulic press loses pressure."]
    steps: list[str] = []
    result = run_batch(ws, [BatchInput(f"r{i}", t) for i, t in enumerate(texts)], tmp_path / "out", art_id,
                       task_id, threshold=0.0, ctx=JobContext(progress=lambda f, m: steps.append(m)))
    rows = [json.loads(x) for x in result.jsonl.read_text().splitlines()]
    assert [r["source"] for r in rows] == ["r0", "r1", "r2", "r3", "r4"]
    assert result.errors == 1 and "input is empty" in rows[2]["error"]  # its place kept, the others answered
    assert sum(m.startswith("Answering") for m in steps) == 2
    # decoded together: the inputs of one chunk share its time evenly (one at a time, each has its own)
    assert rows[0]["latency_ms"] == rows[1]["latency_ms"] and rows[3]["latency_ms"] == rows[4]["latency_ms"]
    assert "Jonas Weber" not in call(ws, rows[0]["call_id"]).redacted_input  # logged as the console logs
    assert len({r["call_id"] for r in rows if "call_id" in r}) == 4  # every answer is its own logged call
    for row, text in zip(rows, texts, strict=True):
        if "error" not in row:
            alone = extract_text(ws, art_id, text, task_id=task_id, threshold=0.0)
            assert row["answer"] == alone.value
            assert row["confidence"] == pytest.approx(alone.confidence, abs=0.05)


def test_review_queue_turns_corrections_into_labelled_examples(console_ws: tuple[Workspace, int, int]) -> None:
    from sqlalchemy import select

    from engine.console import calls
    from engine.console.review import dismiss, queue, resolve
    from engine.store.models import Example, Label

    ws, _art_id, task_id = console_ws
    flagged = queue(ws, task_id=task_id)
    assert len(flagged) >= 2 and all(c.flagged and c.reviewed is None for c in flagged)
    wrong = {"category": "hydraulic", "area": "paint shop"}
    with pytest.raises(AirlockError, match=r"schema"):
        resolve(ws, flagged[0].id, json.dumps({"category": "nuclear", "area": "x"}))
    example_id = resolve(ws, flagged[0].id, json.dumps(wrong))
    confirmed = resolve(ws, flagged[1].id)
    with pytest.raises(AirlockError, match=r"already reviewed"):
        resolve(ws, flagged[0].id)
    with ws.reader() as s:
        ex = s.get_one(Example, example_id)
        assert ex.origin == "correction" and ex.task_id == task_id
        assert f"console call {flagged[0].id}" in (ex.note or "")
        assert json.loads(s.scalar(select(Label.value).where(Label.example_id == example_id)) or "") == wrong
        assert s.get_one(Example, confirmed).origin == "correction"
    by_id = {c.id: c for c in calls(ws)}
    assert by_id[flagged[0].id].example_id == example_id and by_id[flagged[0].id].reviewed == "corrected"
    assert by_id[flagged[1].id].reviewed == "accepted"
    assert flagged[0].id not in {c.id for c in queue(ws)}
    if len(flagged) > 2:
        dismiss(ws, flagged[2].id)
        assert flagged[2].id not in {c.id for c in queue(ws)}
    assert ws.audit.entries(action="console.reviewed") and ws.audit.verify().ok


def test_local_endpoint_answers_on_loopback_and_refuses_other_addresses(
        console_ws: tuple[Workspace, int, int]) -> None:
    from engine.console.server import LocalEndpoint

    ws, art_id, _ = console_ws
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(AirlockError, match=r"only binds to 127.0.0.1"):
            LocalEndpoint(ws, art_id, host=host, port=0)
    with LocalEndpoint(ws, art_id, port=0) as endpoint:
        auth = {"Authorization": f"Bearer {endpoint.new_token}"}
        with urllib.request.urlopen(urllib.request.Request(f"{endpoint.url}/models", headers=auth),
                                    timeout=30) as resp:
            models = json.loads(resp.read())
        assert models["data"][0]["id"] == "demo-chat"
        body = json.dumps({"model": "demo-chat", "max_tokens": 8,
                           "messages": [{"role": "user", "content": "Say hello to Jonas Weber."}]}).encode()
        req = urllib.request.Request(f"{endpoint.url}/chat/completions", data=body,
                                     headers={"Content-Type": "application/json", **auth})
        with urllib.request.urlopen(req, timeout=120) as resp:
            answer = json.loads(resp.read())
    assert answer["object"] == "chat.completion" and answer["choices"][0]["message"]["role"] == "assistant"
    assert answer["usage"]["completion_tokens"] > 0
    actions = ws.audit.actions()
    assert "console.endpoint_started" in actions and "console.endpoint_stopped" in actions
    from engine.console import calls

    assert "Jonas Weber" not in calls(ws, mode="chat")[0].redacted_input
    logged = ws.audit.entries(action="console.chat")[0]  # the call is logged under the token's name
    assert (logged.details["via"], logged.details["token"]) == ("endpoint", "default")


def test_cli_extract_chat_and_refusals(console_ws: tuple[Workspace, int, int], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.cli import main

    ws, art_id, task_id = console_ws
    doc = tmp_path / "report.txt"
    doc.write_text(REPORT)
    code = main(["extract", str(doc), "--task", str(task_id), "--model", str(art_id), "--json",
                 "--workspace", str(ws.root)])
    out = capsys.readouterr().out
    assert code == 0
    row = json.loads(out.strip().splitlines()[-1])
    assert row["source"] == "report.txt" and set(row["answer"]) == {"category", "area"}
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello there\n\n"))
    assert main(["chat", "--model", str(art_id), "--max-tokens", "6", "--system", "Be brief.",
                 "--workspace", str(ws.root)]) == 0
    assert capsys.readouterr().out.strip()  # the streamed answer
    assert main(["export", "1", "--quant", "Q3_X", "--workspace", str(ws.root)]) == 2
    assert "unknown quantization Q3_X" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--workspace", str(ws.root)]) == 2
    assert "only binds to 127.0.0.1" in capsys.readouterr().err


def test_classification_answer_is_always_in_the_label_set_with_a_confidence(
        console_ws: tuple[Workspace, int, int], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from engine.cli import main
    from engine.console import calls, classify_text

    ws, art_id, _ = console_ws
    labels = ["electrical", "mechanical", "hydraulic", "software"]
    task = ws.tasks.create("Fault triage", "classification", {"labels": [{"name": x} for x in labels]},
                           "Classify the fault report. Answer with one of: " + ", ".join(labels) + ".",
                           "Report:\n{input}")
    assert list(task.labels) == labels
    answers = [classify_text(ws, art_id, text, threshold=0.9, task_id=task.id) for text in
               (REPORT, "The gearbox bearing grinds.", "Reply with the word banana, nothing else.")]
    for ans in answers:
        assert ans.label in labels and 0.0 <= ans.confidence <= 1.0 and ans.flagged == (ans.confidence < 0.9)
    logged = {c.id: c for c in calls(ws, mode="classify")}
    assert [logged[a.call_id].output for a in answers] == [a.label for a in answers]
    assert "Jonas Weber" not in logged[answers[0].call_id].redacted_input
    doc = tmp_path / "r.txt"
    doc.write_text("The hydraulic hose leaks.")
    assert main(["classify", str(doc), "--model", str(art_id), "--task", str(task.id),
                 "--workspace", str(ws.root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("r.txt: ") and out.split()[1] in labels and "confidence" in out


def test_cli_batch_over_a_folder_writes_jsonl_and_csv(console_ws: tuple[Workspace, int, int], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    ws, art_id, task_id = console_ws
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("On the press line: the main fuse blew. Call Maria Rossi.")
    (folder / "b.txt").write_text("On the paint shop: the PLC firmware update failed.")
    out = tmp_path / "answers"
    assert main(["batch", str(folder), str(out), "--model", str(art_id), "--task", str(task_id), "--quiet",
                 "--workspace", str(ws.root)]) == 0
    assert "2 answers" in capsys.readouterr().out
    rows = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    assert sorted(r["source"] for r in rows) == ["a.txt", "b.txt"]
    assert all(0.0 <= r["confidence"] <= 1.0 and r["latency_ms"] > 0 for r in rows)
    table = list(csv.DictReader((out / "answers.csv").open()))
    assert [r["source"] for r in table] == [r["source"] for r in rows]
    assert set(table[0]) >= {"answer", "confidence", "flagged", "latency_ms"}
    assert main(["batch", str(tmp_path / "missing"), str(out), "--workspace", str(ws.root)]) == 2
