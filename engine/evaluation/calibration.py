"""Calibrated confidence: map a model's raw confidence to the chance its answer is right.

The raw confidence (a label's probability share, or the weakest field's token probability)
ranks answers but is not a probability of being right. A calibration is fitted on the eval
split's answers (raw confidence, right or wrong) and stored with the model artifact:

- ``temperature``: ``sigmoid(logit(p) / T)``, one parameter (the usual choice for networks);
- ``platt``: ``sigmoid(a * logit(p) + b)``, two parameters (logistic regression on the logit);
- ``isotonic``: a monotone step function (pool-adjacent-violators), as flexible as the data.

Expected calibration error (ECE) is the share-weighted gap between mean confidence and accuracy
over ten equal-width confidence bins. Which method to use is a measured choice (BENCHMARKS.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import AirlockError

METHODS = ("temperature", "platt", "isotonic")
EPS = 1e-6


def _logit(p: float) -> float:
    p = min(1 - EPS, max(EPS, p))
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def ece(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float | None:
    """Expected calibration error (None without answers)."""
    if not confidences:
        return None
    totals = [[0.0, 0.0, 0] for _ in range(bins)]  # sum confidence, sum right, count
    for c, ok in zip(confidences, correct, strict=True):
        b = totals[min(bins - 1, max(0, int(c * bins)))]
        b[0] += c
        b[1] += 1.0 if ok else 0.0
        b[2] += 1
    n = len(confidences)
    return sum(abs(s_conf - s_ok) / n for s_conf, s_ok, count in totals if count)


@dataclass(frozen=True)
class Calibration:
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    fitted_on: dict[str, Any] = field(default_factory=dict)  # version, split, n, ECE before/after

    def apply(self, p: float) -> float:
        if self.method == "temperature":
            return _sigmoid(_logit(p) / float(self.params["temperature"]))
        if self.method == "platt":
            return _sigmoid(float(self.params["a"]) * _logit(p) + float(self.params["b"]))
        if self.method == "isotonic":
            xs, ys = self.params["x"], self.params["y"]
            if p <= xs[0]:
                return float(ys[0])
            for i in range(1, len(xs)):
                if p <= xs[i]:  # linear between the fitted points
                    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
                    return float(y0 + (y1 - y0) * (p - x0) / (x1 - x0)) if x1 > x0 else float(y1)
            return float(ys[-1])
        raise AirlockError(f"unknown calibration method {self.method!r}; known: {', '.join(METHODS)}")

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "params": self.params, "fitted_on": self.fitted_on}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(str(data["method"]), dict(data.get("params") or {}), dict(data.get("fitted_on") or {}))


def _nll(probs: Sequence[float], correct: Sequence[bool]) -> float:
    return -sum(math.log(max(EPS, p if ok else 1 - p)) for p, ok in zip(probs, correct, strict=True))


def fit_temperature(confidences: Sequence[float], correct: Sequence[bool]) -> Calibration:
    """T minimising the negative log-likelihood (golden-section search on log T)."""
    logits = [_logit(c) for c in confidences]

    def loss(log_t: float) -> float:
        t = math.exp(log_t)
        return _nll([_sigmoid(z / t) for z in logits], correct)

    lo, hi = math.log(0.05), math.log(20.0)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    for _ in range(80):
        if loss(a) < loss(b):
            hi = b
        else:
            lo = a
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    return Calibration("temperature", {"temperature": math.exp((lo + hi) / 2)})


def fit_platt(confidences: Sequence[float], correct: Sequence[bool]) -> Calibration:
    """Logistic regression of right/wrong on logit(p), by Newton's method (lightly regularised)."""
    xs = [_logit(c) for c in confidences]
    ys = [1.0 if ok else 0.0 for ok in correct]
    a, b, ridge = 1.0, 0.0, 1e-3
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            p = _sigmoid(a * x + b)
            w = p * (1 - p)
            ga += (p - y) * x
            gb += p - y
            haa += w * x * x
            hab += w * x
            hbb += w
        ga += ridge * (a - 1)
        haa += ridge
        hbb += ridge
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return Calibration("platt", {"a": a, "b": b})


def fit_isotonic(confidences: Sequence[float], correct: Sequence[bool]) -> Calibration:
    """Pool adjacent violators over the answers sorted by confidence; each block is a point."""
    pairs = sorted(zip(confidences, (1.0 if ok else 0.0 for ok in correct), strict=True))
    blocks: list[list[float]] = []  # [sum x, sum y, count]
    for x, y in pairs:
        blocks.append([x, y, 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            for i in range(3):
                blocks[-1][i] += last[i]
    xs = [sx / n for sx, _, n in blocks]
    ys = [min(1 - EPS, max(EPS, sy / n)) for _, sy, n in blocks]
    return Calibration("isotonic", {"x": xs, "y": ys})


def fit(method: str, confidences: Sequence[float], correct: Sequence[bool]) -> Calibration:
    if method not in METHODS:
        raise AirlockError(f"unknown calibration method {method!r}; choose one of {', '.join(METHODS)}")
    if len(confidences) != len(correct):
        raise ValueError("confidences and outcomes differ in length")
    if len(confidences) < 2:
        raise AirlockError(f"calibration needs answers to fit on; the eval split gave {len(confidences)}")
    fitter = {"temperature": fit_temperature, "platt": fit_platt, "isotonic": fit_isotonic}[method]
    return fitter(confidences, correct)
