"""Base models and exported artifacts: registry, GGUF checks, export."""
