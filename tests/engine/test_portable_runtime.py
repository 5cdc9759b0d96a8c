"""The shipped llama.cpp build runs on any x86-64 CPU: its core libraries hold baseline code only,
its CPU kernels come in variants llama.cpp scores for the running CPU, and the runtime picks a
better variant than the baseline when this CPU has one."""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.inference.native import BASELINE_VARIANT, best_variant, lib_dir, variants

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="the portable build is checked on x86-64")

# Instructions beyond x86-64's baseline (SSE2): VEX/EVEX-encoded ones (AVX, AVX2, AVX-512, F16C,
# FMA all start with 'v'), SSSE3, SSE4.1, SSE4.2, POPCNT, LZCNT, BMI1/2, MOVBE. Not TZCNT: its
# encoding (F3 0F BC) is "rep bsf", which CPUs without BMI1 run as BSF, and GCC emits it for
# __builtin_ctz at the baseline on purpose.
BEYOND_BASELINE = re.compile(
    r"^(v[a-z0-9]+|pshufb|palignr|phadd[a-z]*|phsub[a-z]*|pmaddubsw|pmulhrsw|psign[bwd]|pabs[bwd]|ptest|pblend[a-z]*"
    r"|pmins[bd]|pmaxs[bd]|pminu[wd]|pmaxu[wd]|pmulld|pmuldq|pextr[bdq]|pinsr[bdq]|round[ps][sd]|dpp[sd]"
    r"|blendv?p[sd]|pcmpeqq|pcmpgtq|pcmp[ei]str[im]|crc32[a-z]*|popcnt|lzcnt|andn|bextr|blsi|blsr|blsmsk"
    r"|pdep|pext|shlx|sarx|shrx|rorx|movbe|pmov[sz]x[a-z]*|packusdw|movntdqa|insertps|extractps|ldtilecfg"
    r"|tdp[a-z0-9]*|tileloadd[a-z]*)$")
CORE_LIBRARIES = ("libggml-base.so", "libggml.so", "libllama.so", f"libggml-cpu-{BASELINE_VARIANT}.so")


def beyond_baseline(library: Path) -> dict[str, int]:
    """Every instruction in ``library`` that an x86-64 CPU without SSE3+ extensions would not run."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(library)], capture_output=True, text=True,
                         check=True).stdout
    found: dict[str, int] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            mnemonic = parts[1].split()[0] if parts[1].split() else ""
            if BEYOND_BASELINE.match(mnemonic):
                found[mnemonic] = found.get(mnemonic, 0) + 1
    return found


@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is needed to read the code")
def test_the_core_libraries_need_nothing_beyond_the_x86_64_baseline() -> None:
    folder = lib_dir()
    for name in CORE_LIBRARIES:
        assert (folder / name).is_file(), f"{name} is missing from the llama.cpp build"
        assert beyond_baseline(folder / name) == {}, f"{name} uses instructions beyond x86-64"
    # the check can see such instructions: a variant built for newer CPUs has them
    assert beyond_baseline(folder / "libggml-cpu-haswell.so"), "the AVX2 variant should use AVX2"


def test_variants_for_every_level_are_shipped() -> None:
    shipped = set(variants())
    assert {BASELINE_VARIANT, "sse42", "haswell", "skylakex", "zen4", "sapphirerapids"} <= shipped


def cpu_flags() -> set[str]:
    text = Path("/proc/cpuinfo").read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("flags"))
    return set(line.split(":", 1)[1].split())


def test_the_runtime_picks_a_better_variant_when_the_cpu_has_one() -> None:
    from engine.inference.process import variant_scores_in_child

    scores = variant_scores_in_child(60)
    flags = cpu_flags()
    assert scores[BASELINE_VARIANT] > 0  # the baseline runs everywhere
    best = best_variant(scores)
    # a variant needing an instruction the CPU lacks scores zero and is never picked
    assert (scores["haswell"] > 0) == ({"avx2", "fma", "f16c", "bmi2"} <= flags)
    assert (scores["skylakex"] > 0) == ("avx512f" in flags and scores["haswell"] > 0)
    assert (scores["sapphirerapids"] > 0) == ("amx_int8" in flags and scores["skylakex"] > 0)
    if "avx2" in flags:
        assert scores[best] >= scores["haswell"] > scores[BASELINE_VARIANT]
        assert best not in (BASELINE_VARIANT, "sse42")
