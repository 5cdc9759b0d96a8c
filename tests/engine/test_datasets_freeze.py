"""Freezing: conversation and task validation, duplicates and near-duplicates, stratified split with
a stored seed, golden/OOD sets, leakage prevention, class balance, token lengths, immutability."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from typing import Any

import pytest

from engine.datasets import neardup
from engine.datasets.freeze import Candidate, SplitPlan, freeze, version_hash
from engine.datasets.neardup import ShingleHasher, jaccard, near_duplicates, signatures
from engine.errors import AirlockError
from engine.tasks.conversation import conversation_problems
from tests.engine.tasks_data import add_examples, classification_task, fault_corpus, generation_task, labelled
from tests.signed import SIGNED

FAST = SplitPlan(seed=5, token_lengths=False)


def u(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def a(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


@pytest.mark.parametrize(("messages", "problem"), [
    ([], "the conversation has no turns"),
    ([a("x"), u("y")], "starts with the assistant turn"),
    ([{"role": "system", "content": "s"}, u("q"), a("x"), {"role": "system", "content": "t"}, u("r"), a("z")],
     "turn 4 is a system turn"),
    ([u("q"), u("r"), a("x")], "turns 1 and 2 are both user turns"),
    ([u("q"), a("x"), u("r")], "does not end with the assistant's answer"),
    ([u("q"), a("  ")], "turn 2 (assistant) is empty"),
    ([{"role": "tool", "content": "q"}, a("x")], "has the role 'tool'"),
    ([u("q"), {"role": "assistant"}], "turn 2 is not an object with a role and a text content"),
    ([u("q"), a("ab")], "the answer has 2 characters; at least 3 are required"),
    ([u("q"), a("abcdef")], "the answer has 6 characters; at most 5 are allowed"),
])
def test_conversation_validation(messages: list[Any], problem: str) -> None:
    problems = conversation_problems(messages, min_answer_chars=3, max_answer_chars=5)
    assert any(problem in p for p in problems), problems
    assert conversation_problems([{"role": "system", "content": "s"}, u("q"), a("abc")], 3, 5) == []


def test_every_rejection_is_logged_with_its_reason(workspace: Any) -> None:
    task = generation_task(workspace)
    ids = add_examples(workspace, task.id, ["Pump leaks oil.", "Belt slips.", "pump   LEAKS oil.", "Pump leaks oil. ",
                                            "Unlabelled report.", "Disputed report.", "x" * 60, "Long answer."])
    answers = ["Oil leak.", "Belt.", "Oil leak.", "Leak of oil.", None, None, "Long input.", "y" * 40]
    for ex, ans in zip(ids, answers, strict=True):
        if ans:
            workspace.tasks.set_label(ex, ans)
    workspace.tasks.set_label(ids[5], "one view", annotator="anna")
    workspace.tasks.set_label(ids[5], "another view", annotator="ben")
    plan = SplitPlan(seed=1, max_input_chars=50, max_answer_chars=30, token_lengths=False)
    version = workspace.datasets.freeze(task.id, "v1", plan, signature=SIGNED)
    reasons = {r.example_id: r.reason for r in workspace.datasets.rejections(version.id)}
    assert reasons == {
        ids[2]: f"duplicate of example {ids[0]}",
        ids[3]: f"same input as example {ids[0]} but a different answer ('Leak of oil.' vs 'Oil leak.'); "
                "correct one of them",
        ids[4]: "not labelled",
        ids[5]: "annotators disagree (another view, one view); resolve it first",
        ids[6]: "input longer than 50 characters",
        ids[7]: "the answer has 40 characters; at most 30 are allowed",
    }
    assert version.rejections == 6 and version.stats["unresolved_disagreements"] == 1
    assert sorted(r.example_id for r in workspace.datasets.rows(version.id)) == [ids[0], ids[1]]


def test_answers_are_checked_against_the_task_when_freezing() -> None:
    cands = [Candidate(1, "Breaker trips.", "electrical"), Candidate(2, "Gear noise.", "acoustic")]
    out = freeze(cands, lambda ans: [] if ans == "electrical" else [f"label {ans!r} is not in the task's label set"],
                 lambda text, ans: [u(text), a(ans)], FAST)
    assert out.rejections == [(2, "label 'acoustic' is not in the task's label set")]


def test_near_duplicates_by_jaccard() -> None:
    words = [f"word{i}" for i in range(60)]
    base = " ".join(words)
    one_changed = " ".join([*words[:59], "other"])  # 58 3-grams each, 57 shared: J = 57 / (58 + 58 - 57)
    three_changed = " ".join([*words[:20], "a", "b", "c", *words[23:]])  # loses 9 of 58 3-grams
    hasher = ShingleHasher()
    assert jaccard(hasher(base), hasher(one_changed)) == pytest.approx(57 / 59)
    assert jaccard(hasher(base), hasher(three_changed)) < 0.9
    texts = [base, "something else entirely, not related at all", one_changed, three_changed, base.upper()]
    found = {(d.index, d.of_index) for d in near_duplicates(texts, 0.9)}
    assert found == {(2, 0), (4, 0)}


def test_split_is_stratified_seeded_and_keeps_near_duplicates_together(workspace: Any) -> None:
    task = classification_task(workspace)
    rows = fault_corpus()
    twins = [(f"{text} Reported again by the night shift team today", label) for text, label in rows[:30]]
    twins_of = [(f"{text} Reported again by the night shift team today.", label) for text, label in rows[:30]]
    ids = labelled(workspace, task.id, rows + twins + twins_of)
    version = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    assert version.stats["near_duplicates"]["count"] == 30
    split_of = {r.example_id: r.split for r in workspace.datasets.rows(version.id)}
    for i in range(30):
        assert split_of[ids[300 + i]] == split_of[ids[330 + i]]
    balance = version.stats["balance"]
    # 160 electrical (the twins), 100 mechanical, 100 hydraulic: each label split 70/10/20
    for label, n in Counter(label for _t, label in rows + twins + twins_of).items():
        assert balance["test"][label] == pytest.approx(0.2 * n, abs=2)
        assert balance["eval"][label] == pytest.approx(0.1 * n, abs=2)
    assert version.seed == 5 and version.stats["plan"]["seed"] == 5
    # the first implementation's version hash and statistics: a faster freeze must reach the same
    assert version.content_hash == "6bd27bd65cdab20e9a154f53f62a9d4288d6ec36346997176d408356354d94ed"
    assert _digest(json.dumps(version.stats, sort_keys=True)) == "5cbc30d78ab0c528"
    with pytest.raises(AirlockError, match="nothing changed: identical to dataset version 'v1'"):
        workspace.datasets.freeze(task.id, "v1 again", FAST, signature=SIGNED)
    other = workspace.datasets.freeze(task.id, "seed 6", SplitPlan(seed=6, token_lengths=False), signature=SIGNED)
    assert other.content_hash != version.content_hash
    assert workspace.datasets.readiness(other.id).checks[2].level == "ok"  # leakage


def test_golden_and_ood_sets_and_their_near_twins(workspace: Any) -> None:
    task = classification_task(workspace)
    rows = fault_corpus()[:60]
    ids = labelled(workspace, task.id, rows)
    workspace.tasks.set_marks(ids[0], golden=True)
    workspace.tasks.set_marks(ids[1], ood=True)
    [twin] = labelled(workspace, task.id, [(rows[0][0] + " Again.", rows[0][1])])
    version = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    splits = {r.example_id: r.split for r in workspace.datasets.rows(version.id)}
    assert splits[ids[0]] == "golden" and splits[ids[1]] == "ood"
    assert twin not in splits
    [why] = [r.reason for r in workspace.datasets.rejections(version.id) if r.example_id == twin]
    assert why == f"near-duplicate of golden example {ids[0]}; left out so the golden set stays unseen"
    assert version.stats["leakage"]["prevented"] == 1


def test_severe_class_imbalance_is_shown(workspace: Any) -> None:
    task = classification_task(workspace)
    rows = fault_corpus()
    labelled(workspace, task.id, rows[:100] + rows[100:109])  # 100 electrical, 9 mechanical
    version = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    assert version.stats["class_balance"] == {"counts": {"electrical": 100, "mechanical": 9}, "ratio": 11.11,
                                              "severe": True}
    [balance] = [c for c in workspace.datasets.readiness(version.id).checks if c.name == "balance"]
    assert balance.level == "warn" and "'mechanical' only 9" in balance.message


def test_token_lengths_with_the_base_model_tokenizer(workspace: Any) -> None:
    task = classification_task(workspace)
    labelled(workspace, task.id, fault_corpus()[:30])
    version = workspace.datasets.freeze(task.id, "v1", SplitPlan(seed=1), signature=SIGNED)
    tokens = version.stats["token_lengths"]
    assert tokens["available"] and tokens["model"].startswith("SmolLM2-135M")
    assert 20 < tokens["min"] <= tokens["p50"] <= tokens["p95"] <= tokens["max"] < 60
    bins = tokens["histogram"]  # what the datasets page draws
    assert sum(bins["counts"]) == tokens["counted"] == version.stats["total"]
    assert len(bins["edges"]) == len(bins["counts"]) + 1
    assert bins["edges"][0] == tokens["min"] and bins["edges"][-1] >= tokens["max"]
    assert _digest(json.dumps(version.stats, sort_keys=True)) == "acfc5973e1432fa8"  # as first frozen


def test_near_twins_with_different_answers_are_counted() -> None:
    text = "the hydraulic pump on line four whines loudly after every start of the morning shift today"
    cands = [Candidate(1, text, "hydraulic"), Candidate(2, text + " again", "mechanical"),
             Candidate(3, "a completely different report about a burnt fuse", "electrical")]
    out = freeze(cands, lambda ans: [], lambda t, ans: [u(t), a(ans)], FAST)
    assert [(x, y) for x, y, _j in out.near_duplicates] == [(2, 1)]
    assert out.conflicting_near_duplicates == 1
    split = {it.example_id: it.split for it in out.items}
    assert split[1] == split[2]  # kept together whatever their answers


def test_generation_examples_are_split_too(workspace: Any) -> None:
    task = generation_task(workspace)
    rows = [(text, f"Summary {i}: {label} fault.") for i, (text, label) in enumerate(fault_corpus()[:50])]
    labelled(workspace, task.id, rows)
    version = workspace.datasets.freeze(task.id, "v1", FAST, signature=SIGNED)
    assert version.stats["splits"] == {"eval": 5, "test": 10, "train": 35}
    assert "class_balance" not in version.stats


def _seeded_candidates(n: int = 3000, seed: int = 3) -> list[Candidate]:
    """Exact duplicates (case, spacing, a different answer), one-word near twins, texts under three
    words, punctuation, unlabelled and off-label answers, golden and OOD marks."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)] + ["Pump,", "oil!", "BELT", "(fuse)"]
    labels = ["electrical", "mechanical", "hydraulic"]
    rows: list[tuple[str, str]] = []
    for _ in range(n):
        r = rng.random()
        if rows and r < 0.05:
            text, label = rows[rng.randrange(len(rows))]
            rows.append((text.upper() + "  ", label if rng.random() < 0.8 else rng.choice(labels)))
        elif rows and r < 0.12:
            words = rows[rng.randrange(len(rows))][0].split()
            words[rng.randrange(len(words))] = rng.choice(vocab)
            rows.append((" ".join(words), rows[-1][1]))
        elif r < 0.13:
            rows.append((rng.choice(vocab) + " " * rng.randrange(2) + rng.choice(["", "x"]), rng.choice(labels)))
        else:
            rows.append((" ".join(rng.choice(vocab) for _ in range(rng.randint(10, 50))), rng.choice(labels)))
    cands = []
    for i, (text, label) in enumerate(rows, start=1):
        r = rng.random()
        target = None if r < 0.01 else "acoustic" if r < 0.015 else label
        cands.append(Candidate(i, text, target, "not labelled" if target is None else None,
                               is_golden=rng.random() < 0.02, is_ood=rng.random() < 0.01))
    return cands


def _digest(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def test_freezing_results_are_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed-ups must not change a result: the outcome of a seeded 3,000-example freeze (items,
    rejections, near twins with their Jaccard, leakage, placements kept) and the MinHash signatures
    are the ones the first implementation produced (digests taken from it)."""
    cands = _seeded_candidates()
    names = ("electrical", "mechanical", "hydraulic")
    out = freeze(cands, lambda ans: [] if ans in names else [f"label {ans!r} not in the set"],
                 lambda text, ans: [u(text), a(ans)], SplitPlan(seed=11, token_lengths=False),
                 placed_before={5: "test", 9: "train", 40: "eval"})
    assert _digest([(it.example_id, it.split, it.input_text, it.target, it.content_hash)
                    for it in out.items]) == "43ce4a291e8e713e"
    assert (len(out.rejections), _digest(out.rejections)) == (180, "b07fce3277cf0b06")
    assert (len(out.near_duplicates), _digest(out.near_duplicates)) == (18, "054ccd5774949b2f")
    assert _digest(out.leakage_prevented) == "591fdbdaec3c4338"
    assert (len(out.leakage_prevented), out.conflicting_near_duplicates, out.kept_in_place) == (1, 15, 3)
    assert version_hash(out.items, "fp", 11) == "b608330b8a2794cbb6ff76162fafd752b106f1783068433363e111ecee9c663f"
    texts = [c.input_text for c in cands]
    values, offsets = ShingleHasher().many(texts)
    assert hashlib.sha256(values.tobytes() + offsets.astype("int64").tobytes()).hexdigest()[:16] == "ca00dbe8759dba35"
    for block in (neardup._BLOCK, 1000):  # one block, or many: the same signatures
        monkeypatch.setattr(neardup, "_BLOCK", block)
        assert hashlib.sha256(signatures(values, offsets).tobytes()).hexdigest()[:16] == "940d05d235f27e03"
    assert _digest([(d.index, d.of_index, d.jaccard) for d in near_duplicates(texts)]) == "a26270296ce058ab"
