"""Progress of model calls: steps done of all, measured tokens per second, and an ETA."""

from __future__ import annotations

import io

import pytest

from postmortem_writer.cli.options import ProgressBar, progress_status

# (done, total, completion tokens so far, seconds since the start) -> the status text
STATUS = {
    "nothing-done-yet": ((0, 9, 0, 0.0), "0/9"),
    "rate-and-eta": ((3, 9, 120, 30.0), "3/9 · 4.0 tokens/s · ETA 1m00s"),
    "eta-under-a-minute": ((8, 9, 800, 40.0), "8/9 · 20.0 tokens/s · ETA 5s"),
    "all-cached-no-rate": ((4, 9, 0, 2.0), "4/9 · ETA 2s"),
    "done-no-eta": ((9, 9, 900, 90.0), "9/9 · 10.0 tokens/s"),
}


@pytest.mark.parametrize(("given", "said"), list(STATUS.values()), ids=list(STATUS))
def test_progress_status(given: tuple[int, int, int, float], said: str) -> None:
    assert progress_status(*given) == said


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_the_measured_rate_on_a_terminal() -> None:
    terminal, clock, tokens = Terminal(), Clock(), [0]
    bar = ProgressBar("analysing", tokens=lambda: tokens[0], file=terminal, clock=clock)
    bar.start(4)
    clock.now, tokens[0] = 110.0, 250
    bar.advance()
    bar.close()
    shown = terminal.getvalue()
    assert "analysing" in shown
    assert "1/4 · 25.0 tokens/s · ETA 30s" in shown


def test_the_bar_draws_nothing_but_its_label_off_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar("analysing", tokens=lambda: 10, file=stream)
    bar.start(2)
    bar.advance()
    bar.close()
    assert "tokens/s" not in stream.getvalue()
