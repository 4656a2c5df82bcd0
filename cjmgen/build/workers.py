"""Forked worker processes: how many, and running one function's shards across them.

The parsed repository is large and slow to pickle; forked children inherit it
copy-on-write, so work that only needs to read it (rendering pages, checking
bodies) splits across cores for the price of a fork. Only small results
travel back through a pipe.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cjmgen.build.gcpause import freeze_what_lives_on
from cjmgen.build.termination import die_with_parent, stop_processes

T = TypeVar("T")

#: Below this many maps one process does everything: forking would cost more than it saves.
PARALLEL_MIN_MAPS = 48


def worker_count(maps: int) -> int:
    """Processes to use: CJMGEN_WORKERS, else one per core; 1 for small sites or where forking is unsafe."""
    wanted = os.environ.get("CJMGEN_WORKERS", "").strip()
    count = int(wanted) if wanted.isdigit() and int(wanted) > 0 else (os.cpu_count() or 1)
    if count < 2 or (maps < PARALLEL_MIN_MAPS and not wanted):
        return 1
    import multiprocessing
    import threading

    # Fork only where it is safe and cheap: Linux, no other thread running, not from a worker.
    if (not sys.platform.startswith("linux") or threading.active_count() != 1
            or multiprocessing.current_process().daemon):
        return 1
    return count if "fork" in multiprocessing.get_all_start_methods() else 1


class Tickets:
    """Work shared by whichever process is free: numbers 0, 1, 2, ... handed out in order.

    Made before forking: the numbers wait in a pipe every process inherits, and a
    read of 4 bytes takes the next one (the kernel serialises reads of a pipe).
    A process that finishes a heavy page takes the next number sooner, so both
    end together (with fixed shares one process ended well after the other; see
    docs/benchmarks.md). Numbers from `count` on, beyond the pipe's room, are shared fixed:
    number % processes.
    """

    ROOM = 16_000  # 64,000 bytes: written at once, before any reader, within a pipe's 64 KiB

    def __init__(self, count: int) -> None:
        self.count = min(count, self.ROOM)
        self.fd, write_end = os.pipe()
        os.write(write_end, b"".join(struct.pack("<I", number) for number in range(self.count)))
        os.close(write_end)  # an empty pipe then reads as the end, never blocks
        self.held = -1  # the number this process holds (renders when it comes to it)

    def mine(self, number: int, share: tuple[int, int]) -> bool:
        """Whether this process does job `number` (asked in increasing order, in every process)."""
        if number >= self.count:
            return number % share[1] == share[0]
        while self.held < number:
            data = os.read(self.fd, 4)
            self.held = struct.unpack("<I", data)[0] if len(data) == 4 else self.count
        return self.held == number

    def close(self) -> None:
        os.close(self.fd)


@dataclass(frozen=True)
class Share:
    """One process's share of numbered jobs, asked in increasing order: every `count`-th
    from `index`, or with `tickets` whichever this process takes while it is free."""

    index: int = 0
    count: int = 1
    tickets: Tickets | None = None

    def mine(self, number: int, pinned: int | None = None) -> bool:
        """Whether this process does job `number`; `pinned`: jobs that share one costly piece
        of work go to one process, which does that work once (its index; -1: the last)."""
        if pinned is not None:
            return self.index == pinned % self.count
        if self.tickets is not None:
            return self.tickets.mine(number, (self.index, self.count))
        return number % self.count == self.index


def share_out(work: Callable[[Share], T], jobs: int, workers: int) -> list[T]:
    """[work(share) for each of `workers` processes] sharing `jobs` numbered jobs through
    Tickets: the first share runs here, the others in forked children (fork_map).
    Only for a process that ends with the work (a CLI build): what lives now lives on,
    and the collector stops walking it (gcpause)."""
    freeze_what_lives_on()
    if workers <= 1:
        return [work(Share())]
    tickets = Tickets(jobs)
    try:
        return fork_map(lambda index, count: work(Share(index, count, tickets)), workers)
    finally:
        tickets.close()


class WorkerDied(Exception):
    """A forked worker ended without sending its result."""


def fork_map(shard: Callable[[int, int], T], workers: int) -> list[T]:
    """[shard(0, n), ..., shard(n-1, n)]: shard 0 runs here, the others in forked children.

    An exception in a child is raised here, after every child has finished. On
    SIGTERM or Ctrl-C (Terminated, KeyboardInterrupt) the children are killed at once.
    """
    if workers <= 1:
        return [shard(0, 1)]
    children = [spawn(_child, shard, index, workers) for index in range(1, workers)]
    results: list[Any] = []
    try:
        results.append(shard(0, workers))
    except Exception:
        _collect(children, results)  # the children finish what they write (cache files); shard 0's error wins
        raise
    except BaseException:
        stop_processes([child for child, _ in children])
        raise
    _collect(children, results)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _collect(children: list[tuple[Any, Any]], results: list[Any]) -> None:
    """Each child's result (or exception) into `results`, in order; kill them all if we are stopped."""
    try:
        for child, receive_end in children:
            try:
                results.append(receive(receive_end))
            except Exception as exc:  # raised by the caller, once every child is done
                results.append(exc)
            child.join()
    except BaseException:
        stop_processes([child for child, _ in children])
        raise


def spawn(target: Callable[..., None], *args: Any, duplex: bool = False) -> tuple[Any, Any]:
    """Fork a worker running target(link, *args): (the process, the parent's end of the link).

    The worker dies with this process (termination.die_with_parent), even by SIGKILL.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=duplex)
    child = context.Process(target=_worker_main, args=(os.getpid(), target, child_end, *args), daemon=True)
    child.start()
    child_end.close()
    return child, parent_end


def _worker_main(parent: int, target: Callable[..., None], *args: Any) -> None:
    die_with_parent(parent)
    target(*args)


def _child(send: Any, shard: Callable[[int, int], Any], index: int, workers: int) -> None:
    reply(send, lambda: shard(index, workers))


def reply(link: Any, produce: Callable[[], Any]) -> None:
    """In a worker: send what `produce()` returns, or the exception it raised; close the link."""
    try:
        outcome = produce()
    except BaseException as exc:  # handed to the parent, which raises it
        outcome = exc
    try:
        link.send(outcome)
    except Exception:  # an exception that does not pickle
        link.send(RuntimeError(repr(outcome)))
    link.close()


def receive(link: Any) -> Any:
    """In the parent: what a worker sent, its exception raised here."""
    try:
        value = link.recv()
    except EOFError:
        raise WorkerDied("a worker process died; try again with CJMGEN_WORKERS=1") from None
    if isinstance(value, BaseException):
        raise value
    return value
