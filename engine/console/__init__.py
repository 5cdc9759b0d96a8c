"""The operators' console: chat, schema-constrained extraction and classification with a
confidence on every answer, batches, the call log and its monitoring, the review queue
that turns answers into labelled examples, and the optional local OpenAI-style endpoint."""

from engine.console.calls import DEFAULT_THRESHOLD, calls, monitoring, threshold
from engine.console.classify import ConsoleAnswer, ExtractionAnswer, classify_text, extract_text
from engine.console.models import ConsoleModel, gguf_artifacts, pick_model

__all__ = ["DEFAULT_THRESHOLD", "ConsoleAnswer", "ConsoleModel", "ExtractionAnswer", "calls", "classify_text",
           "extract_text", "gguf_artifacts", "monitoring", "pick_model", "threshold"]
