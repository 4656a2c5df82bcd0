"""Per-stage timings for `-v`: each stage of a run says what it did and how long it took."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class StageClock:
    """Reports `  <stage> (0.12 s)` lines to `report`; does nothing when `report` is None."""

    report: Callable[[str], None] | None = None
    last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        """The stage that just ended, with the time since the previous lap."""
        now = time.perf_counter()
        if self.report is not None:
            self.report(f"  {stage} ({now - self.last:.2f} s)")
        self.last = now
