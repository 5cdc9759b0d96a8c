"""A workspace's privacy settings: its own ID patterns, deny and allow lists, thresholds, operators.

They are stored as one JSON value in the workspace's settings table (key
``pii_settings``) and turned into the ``DetectionConfig`` every scan uses and
the operators every redaction uses. "Keep originals" is a separate setting
(``keep_originals``) that only an admin may change (``PrivacyService.set_keep_originals``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import AirlockError
from engine.privacy.detector import DEFAULT_THRESHOLD, DetectionConfig
from engine.privacy.errors import InvalidPattern
from engine.privacy.patterns import check_pattern, pattern_matches
from engine.privacy.policy import EntityPolicy
from engine.privacy.redaction import ANY_ENTITY, OPERATORS
from engine.privacy.spans import entity_type_for

SETTINGS_KEY = "pii_settings"
KEEP_ORIGINALS_KEY = "keep_originals"


class InvalidSettings(AirlockError):
    """A privacy setting that cannot be used (a threshold out of range, an unknown operator)."""


@dataclass(frozen=True)
class WorkspacePattern:
    """An ID pattern of the workspace: a name (its entity type), a regular expression, an example."""

    name: str
    regex: str
    example: str = ""

    @property
    def entity_type(self) -> str:
        return entity_type_for(self.name)

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Where the pattern matches ``text``; raises ``InvalidPattern`` for a bad pattern."""
        return pattern_matches(self.name, self.regex, text)


@dataclass(frozen=True)
class PrivacySettings:
    patterns: tuple[WorkspacePattern, ...] = ()
    deny_list: tuple[str, ...] = ()
    allow_list: tuple[str, ...] = ()
    default_threshold: float = DEFAULT_THRESHOLD
    thresholds: Mapping[str, float] = field(default_factory=dict)  # entity type -> minimum score
    operators: Mapping[str, str] = field(default_factory=dict)  # entity type (or "*") -> operator
    policy: Mapping[str, str] = field(default_factory=dict)  # entity type -> redact/review/ignore (overrides)

    def entity_policy(self) -> EntityPolicy:
        return EntityPolicy(dict(self.policy))

    def validated(self) -> PrivacySettings:
        """A cleaned copy (blank terms dropped, types upper-cased); raises on anything unusable."""
        names: set[str] = set()
        for p in self.patterns:
            check_pattern(p.name, p.regex)
            if p.entity_type in names:
                raise InvalidPattern(p.name, "another pattern has the same name")
            names.add(p.entity_type)
        thresholds = {}
        for entity, score in self.thresholds.items():
            if not 0.0 <= float(score) <= 1.0:
                raise InvalidSettings(f"the score threshold for {entity} must lie between 0 and 1, not {score}")
            thresholds[_entity(entity)] = float(score)
        if not 0.0 <= self.default_threshold <= 1.0:
            raise InvalidSettings(f"the default score threshold must lie between 0 and 1, "
                                  f"not {self.default_threshold}")
        operators = {}
        for entity, op in self.operators.items():
            if op not in OPERATORS:
                raise InvalidSettings(f"unknown redaction operator {op!r} for {entity}; "
                                      f"choose one of {', '.join(OPERATORS)}")
            operators[entity if entity == ANY_ENTITY else _entity(entity)] = op
        return PrivacySettings(
            patterns=tuple(WorkspacePattern(p.name.strip(), p.regex, p.example) for p in self.patterns),
            deny_list=_terms(self.deny_list), allow_list=_terms(self.allow_list),
            default_threshold=float(self.default_threshold), thresholds=dict(sorted(thresholds.items())),
            operators=dict(sorted(operators.items())),
            policy=dict(EntityPolicy(dict(self.policy)).validated().overrides))

    def detection_config(self) -> DetectionConfig:
        return DetectionConfig(default_threshold=self.default_threshold, thresholds=dict(self.thresholds),
                               custom_patterns=tuple((p.name, p.regex) for p in self.patterns),
                               deny_list=self.deny_list, allow_list=self.allow_list,
                               ignore_entities=self.entity_policy().ignored())

    def to_json(self) -> str:
        return json.dumps({"patterns": [{"name": p.name, "regex": p.regex, "example": p.example}
                                        for p in self.patterns],
                           "deny_list": list(self.deny_list), "allow_list": list(self.allow_list),
                           "default_threshold": self.default_threshold, "thresholds": dict(self.thresholds),
                           "operators": dict(self.operators), "policy": dict(self.policy)}, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | None) -> PrivacySettings:
        if not raw:
            return cls()
        try:
            data: dict[str, Any] = json.loads(raw)
            return cls(
                patterns=tuple(WorkspacePattern(str(p["name"]), str(p["regex"]), str(p.get("example", "")))
                               for p in data.get("patterns", [])),
                deny_list=tuple(str(t) for t in data.get("deny_list", [])),
                allow_list=tuple(str(t) for t in data.get("allow_list", [])),
                default_threshold=float(data.get("default_threshold", DEFAULT_THRESHOLD)),
                thresholds={str(k): float(v) for k, v in data.get("thresholds", {}).items()},
                operators={str(k): str(v) for k, v in data.get("operators", {}).items()},
                policy={str(k): str(v) for k, v in data.get("policy", {}).items()})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidSettings(f"the workspace's stored privacy settings cannot be read ({exc})") from exc

    def summary(self) -> dict[str, object]:
        """For the audit log: names and counts, never list contents (they name people)."""
        return {"patterns": [p.entity_type for p in self.patterns], "deny_list_terms": len(self.deny_list),
                "allow_list_terms": len(self.allow_list), "default_threshold": self.default_threshold,
                "thresholds": dict(self.thresholds), "operators": dict(self.operators),
                "policy": dict(self.policy)}


def _entity(name: str) -> str:
    entity = entity_type_for(name)
    if not entity:
        raise InvalidSettings(f"{name!r} is not an entity type (e.g. PERSON)")
    return entity


def _terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for term in terms:
        cleaned = " ".join(term.split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)
