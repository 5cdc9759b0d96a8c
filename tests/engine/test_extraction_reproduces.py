"""A model fine-tuned on extraction records writes them back exactly under the constrained decoder:
training targets and the grammar's output share one order and one spacing.

Real LoRA steps on the demo model (CPU), a real GGUF export and llama.cpp's grammar."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.datasets.freeze import SplitPlan
from engine.training.config import TrainingConfig
from tests.engine.tasks_data import add_examples
from tests.engine.test_record_text import BOOKING
from tests.signed import SIGNED

pytestmark = pytest.mark.slow

BOOKINGS = [(2, "5 May", "19:00", "Ana", ""), (4, "6 June", "20:30", "Bo", "Keller"),
            (3, "7 July", "18:15", "Cy", ""), (5, "8 August", "21:00", "Dana", "Ng")]


def test_a_model_trained_on_records_reproduces_a_training_record_exactly(workspace: Any) -> None:
    from engine.inference.extract import Extractor
    from engine.inference.runtime import LoadedModel
    from engine.models.export import export_run
    from engine.tasks.prompt import PromptFormat

    ws = workspace
    task = ws.tasks.create("booking", "extraction", {"schema": BOOKING}, "Extract the booking as JSON.",
                           "Message:\n{input}")
    texts = [f"Hi, a table for {n} please, {d} at {t}. Name: {f} {last}".strip() for n, d, t, f, last in BOOKINGS]
    ids = add_examples(ws, task.id, texts)
    for ex, (n, d, t, f, last) in zip(ids, BOOKINGS, strict=True):
        # sorted keys, as an import or the labelling form stores them
        ws.tasks.set_label(ex, json.dumps({"people": str(n), "date": d, "time": t, "first_name": f,
                                           "last_name": last}, sort_keys=True))
    version = ws.datasets.freeze(task.id, "v1", SplitPlan(seed=1, eval_fraction=0.0, test_fraction=0.0),
                                 signature=SIGNED)
    rows = ws.datasets.rows(version.id, "train")
    assert len(rows) == len(BOOKINGS)
    base = ws.models.ensure_demo_model()
    run = ws.training.train(version.id, base.id, TrainingConfig(max_steps=10, batch_size=2, learning_rate=3e-3,
                                                                seed=5))
    assert run.status == "succeeded", run.error
    (artifact,) = export_run(ws, run.id, ("Q8_0",))
    assert base.chat_template
    fmt = PromptFormat(task.system_prompt, task.user_template, base.chat_template)
    with LoadedModel(artifact.path) as model:
        extractor = Extractor(model, fmt, BOOKING)
        written = {r.input_text: extractor.extract(r.input_text).text.strip() for r in rows}
    exact = [r.input_text for r in rows if written[r.input_text] == r.target]
    # the target is in the decoder's order (people first), not the stored sorted order (date first)
    assert all(r.target.startswith('{"people": ') for r in rows)
    assert len(exact) == len(rows), {r.target: written[r.input_text] for r in rows}
