"""Our own presidio recognizers, one class per module, patterns as class constants.

Importing a recognizer module imports presidio, so only ``engine.privacy.analyzer``
and ``engine.privacy.detector`` import them, inside functions.
"""
