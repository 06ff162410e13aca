"""The live layer: a real llama.cpp server with a small model, on 127.0.0.1.

Its binary and model come from ``.ci/live-setup`` (built and fetched once per machine). Where they
are missing the layer is skipped, unless ``POSTMORTEM_LIVE=require`` (as ``.ci/run`` sets), which
makes their absence a failure rather than a quiet skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from postmortem_writer.testing.llama import LiveDraft, LlamaServer, draft_through, live_paths, table

# Read at import: the suite's autouse fixture clears every POSTMORTEM_ variable before each test.
PATHS = live_paths()
REQUIRED = os.environ.get("POSTMORTEM_LIVE") == "require"


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama-server serving the small model as ``local``, one slot, a 4,096-token context."""
    if PATHS is None:
        message = "no llama-server or model: run .ci/live-setup"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    with LlamaServer(*PATHS, log=tmp_path_factory.mktemp("llama") / "server.log", context=4096) as server:
        yield server


REPORT: list[tuple[str, LiveDraft]] = []
"""Every live draft of the session, for the table printed at its end."""


@pytest.fixture(scope="session")
def live_draft(llama: LlamaServer, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., LiveDraft]:
    """Drafts through the live server once per (label, arguments); later asks get the same run."""
    done: dict[str, LiveDraft] = {}

    def run(label: str, sources: Sequence[Path], *, mode: str | None = None, workdir: str | None = None,
            name: str = "run", extra: Sequence[str] = ()) -> LiveDraft:  # fmt: skip
        if label not in done:
            folder = tmp_path_factory.getbasetemp() / "live" / (workdir or label)
            done[label] = draft_through(llama.url, sources, folder, mode=mode, name=name, extra=extra)
            REPORT.append((label, done[label]))
        return done[label]

    return run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The live runs' figures: what the small model cost and what the validators caught."""
    if not REPORT:
        return
    terminalreporter.section("live layer: drafts through llama-server")
    for line in table(REPORT):
        terminalreporter.write_line(line)
