"""Tasks (what the model must do), examples and labels."""
