"""What the real detector finds in a text, as the PII rule tests read it: (type, covered text) pairs."""

from __future__ import annotations

from engine.privacy import detect


def found(text: str) -> set[tuple[str, str]]:
    return {(s.entity_type, text[s.start:s.end]) for s in detect(text)}


def people(text: str) -> list[str]:
    return [v for t, v in found(text) if t == "PERSON"]


def phones(text: str) -> list[str]:
    return [v for t, v in found(text) if t == "PHONE_NUMBER"]


def addresses(text: str) -> list[str]:
    return [v for t, v in found(text) if t == "STREET_ADDRESS"]


def cards(text: str) -> list[str]:
    return [v for t, v in found(text) if t == "CREDIT_CARD"]
