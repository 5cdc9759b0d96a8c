"""What a task's spec and a label value must look like, with messages a domain expert can act on.

classification: spec ``{"labels": [{"name", "description"}, ...]}``; a value is one label name.
extraction: spec ``{"schema": <JSON Schema object>}``; a value is the record as a JSON string,
stored canonically (``canonical_value``).
generation: spec ``{}`` or ``{"max_chars": n}``; a value is free text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from engine.errors import AirlockError

TASK_KINDS = ("classification", "extraction", "generation")
FIELD_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")


def check_spec(kind: str, spec: Mapping[str, Any]) -> None:
    """Raise AirlockError naming the first problem with a task spec."""
    if kind not in TASK_KINDS:
        raise AirlockError(f"unknown task kind {kind!r}; choose one of {', '.join(TASK_KINDS)}")
    if kind == "classification":
        labels = spec.get("labels")
        if not isinstance(labels, list) or not labels:
            raise AirlockError("a classification task needs at least one label")
        names: list[str] = []
        for i, item in enumerate(labels, start=1):
            if not isinstance(item, Mapping) or not str(item.get("name", "")).strip():
                raise AirlockError(f"label {i} has no name")
            names.append(str(item["name"]))
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise AirlockError(f"label names must be distinct; repeated: {', '.join(repeated)}")
    elif kind == "extraction":
        _check_schema(spec.get("schema"))
    else:
        max_chars = spec.get("max_chars")
        if max_chars is not None and (not isinstance(max_chars, int) or max_chars < 1):
            raise AirlockError("max_chars must be a positive whole number")


def _check_schema(schema: object) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if not isinstance(schema, Mapping):
        raise AirlockError("an extraction task needs a JSON schema object under \"schema\"")
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), Mapping):
        raise AirlockError("the extraction schema must have \"type\": \"object\" and \"properties\"")
    try:
        Draft202012Validator.check_schema(dict(schema))
    except SchemaError as exc:
        raise AirlockError(f"the extraction schema is not valid JSON Schema: {exc.message}") from exc
    props: Mapping[str, Any] = schema["properties"]
    if not props:
        raise AirlockError("the extraction schema must define at least one field")
    for name, prop in props.items():
        kind = prop.get("type") if isinstance(prop, Mapping) else None
        kinds = kind if isinstance(kind, list) else [kind]
        if not prop.get("enum") and not all(k in FIELD_TYPES for k in kinds):
            raise AirlockError(f"field {name!r} needs a type ({', '.join(FIELD_TYPES[:5])}) or an enum")
    missing = [r for r in schema.get("required", []) if r not in props]
    if missing:
        raise AirlockError(f"required fields are not defined under properties: {', '.join(missing)}")


def label_names(spec: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(item["name"]) for item in spec.get("labels", []))


def value_problems(kind: str, spec: Mapping[str, Any], value: str) -> list[str]:
    """Human-readable problems with a label value; empty when it is valid."""
    if kind == "classification":
        names = label_names(spec)
        if value not in names:
            return [f"label {value!r} is not in the task's label set ({', '.join(names)})"]
        return []
    if kind == "extraction":
        return _record_problems(spec.get("schema", {}), value)
    problems = []
    if not value.strip():
        problems.append("the answer is empty")
    max_chars = spec.get("max_chars")
    if isinstance(max_chars, int) and len(value) > max_chars:
        problems.append(f"the answer has {len(value)} characters; the task allows at most {max_chars}")
    return problems


def _record_problems(schema: Mapping[str, Any], value: str) -> list[str]:
    from jsonschema import Draft202012Validator

    try:
        record = json.loads(value)
    except json.JSONDecodeError as exc:
        return [f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
    if not isinstance(record, dict):
        return ["the record must be a JSON object with the schema's fields"]
    problems = []
    for err in sorted(Draft202012Validator(dict(schema)).iter_errors(record), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.path)
        problems.append(f"{where}: {err.message}" if where else err.message)
    return problems


def canonical_value(kind: str, value: str) -> str:
    """The stored form: extraction records as sorted-key JSON, everything else unchanged."""
    if kind != "extraction":
        return value
    return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)


def checked_value(kind: str, spec: Mapping[str, Any], value: str) -> str:
    """The canonical value, or AirlockError listing what is wrong with it."""
    problems = value_problems(kind, spec, value)
    if problems:
        raise AirlockError("; ".join(problems))
    return canonical_value(kind, value)
