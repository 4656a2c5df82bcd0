"""Render PDF jobs in parallel across the machine's cores, recycling worker processes.

WeasyPrint is imported once in the main process before the pool starts: on
Linux the workers are forked from it and start warm; elsewhere they are
spawned and import it themselves. Workers are replaced after a few renders
because WeasyPrint's memory grows slowly over many documents in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from cjmgen.build.termination import Terminated, die_with_parent, stop_processes
from cjmgen.pdf import engine
from cjmgen.pdf.engine import Job, JobResult

TASKS_PER_WORKER = 8


class RenderError(Exception):
    """A render failed in a way that is cjmgen's or the machine's problem, not the map's."""


def worker_count(jobs: int, requested: int | None = None) -> int:
    """`requested`, else CJMGEN_PDF_WORKERS, else one per core; never more than the jobs."""
    wanted = requested
    if wanted is None:
        env = os.environ.get("CJMGEN_PDF_WORKERS", "").strip()
        wanted = int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)
    return max(1, min(jobs, wanted))


def render_jobs(
    jobs: list[Job], workers: int | None = None, done: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Results in the order of `jobs`; the biggest documents start first."""
    if not jobs:
        return []
    engine.import_weasyprint()  # one clear error here rather than one per worker
    count = worker_count(len(jobs), workers)
    if count == 1:
        results = []
        for job in jobs:
            results.append(engine.render_job(job))
            if done:
                done(results[-1])
        return results
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].html))
    by_index: dict[int, JobResult] = {}
    try:
        if _can_fork():
            context: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
            size = count * TASKS_PER_WORKER
            for start in range(0, len(order), size):  # a fresh pool per batch recycles workers
                batch = order[start:start + size]
                with ProcessPoolExecutor(count, mp_context=context, initializer=die_with_parent,
                                         initargs=(os.getpid(),)) as pool:
                    _collect(pool, jobs, batch, by_index, done)
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                count, mp_context=context, initializer=engine.worker_init,
                max_tasks_per_child=TASKS_PER_WORKER,
            ) as pool:
                _collect(pool, jobs, order, by_index, done)
    except BrokenProcessPool as exc:
        raise RenderError(f"a PDF worker process died ({exc}); try again with CJMGEN_PDF_WORKERS=1") from exc
    return [by_index[i] for i in range(len(jobs))]


def _collect(
    pool: ProcessPoolExecutor, jobs: list[Job], indices: list[int], out: dict[int, JobResult],
    done: Callable[[JobResult], None] | None,
) -> None:
    futures: list[tuple[int, Future[JobResult]]] = [
        (i, pool.submit(engine.render_job, jobs[i])) for i in indices
    ]
    try:
        for index, future in futures:
            out[index] = future.result()
            if done:
                done(out[index])
    except (Terminated, KeyboardInterrupt):
        # Stopped: leaving the `with` would wait for every render under way (a minute and more).
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        stop_processes(processes)
        raise


def _can_fork() -> bool:
    """Fork only on Linux (safe there for a process without threads) and when no thread runs."""
    if not sys.platform.startswith("linux"):
        return False
    import threading

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
