"""Base model registration: the dialog that adds a team's own model folder or GGUF file."""
