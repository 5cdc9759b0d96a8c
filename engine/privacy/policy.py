"""The workspace's entity policy: for each kind of personal data, redact it, send it to review, or ignore it.

This is what a compliance officer reads and changes (``airlock pii policy``, stored with the privacy
settings, every change audited with the old and new policy). The defaults, and why:

* **redact** — identifies a person directly or is a key to their money or accounts: PERSON,
  EMAIL_ADDRESS, PHONE_NUMBER, STREET_ADDRESS, CREDIT_CARD, IBAN_CODE, US_SSN and the other national
  ID numbers, IP_ADDRESS, the workspace's own patterns and deny list. Any type not listed is redacted.
* **review** — personal only in some contexts, so a person decides: DATE_TIME (a calendar day may be
  a birth date; durations and relative dates are never proposed), LOCATION (a town or venue), NRP
  (nationality, religion, politics: sensitive when about a person), URL (may carry a name or a token).
* **ignore** — not personal data: COUNTRY_OR_REGION (a country or state named on its own).

Reviewed workflows (documents, example imports) show "redact" and "review" findings alike for a
decision; automatic ones (the console) pseudonymise both and never touch "ignore" types, which are
not even detected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.privacy.errors import InvalidPolicy
from engine.privacy.spans import entity_type_for

if TYPE_CHECKING:
    from engine.privacy.detector import DetectionConfig

REDACT = "redact"
REVIEW = "review"
IGNORE = "ignore"
ACTIONS = (REDACT, REVIEW, IGNORE)

DEFAULT_POLICY: Mapping[str, str] = {
    "PERSON": REDACT, "EMAIL_ADDRESS": REDACT, "PHONE_NUMBER": REDACT, "STREET_ADDRESS": REDACT,
    "CREDIT_CARD": REDACT, "IBAN_CODE": REDACT, "US_SSN": REDACT, "US_ITIN": REDACT, "US_PASSPORT": REDACT,
    "US_DRIVER_LICENSE": REDACT, "US_BANK_NUMBER": REDACT, "UK_NHS": REDACT, "UK_NINO": REDACT,
    "IP_ADDRESS": REDACT, "MAC_ADDRESS": REDACT, "CRYPTO": REDACT, "MEDICAL_LICENSE": REDACT, "DENY_LIST": REDACT,
    "DATE_TIME": REVIEW, "LOCATION": REVIEW, "NRP": REVIEW, "URL": REVIEW,
    "COUNTRY_OR_REGION": IGNORE,
}


@dataclass(frozen=True)
class EntityPolicy:
    """The defaults with the workspace's overrides on top (only the overrides are stored)."""

    overrides: Mapping[str, str] = field(default_factory=dict)

    def action(self, entity_type: str) -> str:
        return self.overrides.get(entity_type, DEFAULT_POLICY.get(entity_type, REDACT))

    def table(self) -> dict[str, str]:
        """Every type the policy names, with its action: what ``airlock pii policy`` shows."""
        return {t: self.action(t) for t in sorted({*DEFAULT_POLICY, *self.overrides})}

    def ignored(self) -> tuple[str, ...]:
        return tuple(t for t, a in self.table().items() if a == IGNORE)

    def with_action(self, entity_type: str, action: str) -> EntityPolicy:
        entity = entity_type_for(entity_type)
        if not entity:
            raise InvalidPolicy(f"{entity_type!r} is not an entity type (e.g. PERSON)")
        if action not in ACTIONS:
            raise InvalidPolicy(f"unknown policy action {action!r} for {entity}; choose one of {', '.join(ACTIONS)}")
        overrides = dict(self.overrides)
        if DEFAULT_POLICY.get(entity, REDACT) == action:
            overrides.pop(entity, None)
        else:
            overrides[entity] = action
        return EntityPolicy(dict(sorted(overrides.items())))

    def validated(self) -> EntityPolicy:
        policy = EntityPolicy()
        for entity, action in self.overrides.items():
            policy = policy.with_action(entity, action)
        return policy

    def detection_config(self) -> DetectionConfig:
        """Default detection settings under this policy (its "ignore" types are not detected)."""
        from engine.privacy.detector import DetectionConfig

        return DetectionConfig(ignore_entities=self.ignored())
