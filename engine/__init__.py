"""Airlock engine: everything the product does, with no Qt and no network.

Importing the package sets the offline switches first, so no library imported
later (transformers, datasets, presidio/tldextract) tries to reach a hub.
"""

from engine.offline import apply_offline_switches

apply_offline_switches()

__version__ = "0.1.0"
