"""The offline bundle and the sealed runtime, measured.

    .venv/bin/python bench/offline_bundle.py startup [--runs 5]
    .venv/bin/python bench/offline_bundle.py seal [--runs 20]
    .venv/bin/python bench/offline_bundle.py bundle DIR [--prefix PREFIX] [--gpu] [--demo]

startup: the desktop app from process start to its window shown, sealed (the program seals itself
    first, as `airlock gui` does) against unsealed (AIRLOCK_SEAL=0, today's start-up), runs
    alternating, median of each; plus the seal itself timed in the child.
seal: the seal alone, in fresh interpreters, wall and CPU time (CPU time suffers less from a busy machine).
bundle: bundle.sh DIR [--gpu] from its warm download cache (the build time; `--fetch-only` on an empty
    cache is network-bound and timed by hand), built twice to compare the manifests, its size, install.sh
    into PREFIX inside `unshare -n`, `airlock doctor` there (the self-test already stored by the install),
    install.sh again, and with --demo `airlock demo --quick` in the installed environment.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("gui_startup", ROOT / "bench" / "gui_startup.py")
assert _spec is not None and _spec.loader is not None
gui_startup = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gui_startup)

SEAL_FIRST = """
import time as _t
_t0 = _t.perf_counter()
from engine import seal as _seal
_state = _seal.seal_process()
import sys as _sys
print("SEAL", _state.sealed, round((_t.perf_counter() - _t0) * 1000, 2), file=_sys.stderr, flush=True)
"""


def one_start(workspace: Path, sealed: bool) -> tuple[float, float | None]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(workspace.parent / "config"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not sealed:
        env["AIRLOCK_SEAL"] = "0"
    child = SEAL_FIRST + gui_startup.CHILD % {"heavy": gui_startup.HEAVY}
    start = time.time()
    done = subprocess.run([sys.executable, "-c", child, str(workspace)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"the app did not start:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    seal_line = next(line for line in done.stderr.splitlines() if line.startswith("SEAL "))
    _, was_sealed, ms = seal_line.split()
    if (was_sealed == "True") != sealed:
        raise SystemExit(f"expected sealed={sealed}, the child says {seal_line}")
    return report["shown"] - start, float(ms) if sealed else None


def startup(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "engine.cli", "init", "--workspace", f"{tmp}/ws"], cwd=ROOT,
                       check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        ws = Path(tmp, "ws")
        one_start(ws, True), one_start(ws, False)  # warm the file cache
        sealed, plain, seal_ms = [], [], []
        for _ in range(runs):
            s, ms = one_start(ws, True)
            sealed.append(s)
            seal_ms.append(ms or 0.0)
            plain.append(one_start(ws, False)[0])
    ms, mp = statistics.median(sealed), statistics.median(plain)
    print(f"window shown, unsealed (AIRLOCK_SEAL=0): median {mp:.3f} s  runs: {', '.join(f'{x:.3f}' for x in plain)}")
    print(f"window shown, sealed:                    median {ms:.3f} s  runs: {', '.join(f'{x:.3f}' for x in sealed)}")
    print(f"sealed / unsealed: {ms / mp:.3f}  (difference {1000 * (ms - mp):+.0f} ms)")
    print(f"seal_process() itself in the child: median {statistics.median(seal_ms):.1f} ms  "
          f"runs: {', '.join(f'{x:.1f}' for x in seal_ms)}")


def seal_cost(runs: int) -> None:
    """A fresh interpreter that imports engine.seal and seals, against one that only imports it:
    wall time and CPU time (user+sys, the process and its children: the forked trial and helper)."""
    import resource

    code = "import sys\nfrom engine import seal\nif sys.argv[1] == '1':\n    assert seal.seal_process().sealed"
    rows: dict[str, list[tuple[float, float]]] = {"0": [], "1": []}
    for _ in range(runs):
        for flag in ("0", "1"):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, flag], cwd=ROOT, check=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            rows[flag].append((wall, cpu))
    for flag, label in (("0", "import only"), ("1", "import + seal")):
        walls, cpus = [r[0] for r in rows[flag]], [r[1] for r in rows[flag]]
        print(f"{label:>14}: wall median {1000 * statistics.median(walls):.1f} ms, "
              f"CPU median {1000 * statistics.median(cpus):.1f} ms  ({runs} runs)")
    dw = statistics.median(r[0] for r in rows["1"]) - statistics.median(r[0] for r in rows["0"])
    dc = statistics.median(r[1] for r in rows["1"]) - statistics.median(r[1] for r in rows["0"])
    print(f"sealing adds: wall {1000 * dw:+.1f} ms, CPU {1000 * dc:+.1f} ms")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return took


def bundle(out: Path, prefix: Path, gpu: bool, demo: bool) -> None:
    env = dict(os.environ, AIRLOCK_BUNDLE_SKIP_SETUP="1")
    variant = ["--gpu"] if gpu else []
    build_s = timed(["bash", "packaging/bundle.sh", str(out), *variant], env)
    first = (out / "manifest.json").read_bytes()
    again_build_s = timed(["bash", "packaging/bundle.sh", str(out), *variant], env)
    same = (out / "manifest.json").read_bytes() == first
    print(f"bundle.sh a second time: {again_build_s:.1f} s; manifest identical: {'yes' if same else 'NO'}")
    manifest = json.loads(first)
    biggest = sorted((f for f in manifest["files"] if f["name"]), key=lambda f: -f["size"])[:5]
    print(f"bundle.sh (warm download cache): {build_s:.1f} s")
    print(f"bundle size: {manifest['total_size'] / 2**20:.0f} MiB in {manifest['file_count']} files; biggest: "
          + ", ".join(f"{f['name']} {f['size'] / 2**20:.0f} MiB" for f in biggest))
    home = prefix.parent / "home"
    home.mkdir(parents=True, exist_ok=True)
    user = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "AIRLOCK_", "PYTHON", "VIRTUAL_ENV"))}
    user.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
                XDG_STATE_HOME=str(home / "state"))
    shutil.rmtree(prefix, ignore_errors=True)
    install_s = timed(["unshare", "-n", "bash", str(out / "install.sh"), str(prefix)], user)
    doctor_s = timed(["unshare", "-n", str(prefix / "bin" / "airlock"), "doctor"], user)
    again_s = timed(["unshare", "-n", "bash", str(out / "install.sh"), str(prefix)], user)
    print(f"install.sh in unshare -n (fresh prefix, includes its doctor run and the llama.cpp self-test): "
          f"{install_s:.1f} s")
    print(f"airlock doctor in unshare -n (self-test stored): {doctor_s:.1f} s")
    print(f"install.sh again (upgrade in place): {again_s:.1f} s")
    print(f"installed size: {sum(p.stat().st_size for p in prefix.rglob('*') if p.is_file()) / 2**20:.0f} MiB")
    if demo:  # the whole loop in the installed environment, with no network
        report = home / "demo.json"
        demo_s = timed(["unshare", "-n", str(prefix / "bin" / "airlock"), "demo", "--quick", "--quiet",
                        "--workspace", str(home / "demo-workspace"), "--json", str(report)],
                       dict(user, QT_QPA_PLATFORM="offscreen", AIRLOCK_MIN_FREE_DISK_GIB="1"))
        rows = json.loads(report.read_text())["rows"]
        print(f"airlock demo --quick in unshare -n: {demo_s:.1f} s; accuracy base {rows[0]['accuracy']:.3f}, "
              f"fine-tuned {rows[1]['accuracy']:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("startup")
    p.add_argument("--runs", type=int, default=5)
    p = sub.add_parser("seal")
    p.add_argument("--runs", type=int, default=20)
    p = sub.add_parser("bundle")
    p.add_argument("out", type=Path)
    p.add_argument("--prefix", type=Path, default=Path(tempfile.gettempdir()) / "airlock-bench-prefix" / "airlock")
    p.add_argument("--gpu", action="store_true", help="the GPU bundle (CUDA torch, bitsandbytes, unsloth)")
    p.add_argument("--demo", action="store_true", help="then run `airlock demo --quick` in the installed one")
    args = parser.parse_args()
    if args.part == "startup":
        startup(args.runs)
    elif args.part == "seal":
        seal_cost(args.runs)
    else:
        bundle(args.out, args.prefix, args.gpu, args.demo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
