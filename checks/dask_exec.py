"""Scale-out: run the claims of a run as Dask tasks (``claims run --dask ADDRESS`` or ``--dask local:N``).

Each claim is one task. Inside the task the claim runs in a supervised subprocess (``checks.supervisor``,
forked from a forkserver that has imported the registry once per Dask worker), so a claim that segfaults,
is killed or hangs ends only that subprocess: the task returns an ERROR result with the cause and the Dask
worker lives on. Dask therefore never sees a worker die because of a claim, and never retries one
(``retries=0``). Seeds, the multiple-testing level and the time limit travel in the task's ``WorkerConfig``,
so a claim's verdict and evidence are those of a local run.

Interrupting a Dask run cancels the tasks not yet finished; on a ``local:N`` cluster, closing the cluster
ends the claims still running (a supervised worker exits when its parent does), on a remote cluster those
finish on their own, within their time limit, and their results are discarded.

The Dask workers need the same environment as the client: this project (and any out-of-tree paper)
importable at the same version. ``local:N`` starts a LocalCluster of N worker processes with one thread each.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Callable, Sequence

from .result import Result
from .supervisor import Task, WorkerConfig, context, supervise

__all__ = ["DaskUnavailable", "check_available", "run_on_dask"]


class DaskUnavailable(RuntimeError):
    """``dask.distributed`` is not installed, or the address is malformed."""


def check_available(address: str) -> None:
    """Raise DaskUnavailable (one line) if ``--dask ADDRESS`` cannot work here."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise DaskUnavailable("--dask needs dask.distributed: pip install 'claims-harness[dask]' "
                              "(or pip install 'dask[distributed]')") from None
    if address.startswith("local:"):
        n = address.split(":", 1)[1]
        if not n.isdigit() or int(n) < 1:
            raise DaskUnavailable(f"--dask local:N needs a positive number of workers, got {address!r}")
    elif not address:
        raise DaskUnavailable("--dask needs a scheduler address (tcp://host:8786) or local:N")


def claim_task(task: Task, config: WorkerConfig) -> Result:
    """The Dask task: one claim in a supervised subprocess of this Dask worker."""
    # Dask's nanny starts workers as daemonic processes, and multiprocessing refuses to let a daemonic process
    # start children (so that they are not orphaned at exit). The supervisor joins or kills every child it
    # starts before this task returns, so that protection is not needed here.
    proc = multiprocessing.current_process()
    if proc.daemon:
        try:
            proc.daemon = False
        except AssertionError:
            proc._config["daemon"] = False  # noqa: SLF001 - the setter refuses for a started process object
    results = supervise([task], config, jobs=1, ctx=context(in_threaded_process=True))
    return results[0]


def _failed(task: Task, config: WorkerConfig, message: str) -> Result:
    from .supervisor import _error

    return _error(task, message, 0.0, config)


def run_on_dask(address: str, tasks: Sequence[Task], config: WorkerConfig, *,
                done: Callable[[Result], None], stop: Callable[[], bool]) -> None:
    """Submit every task to the cluster at ``address`` (or a LocalCluster for ``local:N``) and report each
    Result to ``done`` as it completes; when ``stop()`` turns true, cancel what is left and return."""
    check_available(address)
    import dask
    from distributed import Client, LocalCluster

    cluster = None
    if address.startswith("local:"):
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=int(address.split(":", 1)[1]), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)  # 40: logging.ERROR
        client = Client(cluster)
    else:
        client = Client(address, timeout=30)
    try:
        futures = {client.submit(claim_task, t, config, key=f"claim-{i}-{t.claim_id}", pure=False, retries=0): t
                   for i, t in enumerate(tasks)}
        pending = dict(futures)
        while pending and not stop():
            progressed = False
            for fut, task in list(pending.items()):
                if fut.status == "pending":
                    continue
                progressed = True
                del pending[fut]
                if fut.status == "finished":
                    result = fut.result()
                else:  # the task itself failed (not the claim: the claim's failures are results)
                    exc = fut.exception() if fut.status == "error" else None
                    result = _failed(task, config, f"dask task {fut.status}: {type(exc).__name__}: {exc}"
                                     if exc is not None else f"dask task {fut.status}")
                done(result)
            if not progressed:
                time.sleep(0.1)
        if pending:
            client.cancel(list(pending))
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
