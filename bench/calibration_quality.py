"""Calibration quality: ECE and AUROC of the confidence before and after temperature, Platt and
isotonic calibration, each fitted on the eval split and measured on the test split, on the demo's
fine-tuned model and on models stopped part-way through training (which still make mistakes).

    .venv/bin/airlock demo --workspace /tmp/demo --quiet
    .venv/bin/python bench/calibration_quality.py --trained /tmp/demo [--partial-steps 4,8,16]

The workspace is copied first. Evaluation runs go through ws.evaluation.run (calibrate=False:
the fits here are done by hand, all three on the same answers).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trained", type=Path, required=True, help="a workspace after `airlock demo`")
    ap.add_argument("--partial-steps", default="4,8,16", help="comma-separated step counts of short runs")
    args = ap.parse_args()

    from sqlalchemy import select

    from engine import offline
    from engine.evaluation.calibration import METHODS, ece, fit
    from engine.evaluation.metrics import auroc
    from engine.models.export import export_run
    from engine.store.models import Prediction
    from engine.training.config import TrainingConfig
    from engine.workspace import Workspace

    offline.install_guard()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(args.trained, tmp / "ws")
    with Workspace.open(tmp / "ws") as ws:
        tuned = [a for a in ws.models.artifacts() if a.kind == "gguf" and a.run_id is not None][-1]
        assert tuned.run_id is not None
        full = ws.training.get(tuned.run_id)
        version_id = full.dataset_version_id
        models = []
        for steps in [int(n) for n in args.partial_steps.split(",") if n]:
            config = replace(TrainingConfig.from_dict(full.config), max_steps=steps, checkpoint_every=0)
            run = ws.training.train(version_id, full.base_model_id, config)
            assert run.status == "succeeded", run.error
            models.append((f"stopped after {steps} steps", export_run(ws, run.id, ("Q8_0",))[0].id))
        models.append((f"fully trained ({tuned.name})", tuned.id))

        def answers(run_id: int) -> tuple[list[float], list[bool]]:
            with ws.reader() as s:
                rows = s.execute(select(Prediction.confidence, Prediction.correct)
                                 .where(Prediction.evaluation_run_id == run_id)).all()
            return [float(c) for c, _ in rows], [bool(ok) for _, ok in rows]

        print(f"dataset version {version_id}: fitted on eval, measured on test")
        print("| model | eval n | test n | test accuracy | AUROC | ECE raw | ECE temperature | ECE Platt | "
              "ECE isotonic | AUROC isotonic |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, art_id in models:
            model = ws.evaluation.model(art_id, version_id)
            ev = ws.evaluation.run(model, version_id, "eval", calibrate=False)
            te = ws.evaluation.run(model, version_id, "test", calibrate=False)
            fit_c, fit_ok = answers(ev.id)
            test_c, test_ok = answers(te.id)
            cells = []
            iso_auroc = None
            for method in METHODS:
                try:
                    cal = fit(method, fit_c, fit_ok)
                except Exception as exc:  # reported in the table
                    cells.append(f"({exc})")
                    continue
                mapped = [cal.apply(c) for c in test_c]
                cells.append(f"{ece(mapped, test_ok):.3f}")
                if method == "isotonic":
                    iso_auroc = auroc(mapped, test_ok)
            au = auroc(test_c, test_ok)
            acc = sum(test_ok) / len(test_ok)
            print(f"| {name} | {len(fit_c)} | {len(test_c)} | {acc:.1%} | {'–' if au is None else f'{au:.3f}'} | "
                  f"{ece(test_c, test_ok):.3f} | " + " | ".join(cells)
                  + f" | {'–' if iso_auroc is None else f'{iso_auroc:.3f}'} |", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
