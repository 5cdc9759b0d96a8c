"""Why a run failed, in words a user can act on.

The worker maps the exception that ended training; the service maps the exit
status of a worker that died without saying anything (killed, crashed).
"""

from __future__ import annotations

import signal

RESUME_HINT = "then resume from the last checkpoint"
CRASH_SIGNALS = {getattr(signal, n) for n in ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL") if hasattr(signal, n)}
KILL_SIGNAL = getattr(signal, "SIGKILL", 9)
CPU_ALLOCATION_FAILURES = ("can't allocate memory", "defaultcpuallocator", "cannot allocate memory")


def _where(step: int) -> str:
    return f"at step {step}" if step > 0 else "while loading the model or before the first step"


def explain_failure(exc: BaseException, step: int) -> str:
    """One line for the run's error: what happened, where, and what to change."""
    text = str(exc)
    lower = text.lower()
    name = type(exc).__name__
    if name == "OutOfMemoryError" or "cuda out of memory" in lower or (
            "out of memory" in lower and ("cuda" in lower or "gpu" in lower)):
        return (f"out of GPU memory {_where(step)}: lower the batch size or the maximum length "
                f"(or turn on gradient checkpointing), {RESUME_HINT}")
    if isinstance(exc, MemoryError) or any(s in lower for s in CPU_ALLOCATION_FAILURES) or "out of memory" in lower:
        return (f"out of memory (RAM) {_where(step)}: lower the batch size or the maximum length, close other "
                f"programs, {RESUME_HINT}")
    if "num_samples=0" in text:  # TRL dropped every example: the answers were cut off by max_length
        return (f"no training example is left {_where(step)}: the maximum sequence length cuts off every "
                "answer (training on responses only needs the answer inside the window); raise the maximum "
                "length")
    if isinstance(exc, KeyboardInterrupt):
        return f"training was interrupted {_where(step)}; {RESUME_HINT}"
    first = text.splitlines()[0] if text else name
    return f"training failed {_where(step)}: {name}: {first}"


def explain_exit(code: int | None) -> str:
    """A worker that ended without recording an outcome (killed, crashed, vanished)."""
    if code is None:
        how = "the process is gone"
    elif code < 0:
        how = f"killed by signal {-code}"
    else:
        how = f"exit code {code}"
    hint = ""
    if code == -KILL_SIGNAL:
        hint = ("; SIGKILL is also what the system sends when it runs out of memory: if nobody stopped it, "
                "lower the batch size or the maximum length")
    elif code is not None and code < 0 and -code in CRASH_SIGNALS:
        hint = "; the process crashed inside a native library"
    return (f"the training process ended unexpectedly ({how}){hint}; the last checkpoint, if any, is kept "
            "in the run folder and the run can be resumed from it")
