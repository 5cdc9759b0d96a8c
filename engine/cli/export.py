"""`airlock export RUN --quant Q8_0,Q4_K_M [--lora] [--hf] [--f16]`: artifacts of a finished run."""

from __future__ import annotations

import argparse

from engine.cli.common import open_workspace
from engine.cli.options import JSON, QUIET, WORKSPACE
from engine.cli.progress import ConsoleProgress
from engine.cli.table import print_json
from engine.errors import AirlockError


def _levels(text: str) -> tuple[str, ...]:
    from engine.models.export import QUANT_TYPES

    levels = tuple(x.strip().upper() for x in text.split(",") if x.strip())
    bad = [x for x in levels if x not in QUANT_TYPES]
    if bad:
        raise AirlockError(f"unknown quantization {', '.join(bad)}; choose from {', '.join(QUANT_TYPES)}")
    return levels


def cmd_export(args: argparse.Namespace) -> int:
    from engine.jobs import JobContext
    from engine.models.export import export_run

    levels = _levels(args.quant) if args.quant else ()
    if not (levels or args.lora or args.hf or args.f16):
        raise AirlockError("nothing to export: give --quant, --lora, --hf or --f16")
    with open_workspace(args) as ws:
        ctx = JobContext(progress=ConsoleProgress(args.quiet))
        arts = export_run(ws, args.run, levels, keep_f16=args.f16, ctx=ctx, lora=args.lora, hf=args.hf)
        rows: list[dict[str, object]] = [
            {"id": a.id, "name": a.name, "kind": a.kind, "quantization": a.quantization, "sha256": a.sha256,
             "size_bytes": a.size_bytes, "path": str(a.path)} for a in arts]
    if args.json:
        print_json(rows)
    else:
        for a in arts:
            print(f"artifact {a.id}: {a.name} ({a.kind}, {a.size_bytes / 2**20:.1f} MiB) "
                  f"sha256 {a.sha256[:16]}  {a.path}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", parents=[WORKSPACE, JSON, QUIET],
                       help="export a finished training run: quantized GGUF, GGUF LoRA adapter, HF folder")
    p.add_argument("run", type=int, help="training run id")
    p.add_argument("--quant", default="Q8_0", help="comma-separated GGUF quantizations (Q8_0, Q5_K_M, Q4_K_M); "
                                                   "empty for none (default Q8_0)")
    p.add_argument("--lora", action="store_true", help="also the adapter alone as a GGUF LoRA for the base GGUF")
    p.add_argument("--hf", action="store_true", help="also the merged model as a Hugging Face safetensors folder")
    p.add_argument("--f16", action="store_true", help="also keep the unquantized f16 GGUF")
    p.set_defaults(func=cmd_export)
