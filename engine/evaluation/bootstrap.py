"""Paired bootstrap confidence interval for the difference between two models on the same items.

Both models answered the same items; each item has a score per model (1/0 for a
right/wrong label, a field-F1 or ROUGE-L otherwise). Items are resampled with
replacement ``resamples`` times from a stored seed; the interval is the percentile
interval of the mean difference (B minus A). A difference whose interval contains 0
is within the noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20240607


@dataclass(frozen=True)
class Difference:
    delta: float  # mean(B) - mean(A)
    low: float
    high: float
    level: float
    resamples: int
    seed: int
    n: int

    @property
    def within_noise(self) -> bool:
        return self.low <= 0.0 <= self.high

    def describe(self) -> str:
        verdict = "within noise" if self.within_noise else ("better" if self.delta > 0 else "worse")
        return (f"{self.delta:+.3f} [{self.low:+.3f}, {self.high:+.3f}] "
                f"({self.level:.0%} CI, {verdict})")


def paired_bootstrap(scores_a: Sequence[float], scores_b: Sequence[float],
                     resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
                     level: float = 0.95) -> Difference:
    if len(scores_a) != len(scores_b):
        raise ValueError("paired bootstrap needs scores for the same items")
    n = len(scores_a)
    if n == 0:
        raise ValueError("paired bootstrap needs at least one item")
    import numpy as np

    diffs = np.asarray(scores_b, dtype=np.float64) - np.asarray(scores_a, dtype=np.float64)
    rng = np.random.default_rng(seed)
    values, counts = np.unique(diffs, return_counts=True)
    if len(values) <= 64:
        # Few distinct differences (right/wrong answers give -1, 0, +1): drawing n items with
        # replacement is drawing how many of each value, a multinomial; same distribution, O(k).
        means = rng.multinomial(n, counts / n, size=resamples) @ values / n
    else:
        means = np.empty(resamples)
        chunk = max(1, 2_000_000 // n)  # bounded memory for large runs
        for start in range(0, resamples, chunk):
            stop = min(resamples, start + chunk)
            means[start:stop] = diffs[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = (float(v) for v in np.percentile(means, [tail, 100 - tail]))
    return Difference(float(diffs.mean()), low, high, level, resamples, seed, n)
