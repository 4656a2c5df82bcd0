"""Named moments at which a test can kill cjmgen, to prove what a real kill would leave.

`CJMGEN_TEST_KILL_AT=<name>` makes the process SIGKILL itself when it reaches
`kill_point(name)`: no `finally` runs, exactly as after a power cut or a cancelled
CI job. `CJMGEN_TEST_WAIT_AT=<name>` makes a process that reaches `wait_point(name)`
announce itself (an empty file `<name>-<pid>` in `CJMGEN_TEST_BARRIER`) and wait
there until it is killed, so a test can kill other processes at that moment.
Used only by the test suite; unset, a point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

ENVIRONMENT = "CJMGEN_TEST_KILL_AT"


def kill_point(name: str) -> None:
    """Die here, at once and without cleaning up, if a test asked for it."""
    if os.environ.get(ENVIRONMENT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def wait_point(name: str) -> None:
    """Announce this process and wait here until a signal ends it, if a test asked for it."""
    if os.environ.get("CJMGEN_TEST_WAIT_AT") == name:
        Path(os.environ["CJMGEN_TEST_BARRIER"], f"{name}-{os.getpid()}").touch()
        while True:
            signal.pause()
