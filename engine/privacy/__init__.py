"""PII detection and redaction: presidio with an offline spaCy model plus our own recognizers.

Nothing here imports presidio at module import time: the analyzer is built on
first use (``engine.privacy.analyzer``), so the GUI can import this package at
start-up for free. The review workflow over stored documents lives in
``engine.privacy.service`` (``Workspace.privacy``).
"""

from __future__ import annotations

from engine.privacy.detector import CustomPattern, DetectionConfig, Span, detect
from engine.privacy.redaction import Redacted, RedactedSpan, redact

__all__ = ["CustomPattern", "DetectionConfig", "Redacted", "RedactedSpan", "Span", "detect", "redact"]
