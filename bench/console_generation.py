"""Chat generation through the Airlock console against bare llama-cpp-python, same run.

    .venv/bin/python bench/console_generation.py [--tokens 96] [--rounds 3]

Both generate greedily from the same rendered chat prompt on the same GGUF (the demo
model registered as a console artifact) with the same threads, context size, CPU variant
and repacking setting (the machine's self-test choice). "bare" is
``Llama(...).create_completion(stream=True)`` in this process; "console" is
``ChatSession.send`` (model picking, chat template, history, call log in SQLite), whose
llama.cpp runs in the inference process and streams pieces over a pipe (batched, at most
every 25 ms). Tokens/s after the first token counts the chunks llama.cpp produced on both
sides (bare: every chunk ``create_completion`` yields; console: the turn's token count), from
the first piece to the end of generation. The call-log write after the answer and the PII
redaction of the user turn are not generation and are timed on their own. Rounds alternate;
time to first token (TTFT) and tokens/s are medians.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Explain in a few sentences why a motor's main breaker might trip right after start-up."


def bare(model_path: Path, prompt: str, tokens: int, threads: int) -> tuple[float, float, int]:
    from engine.inference.native import load_cpu_backend
    from engine.inference.native_model import use_extra_buffer_types
    from engine.inference.selftest import config_to_use

    config = config_to_use()  # the same CPU variant and repacking as the inference process
    load_cpu_backend(config.variant or None)
    use_extra_buffer_types(config.extra_bufts)
    from llama_cpp import Llama  # after the CPU backend is loaded: importing it first leaves none registered

    llm = Llama(model_path=str(model_path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False,
                seed=0)
    start = time.perf_counter()
    first = None
    n = 0
    chunks = llm.create_completion(prompt, max_tokens=tokens, temperature=0.0, stream=True, stop=["<|im_end|>"],
                                   repeat_penalty=1.1)  # what the console's chat uses
    for _chunk in chunks:
        if first is None:
            first = time.perf_counter()
        n += 1
    end = time.perf_counter()
    llm.close()
    assert first is not None
    return first - start, (n - 1) / (end - first), n


def console(ws: object, art_id: int, tokens: int, threads: int) -> tuple[float, float, int]:
    from engine.console.chat import ChatSession
    from engine.console.models import unload_all, using

    unload_all()  # a fresh load each round, like bare, outside the timed part
    session = ChatSession.open(ws, art_id, system_prompt="")  # type: ignore[arg-type]
    with using(ws, session.model.path) as loaded:  # type: ignore[arg-type]
        assert loaded.config is not None and loaded.config.threads == threads
    session.redact_input = False
    session.max_tokens = tokens
    for _piece in session.send(QUESTION):
        pass
    turn = session.last
    assert turn is not None and turn.first_token_ms is not None
    # The turn's own clock: from send() to the first piece, and to the end of generation (before the
    # call log is written, which is timed on its own). Tokens are those llama.cpp generated, counted
    # like bare's chunks: the inference process sends pieces in batches, so pieces are not tokens.
    ttft = turn.first_token_ms / 1000
    generating = (turn.latency_ms - turn.first_token_ms) / 1000
    return ttft, (turn.tokens - 1) / generating, turn.tokens


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from engine.paths import demo_model_path
    from engine.tasks.prompt import render_chat
    from engine.workspace import Workspace

    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=96)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from engine.inference.selftest import config_to_use

    config = config_to_use()
    args.threads = config.threads
    print(f"runtime: {config.label()}")
    tmp = Path(tempfile.mkdtemp())
    ws = Workspace.create(tmp / "ws")
    model = demo_model_path()
    assert model is not None
    shutil.copyfile(model, tmp / "m.gguf")
    base = ws.models.ensure_demo_model()
    art = ws.models.add_artifact("bench", "gguf", tmp / "m.gguf", "Q4_1", None, base.id, "bench copy")
    prompt = render_chat(base.chat_template or "", [{"role": "user", "content": QUESTION}])
    results: dict[str, list[tuple[float, float, int]]] = {"bare": [], "console": []}
    for r in range(args.rounds):
        order = ("bare", "console") if r % 2 == 0 else ("console", "bare")
        for name in order:
            if name == "bare":
                results[name].append(bare(art.path, prompt, args.tokens, args.threads))
            else:
                results[name].append(console(ws, art.id, args.tokens, args.threads))
    from engine.console.calls import log_call

    t0 = time.perf_counter()
    for _ in range(5):
        log_call(ws, artifact_id=art.id, model_sha256=art.sha256, mode="chat", redacted_input=QUESTION,
                 output="bench", confidence=None, flagged=False, latency_ms=1.0, tokens=1, task_id=None,
                 audit={"stopped": False, "turns": 1})
    log_ms = (time.perf_counter() - t0) / 5 * 1000
    ws.privacy.preview(QUESTION)  # builds the analyzer: the console does this once per session
    t0 = time.perf_counter()
    ws.privacy.preview(QUESTION)
    ws.privacy.preview(QUESTION)
    redaction_ms = (time.perf_counter() - t0) / 2 * 1000
    ws.close()
    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), v[0][2])
           for k, v in results.items()}
    print(f"{'path':<8} | {'TTFT ms':>8} | {'tokens/s':>8} | tokens")
    for k, (ttft, tps, n) in med.items():
        print(f"{k:<8} | {ttft * 1000:>8.1f} | {tps:>8.1f} | {n}")
    print(f"ratio console/bare tokens/s: {med['console'][1] / med['bare'][1]:.3f}; "
          f"TTFT bare/console: {med['bare'][0] / med['console'][0]:.3f}")
    print(f"PII redaction of the user turn (console only, warm): {redaction_ms:.0f} ms")
    print(f"call-log write after each answer (console only): {log_ms:.1f} ms")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
