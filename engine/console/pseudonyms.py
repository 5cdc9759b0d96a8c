"""Reversible pseudonymisation within one console call.

Operators often need exactly the personal data (a booking's name, a claim's date of birth), but
nothing personal may reach the model, the call log, the review queue or a training example. So the
input is pseudonymised with typed placeholders ("<PERSON_1>", "<DATE_TIME_1>"), always placeholders
whatever the workspace's redaction operators (a mask or a hash could not be mapped back); the model
answers on that; and the placeholders in the answer are mapped back to the real values for the
operator's screen and export only. The map lives in this object, in memory, for the one call: it is
never stored, logged or audited. Spans the entity policy sends to review are pseudonymised too (a
console call has no reviewer); "ignore" types are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import AirlockError
from engine.privacy import detect, redact
from engine.privacy.redaction import ANY_ENTITY, PLACEHOLDER

if TYPE_CHECKING:
    from engine.workspace import Workspace

_PLACEHOLDER = re.compile(r"<[A-Z0-9_]+_\d+>")


@dataclass(frozen=True)
class Pseudonymised:
    text: str  # what the model sees and the call log keeps: placeholders only
    values: Mapping[str, str] = field(default_factory=dict, repr=False)  # placeholder -> value; never stored

    def reveal(self, text: str) -> str:
        """``text`` with every placeholder of this call replaced by its value; unknown ones stay."""
        return _PLACEHOLDER.sub(lambda m: self.values.get(m.group(), m.group()), text)

    def reveal_value(self, value: Any) -> Any:
        """A JSON value (an extraction record) with placeholders in its strings replaced."""
        if isinstance(value, str):
            return self.reveal(value)
        if isinstance(value, list):
            return [self.reveal_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.reveal_value(v) for k, v in value.items()}
        return value


def pseudonymise(ws: Workspace, text: str) -> Pseudonymised:
    """The input with typed placeholders, and the map back (the workspace's detection settings)."""
    if not text.strip():
        raise AirlockError("nothing to answer: the input is empty")
    settings = ws.privacy.settings()
    spans = detect(text, settings.detection_config())
    result = redact(text, spans, {ANY_ENTITY: PLACEHOLDER})
    values: dict[str, str] = {}
    for applied in sorted(result.spans, key=lambda r: r.start):
        values.setdefault(applied.placeholder, text[applied.start:applied.end])
    return Pseudonymised(result.text, values)


def may_see_values(ws: Workspace) -> bool:
    """Whether the acting user's role may see the real values mapped back (operators, experts, admins)."""
    return ws.membership.can("operator")
