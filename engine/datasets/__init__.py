"""Frozen, validated, hashed dataset versions."""
