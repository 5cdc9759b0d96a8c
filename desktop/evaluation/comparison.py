"""The comparison table: every finished run on the selected run's split, with the difference to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop import formatting as fmt
from desktop.widgets.table import Column
from engine.evaluation.bootstrap import Difference

if TYPE_CHECKING:  # the comparison module needs SQLAlchemy, which loads after the window opens
    from engine.evaluation.compare import Comparison
    from engine.evaluation.gate import GateResult
    from engine.evaluation.service import EvaluationInfo
    from engine.jobs import JobContext
    from engine.workspace import Workspace


@dataclass(frozen=True)
class ComparisonRow:
    id: int | None
    approach: str
    quality: float | None
    quality_metric: str
    p95_ms: float | None
    cost_per_month: float | None
    cost_per_1k: float | None
    currency: str
    versus: Difference | None  # this row minus the selected run
    is_selected: bool


def _versus(row: ComparisonRow) -> str:
    if row.is_selected:
        return "selected"
    if row.versus is None:
        return fmt.MISSING
    d = row.versus
    verdict = "within noise" if d.within_noise else ("better" if d.delta > 0 else "worse")
    return f"{d.delta:+.3f} [{d.low:+.3f}, {d.high:+.3f}] {verdict}"


def _money(row: ComparisonRow) -> str:
    return fmt.MISSING if row.cost_per_month is None else f"{row.cost_per_month:,.2f} {row.currency}"


def _per_1k(row: ComparisonRow) -> str:
    if row.cost_per_1k is None:
        return "no cost figures"
    source = "as entered" if row.id is None else "from measured latency, hardware price and power"
    return f"{row.cost_per_1k:,.4f} {row.currency} per 1,000 requests ({source})"


COLUMNS = [
    Column("Approach", lambda r: r.approach, stretch=True, tooltip=lambda r: r.approach),
    Column("Quality", lambda r: fmt.number(r.quality), align="right", width=68,
           tooltip=lambda r: r.quality_metric, sort_key=lambda r: -1.0 if r.quality is None else r.quality),
    Column("p95", lambda r: fmt.millis(r.p95_ms), align="right", width=76,
           sort_key=lambda r: -1.0 if r.p95_ms is None else r.p95_ms),
    Column("Cost / month", _money, align="right", width=112, tooltip=_per_1k,
           sort_key=lambda r: -1.0 if r.cost_per_month is None else r.cost_per_month),
    Column("vs selected (95% CI)", _versus, width=222, tooltip=_versus),
]


def comparison_rows(cmp: Comparison, selected: int) -> list[ComparisonRow]:
    versus: dict[int, Difference] = {}
    for p in cmp.pairs:
        if p.a == selected:
            versus[p.b] = p.difference
        elif p.b == selected:
            d = p.difference
            versus[p.a] = Difference(-d.delta, -d.high, -d.low, d.level, d.resamples, d.seed, d.n)
    rows = []
    for t in cmp.table():
        rid = t["run"]
        rows.append(ComparisonRow(rid, t["approach"], t["quality"], t["quality_metric"], t["p95_latency_ms"],
                                  t["cost_per_month"], t["cost_per_1k"], cmp.currency, versus.get(rid) if rid else None,
                                  rid == selected))
    return rows


@dataclass(frozen=True)
class SelectedRunDetails:
    """What the page shows beside a selected run once the bootstraps are done."""
    run_id: int
    rows: list[ComparisonRow]  # empty for a run that did not finish
    best: float | None
    gate: GateResult | None  # None for a base-model run (nothing to promote)


def selected_run_details(ws: Workspace, info: EvaluationInfo, peer_ids: list[int],
                         ctx: JobContext) -> SelectedRunDetails:
    """A job: the comparison with every finished run on the same split (a paired bootstrap per pair)
    and the regression gate of the run's model (two more)."""
    rows: list[ComparisonRow] = []
    best = None
    if info.status == "succeeded":
        cmp = ws.evaluation.compare(peer_ids, ctx=ctx.sub(0.0, 0.8))
        rows = comparison_rows(cmp, info.id)
        best = max((r.quality for r in cmp.runs if r.quality is not None), default=None)
    ctx.step(0.8, "checking the regression gate")
    gate = ws.evaluation.gate(info.artifact_id) if info.artifact_id is not None else None
    return SelectedRunDetails(info.id, rows, best, gate)
