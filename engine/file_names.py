"""File names as they may be stored and audited: with the personal data in them redacted.

People name files after people ("Anna Schmidt sick note.pdf"). Before a name goes into the
database or the append-only audit log it passes through the same detection and redaction as the
documents' text (the workspace's own patterns, lists, thresholds and operators, through the privacy
package's public API). Separators are read as spaces so "anna_schmidt-sick.note.pdf" reads as words;
a row suffix (``feedback.csv#12``) is kept and the file part redacted once per import.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.privacy.service import PrivacyService

# Types that, in a bare file name, are mostly false alarms ("scan" read as a group, "2024-03" as a
# date) and name nobody: left as they are. Names, addresses, numbers and IDs are redacted.
NOT_IN_NAMES = frozenset({"NRP", "DATE_TIME", "LOCATION", "URL", "ORGANIZATION"})
_SEPARATORS = re.compile(r"[_\-.+/\\]")
_ROW_SUFFIX = re.compile(r"^(.*?)(#\d+)$")


class NameRedactor:
    """Redacts names with one workspace's privacy settings; remembers what it already redacted."""

    def __init__(self, privacy: PrivacyService) -> None:
        self._done: dict[str, str] = {}
        self._settings = privacy.settings()

    def __call__(self, name: str) -> str:
        suffix = _ROW_SUFFIX.match(name)
        if suffix:
            return self(suffix.group(1)) + suffix.group(2)
        if name not in self._done:
            stem, ext = _split_extension(name)
            self._done[name] = self._redact(stem) + ext
        return self._done[name]

    def _redact(self, stem: str) -> str:
        """Spans found in the stem as written (e-mail addresses keep their dots) and with separators
        read as spaces (names joined by _ or -) are redacted together."""
        from engine.privacy import detect, redact

        config = self._settings.detection_config()
        spaced = _SEPARATORS.sub(" ", stem)  # same length: its spans fit the stem
        spans = [sp for sp in detect(stem, config) + (detect(spaced, config) if spaced != stem else [])
                 if sp.entity_type not in NOT_IN_NAMES]
        return redact(stem, sorted(spans, key=lambda sp: sp.start), self._settings.operators).text if spans else stem


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 1 <= len(ext) <= 5 and ext.isalnum():
        return stem, "." + ext
    return name, ""
