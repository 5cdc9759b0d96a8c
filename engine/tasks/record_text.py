"""An extraction record written the one way the model sees it: in training targets, few-shot
examples and under the constrained decoder.

Records are *stored* as sorted-key JSON (so equal records compare equal), but the decoder
(llama.cpp's grammar from the task's JSON schema) writes the keys in the schema's order:
required properties first, then the optional ones, each group in the order the schema lists
them, with at most one space after ``:`` and ``,``. A model trained on sorted keys is forced
into a different order at answer time; so every text the model learns from or is shown is
written here, in the decoder's order, with ``json.dumps``' default spacing (``", "`` and
``": "``), which that grammar accepts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def schema_key_order(schema: Mapping[str, Any]) -> list[str]:
    """The order llama.cpp's grammar writes an object's properties: required first, then optional,
    each in the schema's order."""
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return []
    required = set(schema.get("required") or [])
    return [k for k in props if k in required] + [k for k in props if k not in required]


def ordered_value(schema: Mapping[str, Any] | None, value: Any) -> Any:
    """``value`` with every object's keys in the schema's order (nested objects and arrays too);
    keys the schema does not name keep their order, after the named ones."""
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema, Mapping) else None
        props = props if isinstance(props, Mapping) else {}
        order = [k for k in schema_key_order(schema or {}) if k in value]
        order += [k for k in value if k not in props]
        return {k: ordered_value(props.get(k), value[k]) for k in order}
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema, Mapping) else None
        return [ordered_value(items if isinstance(items, Mapping) else None, v) for v in value]
    return value


def record_text(schema: Mapping[str, Any] | None, record: Any) -> str:
    """The JSON text of ``record`` as the constrained decoder writes it."""
    return json.dumps(ordered_value(schema, record), ensure_ascii=False)


def served_answer(kind: str, spec: Mapping[str, Any], answer: str) -> str:
    """A stored answer as the model learns and is shown it: extraction records in the decoder's
    order and spacing; other kinds unchanged (as is a record that does not parse)."""
    if kind != "extraction":
        return answer
    try:
        record = json.loads(answer)
    except ValueError:
        return answer
    schema = spec.get("schema")
    return record_text(schema if isinstance(schema, Mapping) else None, record)
