"""A real llama.cpp ``llama-server`` on 127.0.0.1 for the live test layer and its benchmark.

The binary and the model are built and fetched once per machine by ``.ci/live-setup`` into a cache
folder outside the repository (``POSTMORTEM_LIVE_SERVER`` / ``POSTMORTEM_LIVE_MODEL`` name other
ones). The server is started on a free port, one slot, the context the test asks for, and stopped
with the block; its own log goes to a file so a failing start can be read.

``draft_through`` drafts with the ``postmortem`` command in a child process against such a server,
and ``summarise`` reads that run's call log into what the live layer reports: calls, re-asks and
why, grounding rejections, tokens.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

CACHE = Path(os.environ.get("POSTMORTEM_LIVE_CACHE", Path.home() / ".cache" / "postmortem-writer" / "live"))
SERVER_ENV = "POSTMORTEM_LIVE_SERVER"
MODEL_ENV = "POSTMORTEM_LIVE_MODEL"
ALIAS = "local"
"""The model name the server answers to, as in the README's example."""


def live_paths() -> tuple[Path, Path] | None:
    """The llama-server binary and the GGUF model, if both exist; else None."""
    server = Path(os.environ.get(SERVER_ENV) or CACHE / "bin" / "llama-server")
    model = Path(os.environ.get(MODEL_ENV) or CACHE / "model.gguf")
    return (server, model) if server.is_file() and model.is_file() else None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child: ask for SIGTERM when the parent dies (Linux).

    A test run killed by a timeout then leaves no server behind, computing for nobody.
    """
    if sys.platform == "linux":
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LlamaServer:
    """``llama-server`` serving ``model`` as ``local`` on 127.0.0.1, for the length of a ``with`` block."""

    def __init__(
        self,
        binary: Path,
        model: Path,
        *,
        log: Path,
        context: int = 4096,
        slots: int = 1,
        threads: int = 2,
        startup_timeout: float = 180.0,
    ) -> None:
        self.binary = binary
        self.model = model
        self.log = log
        self.context = context
        self.slots = slots
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def root(self) -> str:
        """The server's own address (``/health``, ``/props``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The OpenAI-compatible base URL."""
        return f"{self.root}/v1"

    def __enter__(self) -> LlamaServer:
        command = [
            str(self.binary),
            "--model", str(self.model),
            "--alias", ALIAS,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--ctx-size", str(self.context),
            "--parallel", str(self.slots),
            "--threads", str(self.threads),
            # Tool calls need the model's own chat template, which llama-server applies with --jinja.
            "--jinja",
        ]  # fmt: skip
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"llama-server exited with {self._process.returncode}; see {self.log}")
            if self._healthy():
                return self
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError(f"llama-server did not answer /health within {self.startup_timeout:.0f} s; see {self.log}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.root}/health", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


@dataclass
class LiveRun:
    """One draft's calls, read back from its call log."""

    requests: int = 0  # sent to the server: re-asks included, cached answers not
    cached: int = 0
    accepted: int = 0  # calls whose answer was used: passed every validator, perhaps after re-asks
    salvaged: int = 0  # of those, answers kept only in part: the items that failed were dropped
    unmetered: int = 0  # of those, answers that came with no token counts
    failed: int = 0  # calls whose answer stayed invalid, timed out or was refused
    reasks: int = 0
    grounding: int = 0  # re-asks (and final failures) caused by the grounding validators
    schema: int = 0  # the same for the answer's shape: bad JSON, missing or extra fields
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0  # summed latency of the calls
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def tokens_per_second(self) -> float:
        """Completion tokens per second of call time."""
        return self.completion_tokens / self.seconds if self.seconds else 0.0


def summarise(call_log: Path) -> LiveRun:
    """What a run's call log says about its calls (lines that are not calls are skipped)."""
    run = LiveRun()
    for line in call_log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "outcome" not in record:
            continue
        if record["outcome"] == "cached":
            run.cached += 1
            continue
        errors: list[str] = record.get("errors", [])
        run.requests += max(int(record.get("attempts", 1)), 1)
        run.prompt_tokens += int(record["usage"]["prompt_tokens"])
        run.completion_tokens += int(record["usage"]["completion_tokens"])
        run.seconds += float(record["latency_s"])
        if record["outcome"] in ("ok", "salvaged"):
            run.accepted += 1
            run.salvaged += record["outcome"] == "salvaged"
            usage = record["usage"]
            # A salvaged answer is rebuilt from a failed call, which the server's counts never reach.
            metered = record["outcome"] == "salvaged" or (usage["prompt_tokens"] and usage["completion_tokens"])
            run.unmetered += not metered
            run.reasks += max(int(record.get("attempts", 1)) - 1, 0)
        else:
            run.failed += 1
            run.reasks += max(int(record.get("attempts", 1)) - 1, 0)
        for error in errors:
            kind = error.split(":", 1)[0] if error.startswith(("grounding:", "schema:")) else "other"
            run.reasons[kind] += 1
            if kind == "grounding":
                run.grounding += 1
            elif kind == "schema":
                run.schema += 1
    return run


@dataclass
class LiveDraft:
    """One ``postmortem draft`` run against a live server."""

    mode: str  # as asked ("" for the default)
    exit_code: int
    stderr: str
    wall: float  # seconds
    draft_json: str | None  # the JSON draft, if one was written
    run: LiveRun


def draft_through(
    base_url: str,
    sources: Sequence[Path],
    workdir: Path,
    *,
    mode: str | None = None,
    name: str = "run",
    extra: Sequence[str] = (),
    timeout: float = 3600.0,
) -> LiveDraft:
    """Draft ``sources`` as JSON through the endpoint at ``base_url`` in a child process.

    The child sees no endpoint or key from this environment; its cache is ``workdir/cache`` (shared
    by runs in the same folder, so a second run can be answered from it), its call log
    ``workdir/<name>.calls.jsonl``.
    """
    out = workdir / f"{name}.json"
    log = workdir / f"{name}.calls.jsonl"
    command = [
        sys.executable, "-m", "postmortem_writer", "draft", *map(str, sources),
        "--format", "json", "-o", str(out), "--force",
        "--base-url", base_url, "--model", ALIAS,
        "--call-log", str(log), "--cache-dir", str(workdir / "cache"),
        *(["--mode", mode] if mode else []), *extra,
    ]  # fmt: skip
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "AZURE_OPENAI_", "POSTMORTEM_"))
    }
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    wall = time.monotonic() - started
    return LiveDraft(
        mode=mode or "",
        exit_code=done.returncode,
        stderr=done.stderr,
        wall=wall,
        draft_json=out.read_text(encoding="utf-8") if out.is_file() else None,
        run=summarise(log) if log.is_file() else LiveRun(),
    )


def table(drafts: Sequence[tuple[str, LiveDraft]]) -> list[str]:
    """Live runs as text table lines: cost, and what the validators caught."""
    lines = [
        f"{'run':<26} {'exit':>4} {'wall s':>7} {'requests':>8} {'cached':>6} {'accepted':>8} {'failed':>6} "
        f"{'salvaged':>8} {'re-asks':>7} {'grounding':>9} {'schema':>6} {'prompt tok':>10} {'tok/s':>6}"
    ]
    for label, draft in drafts:
        run = draft.run
        lines.append(
            f"{label:<26} {draft.exit_code:>4} {draft.wall:>7.1f} {run.requests:>8} {run.cached:>6} "
            f"{run.accepted:>8} {run.failed:>6} {run.salvaged:>8} {run.reasks:>7} {run.grounding:>9} {run.schema:>6} "
            f"{run.prompt_tokens:>10} {run.tokens_per_second:>6.1f}"
        )
    return lines
