"""Evaluation: metrics, runs over frozen splits, comparison."""
