"""Extraction metrics: is the output JSON, does it follow the task's schema, which fields are right.

A reference is the JSON text of the expected record; an output is whatever the model
wrote. Fields are the record's top-level keys, scored as slot filling: a field counts
only when its value is not empty (null, "", whitespace, [] and {} are empty), so an
empty answer matching an empty reference is no hit at all. Precision is over the
non-empty predicted values, recall over the non-empty references. A predicted value is
a true positive when it equals the reference's exactly (compared as canonical JSON), so
a wrong value is both a false positive and a false negative, and an invented value
where the reference is empty is a false positive only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from engine.evaluation.metrics import prf


def parse_record(text: str) -> dict[str, Any] | None:
    """The JSON object in a model's output (a surrounding Markdown code fence is allowed), or None."""
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0]
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def is_empty(value: Any) -> bool:
    """No value in the slot: null, an empty or blank string, an empty list or object."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def _fields(record: Mapping[str, Any] | None) -> dict[str, str]:
    return {k: _canonical(v) for k, v in (record or {}).items() if not is_empty(v)}


def field_diff(reference: Mapping[str, Any] | None, predicted: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """One row per field in either record: reference value, predicted value, whether they match."""
    ref, pred = dict(reference or {}), dict(predicted or {})
    rows = []
    for key in list(dict.fromkeys([*ref, *pred])):
        r, p = ref.get(key), pred.get(key)
        rows.append({"field": key, "reference": r, "predicted": p,
                     "match": (is_empty(r) and is_empty(p)) or (not is_empty(r) and _canonical(r) == _canonical(p))})
    return rows


def record_score(reference: Mapping[str, Any] | None, predicted: Mapping[str, Any] | None) -> float:
    """Field-level F1 of one record (1.0 when both have no fields)."""
    ref, pred = _fields(reference), _fields(predicted)
    if not ref and not pred:
        return 1.0
    tp = sum(1 for k, v in pred.items() if ref.get(k) == v)
    return prf(tp, len(pred) - tp, len(ref) - tp)[2]


def extraction_metrics(references: Sequence[str], outputs: Sequence[str],
                       schema: Mapping[str, Any] | None) -> dict[str, Any]:
    from jsonschema import Draft202012Validator, validators

    if len(references) != len(outputs):
        raise ValueError("references and outputs differ in length")
    validator = None
    if schema:
        cls = validators.validator_for(schema, default=Draft202012Validator)
        validator = cls(schema)
    n = len(outputs)
    json_valid = schema_valid = exact = 0
    counts: dict[str, list[int]] = {}  # field -> [tp, fp, fn]
    for ref_text, out in zip(references, outputs, strict=True):
        ref = parse_record(ref_text) or {}
        pred = parse_record(out)
        if pred is not None:
            json_valid += 1
            if validator is None or validator.is_valid(pred):
                schema_valid += 1
            if _fields(pred) == _fields(ref):
                exact += 1
        ref_f, pred_f = _fields(ref), _fields(pred)
        for key in set(ref_f) | set(pred_f):
            c = counts.setdefault(key, [0, 0, 0])
            if key in pred_f and pred_f[key] == ref_f.get(key):
                c[0] += 1
                continue
            if key in pred_f:
                c[1] += 1
            if key in ref_f:
                c[2] += 1
    per_field = {}
    for key in sorted(counts):
        tp, fp, fn = counts[key]
        p, r, f = prf(tp, fp, fn)
        per_field[key] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = prf(tp, fp, fn)
    return {"n": n, "json_valid_rate": json_valid / n if n else 0.0,
            "schema_valid_rate": schema_valid / n if n else 0.0,
            "record_exact_match": exact / n if n else 0.0,
            "field_precision": p, "field_recall": r, "field_f1": f, "per_field": per_field}
