"""Errors a user can act on while detecting, reviewing and redacting PII."""

from __future__ import annotations

from engine.errors import AirlockError


class InvalidPattern(AirlockError):
    """A workspace ID pattern (name + regular expression) cannot be used."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"PII pattern {name!r}: {problem}")


class InvalidSpan(AirlockError):
    """A span's offsets or entity type do not fit the text it is meant for."""


class InvalidDecision(AirlockError):
    """A review decision other than accepted or rejected."""


class UnknownOperator(AirlockError):
    """A redaction operator other than placeholder, mask or hash was asked for."""


class RecordNotFound(AirlockError):
    """A document or finding id that does not exist (any more) in the workspace."""


class ModelMissing(AirlockError):
    """The offline spaCy model package is not installed."""


class PermissionDenied(AirlockError):
    """The user's role in the workspace does not allow this change."""


class InvalidPolicy(AirlockError):
    """An entity policy entry with an unknown type or action."""
