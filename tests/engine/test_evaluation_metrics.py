"""Evaluation metrics against values computed by hand on small fixtures."""

from __future__ import annotations

import json

import pytest

from engine.evaluation.bootstrap import paired_bootstrap
from engine.evaluation.cost import CloudAlternative, CostModel
from engine.evaluation.extraction_metrics import extraction_metrics, field_diff, parse_record, record_score
from engine.evaluation.generation_metrics import generation_metrics
from engine.evaluation.metrics import classification_metrics, latency_metrics, percentile
from engine.evaluation.scoring import score_outputs

REFS = ["a", "a", "a", "b", "b", "c"]
PREDS = ["a", "a", "b", "b", "c", "c"]


def test_classification_metrics_by_hand() -> None:
    m = classification_metrics(REFS, PREDS, ["a", "b", "c"])
    assert m["n"] == 6
    assert m["accuracy"] == pytest.approx(4 / 6)
    # a: P 2/2, R 2/3, F1 0.8 | b: P 1/2, R 1/2, F1 0.5 | c: P 1/2, R 1/1, F1 2/3
    assert m["per_class"]["a"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert m["per_class"]["b"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert m["per_class"]["c"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert m["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert m["micro_f1"] == pytest.approx(4 / 6)  # tp 4, fp 2, fn 2
    assert m["confusion"] == {"a": {"a": 2, "b": 1, "c": 0}, "b": {"a": 0, "b": 1, "c": 1},
                              "c": {"a": 0, "b": 0, "c": 1}}


def test_classes_missing_from_references_do_not_count_in_macro_f1() -> None:
    m = classification_metrics(["a", "a"], ["a", "b"], ["a", "b", "c"])
    # a: P 1, R 1/2, F1 2/3; b has no support (and a false positive); c neither
    assert m["macro_f1"] == pytest.approx(2 / 3)
    assert m["micro_f1"] == pytest.approx(0.5)


def test_latency_percentiles_and_throughput_by_hand() -> None:
    assert percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    assert percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    m = latency_metrics([100.0, 200.0, 300.0, 400.0], [10, 20, 30, 40])
    assert m["latency_mean_ms"] == 250.0
    assert m["tokens_per_second"] == pytest.approx(100.0)  # 100 tokens in 1 s
    assert m["latency_answers"] == 4


def test_latency_is_read_on_the_answers_given_one_at_a_time() -> None:
    # four answers decoded together (the batch's 400 ms shared out), two of them timed again alone
    m = latency_metrics([100.0, 100.0, 100.0, 100.0], [10, 20, 30, 40], alone_ms=[180.0, 220.0])
    assert m["latency_mean_ms"] == pytest.approx(200.0) and m["latency_p50_ms"] == pytest.approx(200.0)
    assert m["latency_answers"] == 2
    assert m["tokens_per_second"] == pytest.approx(250.0)  # throughput: 100 tokens in the batch's 0.4 s


SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "qty": {"type": "integer"}},
          "required": ["name"]}
EX_REFS = [json.dumps(r) for r in ({"name": "bolt", "qty": 3}, {"name": "nut", "qty": 5},
                                    {"name": "gear", "qty": None}, {"name": "cam", "qty": 1})]
EX_OUTS = ['{"name": "bolt", "qty": 3}', '```json\n{"name": "nut", "qty": "5"}\n```', '{"qty": 2}', "not json"]


def test_extraction_metrics_by_hand() -> None:
    m = extraction_metrics(EX_REFS, EX_OUTS, SCHEMA)
    assert m["json_valid_rate"] == 0.75
    assert m["schema_valid_rate"] == 0.25  # qty "5" is a string; {"qty": 2} lacks the required name
    assert m["record_exact_match"] == 0.25
    # name: tp 2, fp 0, fn 2 | qty: tp 1, fp 2 ("5", 2), fn 2 (5, 1)
    assert m["per_field"]["name"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 4})
    assert m["per_field"]["qty"] == pytest.approx({"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3, "support": 3})
    assert (m["field_precision"], m["field_recall"], m["field_f1"]) == pytest.approx((0.6, 3 / 7, 0.5))


def test_extraction_fields_are_scored_as_slot_filling() -> None:
    """An empty answer for an empty reference is no hit; an invented value is a false positive only."""
    schema = {"type": "object", "properties": {"people": {"type": "string"}, "last_name": {"type": "string"}},
              "required": ["people", "last_name"]}
    refs = [json.dumps(r) for r in ({"people": "2", "last_name": ""}, {"people": "4", "last_name": ""},
                                    {"people": "3", "last_name": "Okafor"}, {"people": "", "last_name": ""})]
    outs = ['{"people": "2", "last_name": "Smith"}', '{"people": "5", "last_name": "Jones"}',
            '{"people": "3", "last_name": "Okafor"}', '{"people": "", "last_name": ""}']
    m = extraction_metrics(refs, outs, schema)
    # last_name: 3 non-empty predictions, 1 right: P 1/3; 1 non-empty reference, found: R 1
    assert m["per_field"]["last_name"] == pytest.approx({"precision": 1 / 3, "recall": 1.0, "f1": 0.5, "support": 1})
    # people: non-empty predictions 2, 5, 3 (2 right); non-empty references 2, 4, 3 (2 found)
    assert m["per_field"]["people"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3,
                                                      "support": 3})
    assert (m["field_precision"], m["field_recall"]) == pytest.approx((3 / 6, 3 / 4))
    assert m["record_exact_match"] == 0.5  # the third record, and the all-empty fourth
    assert record_score({"people": "", "last_name": ""}, {"people": "", "last_name": "Smith"}) == 0.0
    assert [d["match"] for d in field_diff({"a": "", "b": None}, {"a": None, "b": " "})] == [True, True]


def test_extraction_item_scores_and_field_diff() -> None:
    scored = score_outputs("extraction", {"schema": SCHEMA}, [], EX_REFS, EX_OUTS)
    assert scored.scores == pytest.approx([1.0, 0.5, 0.0, 0.0])
    assert scored.correct == [True, False, False, False]
    assert scored.metrics["quality"] == pytest.approx(0.375)
    assert parse_record("[1, 2]") is None and parse_record('{"a": 1}') == {"a": 1}
    assert record_score({}, {}) == 1.0
    diff = field_diff({"name": "nut", "qty": 5}, {"name": "nut", "qty": "5", "extra": 1})
    assert [(d["field"], d["match"]) for d in diff] == [("name", True), ("qty", False), ("extra", False)]


def test_generation_metrics_by_hand() -> None:
    refs = ["the cat sat on the mat", "Replace the fuse.", "pump leaks oil"]
    outs = ["the cat is on the mat", "replace  the fuse.", "motor overheated"]
    m = generation_metrics(refs, outs)
    # LCS "the cat on the mat" = 5 of 6 tokens both ways; identical after case/punctuation; nothing shared
    assert m["rouge_l"] == pytest.approx((5 / 6 + 1.0 + 0.0) / 3)
    assert m["exact_match"] == pytest.approx(1 / 3)


def test_paired_bootstrap_separates_a_real_difference_from_noise() -> None:
    clear = paired_bootstrap([0.0] * 20, [1.0] * 20, resamples=200, seed=1)
    assert (clear.delta, clear.low, clear.high) == (1.0, 1.0, 1.0) and not clear.within_noise
    noisy = paired_bootstrap([1.0, 0.0] * 10, [0.0, 1.0] * 10, resamples=500, seed=3)
    assert noisy.delta == 0.0 and noisy.low < 0 < noisy.high and noisy.within_noise
    assert "within noise" in noisy.describe()
    a = [1.0] * 12 + [0.0] * 8
    b = [1.0] * 18 + [0.0] * 2
    first = paired_bootstrap(a, b, seed=42)
    assert first == paired_bootstrap(a, b, seed=42)  # the stored seed reproduces the interval
    assert first.delta == pytest.approx(0.3) and 0 < first.low <= 0.3 <= first.high
    with pytest.raises(ValueError):
        paired_bootstrap([1.0], [1.0, 0.0])


def test_cost_per_thousand_requests_and_month_by_hand() -> None:
    values = {"cost.hardware_price": "2190", "cost.hardware_lifetime_years": "1", "cost.power_watts": "500",
              "cost.electricity_per_kwh": "0.5", "cost.monthly_requests": "200000"}
    cost = CostModel.from_settings(lambda key, default: values.get(key, default))
    assert cost.cost_per_busy_hour == pytest.approx(0.25 + 0.25)  # 2190 / 8760 h + 0.5 kW x 0.5
    per_1k = cost.per_1k_requests(360.0)  # 1000 x 0.36 s = 0.1 h
    assert per_1k == pytest.approx(0.05)
    assert cost.per_month(per_1k) == pytest.approx(10.0)
    assert CloudAlternative.from_settings(lambda key, default: values.get(key, default)) is None
    values |= {"cloud.name": "Hosted API", "cloud.cost_per_1k": "2.5", "cloud.p95_latency_ms": "900"}
    cloud = CloudAlternative.from_settings(lambda key, default: values.get(key, default))
    assert cloud == CloudAlternative("Hosted API", 2.5, 900.0, None)


def test_confidence_auroc_by_hand() -> None:
    from engine.evaluation.metrics import auroc

    # right answers at 0.9, 0.6, 0.5; wrong at 0.7, 0.5: pairs won 2 + 0 + 0, one tie (0.5) counts half
    # 0.9 beats both (2), 0.6 loses to 0.7 and beats 0.5 (1), 0.5 loses to 0.7 and ties 0.5 (0.5) -> 3.5 / 6
    assert auroc([0.9, 0.7, 0.6, 0.5, 0.5], [True, False, True, True, False]) == pytest.approx(3.5 / 6)
    assert auroc([0.2, 0.8], [False, True]) == 1.0
    assert auroc([0.5, 0.5], [True, True]) is None


def test_bootstrap_shortcut_for_few_values_matches_plain_resampling() -> None:
    """Right/wrong scores take the multinomial path; continuous scores resample items. Both must
    give the same interval (up to resampling noise) for the same data."""
    a = [1.0] * 30 + [0.0] * 20
    b = [1.0] * 38 + [0.0] * 12
    few = paired_bootstrap(a, b, resamples=4000, seed=5)
    jitter = [i * 1e-9 for i in range(50)]  # 50 distinct differences: the item-resampling path
    many = paired_bootstrap(a, [x + j for x, j in zip(b, jitter, strict=True)], resamples=4000, seed=5)
    assert few.delta == pytest.approx(0.16)
    assert few.low == pytest.approx(many.low, abs=0.03) and few.high == pytest.approx(many.high, abs=0.03)


def test_few_shot_examples_come_from_train_by_the_stored_seed() -> None:
    from engine.evaluation.runs import pick_shots

    train = [(f"report {i}", "electrical" if i % 3 else "mechanical") for i in range(30)]
    first = pick_shots(train, 4, seed=7, by_label=True)
    assert first == pick_shots(train, 4, seed=7, by_label=True)  # same seed, same shots, same order
    assert first != pick_shots(train, 4, seed=8, by_label=True)
    assert {s.answer for s in first} == {"electrical", "mechanical"}  # every class shows (round-robin)
    assert sum(s.answer == "mechanical" for s in first) == 2 and all((s.input_text, s.answer) in train for s in first)
    plain = pick_shots(train, 5, seed=1, by_label=False)
    assert len(plain) == 5 and len({s.input_text for s in plain}) == 5
    assert pick_shots(train, 0, seed=1, by_label=True) == [] and len(pick_shots(train[:2], 9, 1, False)) == 2
