"""Forked workers share numbered jobs: each job is done by exactly one process."""

from __future__ import annotations

import time

from cjmgen.build.workers import Tickets, fork_map


def test_every_job_goes_to_exactly_one_process_and_the_busy_one_takes_fewer() -> None:
    jobs = 120
    tickets = Tickets(100)  # jobs 100..119 lie beyond the pipe's tickets: shared fixed

    def shard(index: int, count: int) -> list[int]:
        taken = []
        for number in range(jobs):
            if tickets.mine(number, (index, count)):
                taken.append(number)
                if index == 0 and number < 100:
                    time.sleep(0.01)  # process 0 is slow: process 1 should take more of the shared jobs
        return taken

    try:
        first, second = fork_map(shard, 2)
    finally:
        tickets.close()
    assert sorted(first + second) == list(range(jobs))
    assert [n for n in first if n >= 100] == list(range(100, jobs, 2))  # fixed shares past the tickets
    assert len([n for n in second if n < 100]) > len([n for n in first if n < 100])
