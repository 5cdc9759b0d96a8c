"""Local inference with llama.cpp: loading, scoring, classification with confidence."""
