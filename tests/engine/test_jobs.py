"""The job protocol shared by every long piece of work."""

from __future__ import annotations

import pytest

from engine.jobs import Cancelled, CancelToken, JobContext


def test_sub_contexts_map_progress_into_their_span() -> None:
    seen: list[tuple[float, str]] = []
    ctx = JobContext(progress=lambda f, m: seen.append((round(f, 3), m)))
    ctx.sub(0.5, 1.0).sub(0.0, 0.5).report(0.5, "inner")
    ctx.report(2.0, "clamped")
    assert seen == [(0.625, "inner"), (1.0, "clamped")]


def test_cancel_raises_at_the_next_safe_point() -> None:
    token = CancelToken()
    ctx = JobContext(cancelled=token)
    ctx.step(0.1, "fine")
    token.cancel()
    with pytest.raises(Cancelled):
        ctx.sub(0.2, 0.4).step(0.5, "stop here")
