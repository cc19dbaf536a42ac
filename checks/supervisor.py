"""Supervised workers: every claim runs in a process of its own, so whatever it does ends only itself.

``supervise`` keeps at most ``jobs`` worker processes busy, one claim each. A worker sends its Result back
over a pipe and exits; a fresh worker takes the next claim. The supervisor turns every way a worker can end
without a result into an ERROR for *that* claim, with the cause in the evidence:

- a signal (``SIGSEGV`` from native code, ``SIGABRT``, …): "worker process died of SIGSEGV (…)", with the
  Python stack that ``faulthandler`` wrote at the crash;
- ``SIGKILL`` not sent by us: "killed (SIGKILL), probably out of memory" (the kernel's OOM killer);
- an exit status (``os._exit(3)``, a C library calling ``exit``): "worker process exited with status 3 …";
- a claim running past its wall-clock limit: the supervisor asks the worker for its Python stack (SIGUSR1,
  via ``faulthandler``), kills it and records "timed out after S s" with the elapsed time, the worker's last
  progress event and that stack.

A ``MemoryError`` raised inside a claim is an ordinary exception: ``run_check`` turns it into an ERROR with
that cause in the worker, which then reports normally.

Start methods: ``fork`` where the platform has it (workers inherit the imported registry; the parent must
have run no torch operation, see ``checks.runner``), else ``spawn``. Inside a Dask worker, a process with
threads of its own, forking is unsafe, so ``forkserver`` is used there (see ``context``): a single-threaded
server process that imports the registry once and forks the workers from itself.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for
from typing import Any

from .model import Verdict
from .result import Result, jsonable

__all__ = ["Task", "WorkerConfig", "context", "progress", "run_task", "supervise"]

_POLL_S = 0.2  # longest the supervisor sleeps without looking at deadlines and the stop flag
_STACK_WAIT_S = 0.5  # how long a timed-out worker gets to write its stack before it is killed
_EXIT_WAIT_S = 10.0  # how long a worker that has sent its result may take to exit


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker of a run shares: the check context and the per-claim wall-clock limit."""

    budget: str
    backend: str
    dtype: str
    seed: int
    alpha: float  # per-test level of the run's multiple-testing family
    timeout_s: float
    plots: bool = False


@dataclass(frozen=True)
class Task:
    """One claim to check; ``expected`` and ``kind`` let the supervisor write a Result when the worker dies."""

    claim_id: str
    expected: tuple[str, ...]
    kind: str


# -- the worker side ---------------------------------------------------------------------------------------

_progress_conn: Any = None  # the worker's pipe to the supervisor; None outside a supervised worker


def progress(stage: str, **detail: Any) -> None:
    """Tell the supervisor what the claim is doing (kept as its "last progress" if it hangs or dies).

    A no-op outside a supervised worker, so engines may call it unconditionally."""
    if _progress_conn is not None:
        with contextlib.suppress(Exception):  # progress is best-effort: never a reason to fail a check
            _progress_conn.send(("progress", {"stage": stage, "at_s": round(time.monotonic() - _started, 3),
                                              **jsonable(detail)}))


_started = 0.0


def run_task(task: Task, config: WorkerConfig) -> Result:
    """Check one claim in this process (what a worker does); never raises for a failing claim."""
    import torch

    from claims import get

    from .backend import Backend
    from .budget import get as get_budget
    from .engine import CheckContext, run_check

    torch.set_num_threads(1)  # one claim per process; jobs provide the parallelism
    ctx = CheckContext(get_budget(config.budget), Backend(config.backend, config.dtype), config.seed, config.alpha)
    progress("checking")
    result = run_check(get(task.claim_id), ctx)
    if config.plots:  # plot here, in parallel with the other workers, rather than serially in the report
        progress("plotting")
        try:
            from .report.plots import render_png

            result.plot_png = render_png(result)
        except Exception as exc:  # a plot that fails must not lose the verdict
            result.evidence["plot_error"] = f"{type(exc).__name__}: {exc}"
    return result


def _exit_with_parent(parent) -> None:
    parent.join()
    os._exit(70)


def _worker_main(conn, task: Task, config: WorkerConfig, crash_log: str) -> None:
    global _progress_conn, _started
    _started = time.monotonic()
    # Ctrl-C reaches the whole process group: the supervisor decides what happens to workers, not the signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would inherit the parent's handler
    log = open(crash_log, "w", encoding="utf-8")  # noqa: SIM115 - must stay open until the process ends
    faulthandler.enable(file=log, all_threads=True)  # the Python stack of a segfault or abort
    if hasattr(signal, "SIGUSR1"):  # the supervisor asks for the stack of a claim past its time limit
        faulthandler.register(signal.SIGUSR1, file=log, all_threads=True)
    _progress_conn = conn
    parent = multiprocessing.parent_process()
    if parent is not None:  # a supervisor that is gone (killed, or a cancelled Dask task's worker) ends us too
        threading.Thread(target=_exit_with_parent, args=(parent,), name="orphan-watch", daemon=True).start()
    try:
        result = run_task(task, config)
    except Exception as exc:  # run_check never raises; this is the registry or the import failing
        result = _error(task, f"worker failed before the check: {type(exc).__name__}: {exc}", 0.0, config,
                        traceback=traceback.format_exc())
    try:
        conn.send(("result", result))
    except Exception as exc:  # evidence that does not pickle: send its JSON form instead
        result.evidence = jsonable(result.evidence)
        result.evidence.setdefault("note", f"evidence sent as JSON ({type(exc).__name__})")
        result.plot_png = None
        conn.send(("result", result))
    conn.close()


# -- the supervisor side -----------------------------------------------------------------------------------


def context(in_threaded_process: bool = False):
    """The multiprocessing context for workers: fork, or forkserver inside a threaded host such as Dask."""
    methods = multiprocessing.get_all_start_methods()
    if in_threaded_process and "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["checks._preload"])  # the server imports the registry once
        return ctx
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


@dataclass
class _Slot:
    task: Task
    process: Any
    conn: Any
    crash_log: str
    started: float
    last_progress: dict | None = None
    result: Result | None = None
    broken_pipe: str = ""
    extra: dict = field(default_factory=dict)


def _error(task: Task, message: str, seconds: float, config: WorkerConfig, **evidence: Any) -> Result:
    from .backend import Backend

    try:
        label = Backend(config.backend, config.dtype).label
    except Exception:
        label = config.backend
    return Result(task.claim_id, Verdict.ERROR, list(task.expected), {"error": message, **evidence}, seconds,
                  label, task.kind)


def _read_log(path: str, limit: int = 8000) -> str:
    """The worker's faulthandler output, tidied: the claim's own thread first, without the frames below the
    worker's entry point (the supervisor's, inherited by fork) and without the orphan watcher's thread."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return ""
    blocks = []
    for block in text.strip().split("\n\n"):
        if "in _exit_with_parent" in block or block.startswith("Extension modules:"):
            continue
        lines = block.splitlines()
        cut = next((i for i, line in enumerate(lines) if line.endswith(" in _worker_main")), None)
        blocks.append("\n".join(lines if cut is None else lines[:cut]))
    blocks.sort(key=lambda b: not b.startswith(("Fatal Python error", "Current thread")))
    return "\n\n".join(blocks)[-limit:].strip()


def _death_cause(exitcode: int | None, killed_by_us: bool) -> tuple[str, dict]:
    if exitcode is None:
        return "worker process ended without an exit status", {}
    if exitcode < 0:
        try:
            sig = signal.Signals(-exitcode)
            name, description = sig.name, signal.strsignal(sig) or sig.name
        except ValueError:
            name, description = f"signal {-exitcode}", "unknown signal"
        info = {"signal": name, "exitcode": exitcode}
        if name == "SIGKILL" and not killed_by_us:
            return "worker process was killed (SIGKILL), probably out of memory", info
        return f"worker process died of {name} ({description})", info
    if exitcode == 0:
        return "worker process exited (status 0) without returning a result", {"exitcode": 0}
    return f"worker process exited with status {exitcode} before returning a result", {"exitcode": exitcode}


def supervise(tasks: Sequence[Task], config: WorkerConfig, *, jobs: int = 1,
              done: Callable[[Result], None] | None = None, stop: Callable[[], bool] | None = None,
              ctx=None) -> list[Result]:
    """Run every task in its own worker process, at most ``jobs`` at once; results in completion order.

    ``done`` is called with each Result as it arrives. When ``stop()`` turns true, no further task starts,
    the running workers are killed, and the results so far are returned (the caller knows it stopped)."""
    ctx = ctx or context()
    pending = deque(tasks)
    active: list[_Slot] = []
    finished: list[Result] = []
    stop = stop or (lambda: False)
    logdir = tempfile.mkdtemp(prefix="claims-workers-")

    def finish(slot: _Slot, result: Result) -> None:
        active.remove(slot)
        with contextlib.suppress(OSError):
            slot.conn.close()
        with contextlib.suppress(OSError):
            os.unlink(slot.crash_log)
        finished.append(result)
        if done:
            done(result)

    def kill(slot: _Slot) -> None:
        with contextlib.suppress(OSError, AttributeError):
            slot.process.kill()
        slot.process.join(5)

    try:
        while pending or active:
            if stop():
                break
            while pending and len(active) < jobs:
                task = pending.popleft()
                reader, writer = ctx.Pipe(duplex=False)
                crash_log = os.path.join(logdir, f"{len(finished) + len(active)}-{os.getpid()}-{time.time_ns()}.log")
                proc = ctx.Process(target=_worker_main, args=(writer, task, config, crash_log),
                                   name=f"claim:{task.claim_id}", daemon=True)
                proc.start()
                writer.close()  # the worker holds the only write end: EOF on the reader means it is gone
                active.append(_Slot(task, proc, reader, crash_log, time.monotonic()))
            deadline = min(s.started + config.timeout_s for s in active)
            wait_for([s.conn for s in active] + [s.process.sentinel for s in active],
                     timeout=max(0.0, min(_POLL_S, deadline - time.monotonic())))
            for slot in list(active):
                try:
                    while slot.result is None and slot.conn.poll():
                        kind, payload = slot.conn.recv()
                        if kind == "progress":
                            slot.last_progress = payload
                        elif kind == "result":
                            slot.result = payload
                except (EOFError, OSError) as exc:  # the worker died, possibly mid-message
                    slot.broken_pipe = type(exc).__name__
                except Exception as exc:  # a message that does not unpickle
                    slot.broken_pipe = f"{type(exc).__name__}: {exc}"
                elapsed = time.monotonic() - slot.started
                if slot.result is not None:
                    slot.process.join(_EXIT_WAIT_S)
                    if slot.process.is_alive():  # the result is safe; a worker stuck at exit is not our problem
                        kill(slot)
                    finish(slot, slot.result)
                elif not slot.process.is_alive() or slot.broken_pipe:
                    slot.process.join(5)
                    if slot.process.is_alive():  # its pipe broke but it lives on: it is of no further use
                        kill(slot)
                        message, info = f"the worker's result could not be read ({slot.broken_pipe})", {}
                    else:
                        message, info = _death_cause(slot.process.exitcode, killed_by_us=False)
                    evidence: dict[str, Any] = {"worker": info, "elapsed_s": round(elapsed, 3),
                                                "last_progress": slot.last_progress}
                    stack = _read_log(slot.crash_log)
                    if stack:
                        evidence["traceback"] = stack
                    finish(slot, _error(slot.task, message, elapsed, config, **evidence))
                elif elapsed > config.timeout_s:
                    if hasattr(signal, "SIGUSR1"):
                        with contextlib.suppress(OSError):
                            os.kill(slot.process.pid, signal.SIGUSR1)
                        time.sleep(_STACK_WAIT_S)
                    kill(slot)
                    evidence = {"timeout_s": config.timeout_s, "elapsed_s": round(elapsed, 3),
                                "last_progress": slot.last_progress}
                    stack = _read_log(slot.crash_log)
                    if stack:
                        evidence["traceback"] = "stack of the worker when its time ran out:\n" + stack
                    finish(slot, _error(slot.task, f"timed out after {config.timeout_s:g} s", elapsed, config,
                                        **evidence))
    finally:
        for slot in list(active):  # stopped (or the supervisor itself failed): end the workers we started
            kill(slot)
            with contextlib.suppress(OSError):
                slot.conn.close()
        with contextlib.suppress(OSError):
            for name in os.listdir(logdir):
                os.unlink(os.path.join(logdir, name))
            os.rmdir(logdir)
    return finished


if __name__ == "__main__":  # pragma: no cover - not a command
    sys.exit("checks.supervisor is a library module; use `claims run`")
