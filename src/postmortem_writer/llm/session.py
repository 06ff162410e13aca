"""One run's model plumbing: backend, cache and call log, opened together and closed together."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from postmortem_writer.llm.backend import Backend
from postmortem_writer.llm.cache import Cache, default_cache_dir
from postmortem_writer.llm.calls import Caller, open_call_log
from postmortem_writer.llm.recording import RecordingBackend, ReplayBackend
from postmortem_writer.llm.retry import RetryPolicy
from postmortem_writer.llm.settings import LLMSettings


@dataclass
class Session:
    """What the LLM extractor needs for a run, and where its call log is."""

    caller: Caller
    context_tokens: int
    concurrency: int
    endpoint: str | None
    call_log: Path | None
    _log: TextIO | None = None
    _closer: Callable[[], None] | None = None

    def fresh(self) -> Session:
        """The same backend, cache and log with zeroed totals (one per eval case); close the original only."""
        old = self.caller
        caller = Caller(old.backend, cache=old.cache, log=self._log, endpoint=old.endpoint, retry=old.retry)
        return replace(self, caller=caller, _log=None, _closer=None)

    def close(self) -> None:
        """Flush and close the call log and the cache."""
        if self._log is not None:
            self._log.close()
        if self._closer is not None:
            self._closer()
        if self.caller.cache is not None:
            self.caller.cache.close()


def open_session(
    settings: LLMSettings,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    call_log: Path | None = None,
    record: Path | None = None,
    replay: Path | None = None,
) -> Session:
    """A session for ``settings``: the OpenAI-compatible backend, or a recording of one.

    ``record`` stores every answer in that folder; ``replay`` answers only from such a folder and
    never opens a connection. Both bypass the cache, which would hide calls from the recording.
    """
    closer = None
    backend: Backend
    if replay is not None:
        backend = ReplayBackend(replay)
        settings = replace(settings, model=backend.model, context_tokens=backend.context_tokens)
        use_cache = False
    else:
        # Imported here so the rules path never pays for loading the vendor SDKs.
        from postmortem_writer.llm.openai_backend import OpenAIBackend

        openai_backend = OpenAIBackend(settings)
        backend, closer = openai_backend, openai_backend.close
        if record is not None:
            backend = RecordingBackend(backend, record, context_tokens=settings.context_tokens)
            use_cache = False
    folder = cache_dir or default_cache_dir()
    cache = Cache(folder / "answers.sqlite3") if use_cache else None
    if call_log is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        call_log = folder / "runs" / f"{stamp}-{os.getpid()}.jsonl"
    log = open_call_log(call_log)
    retry = RetryPolicy(max_retries=settings.max_retries, backoff=settings.backoff)
    return Session(
        caller=Caller(backend, cache=cache, log=log, endpoint=settings.host, retry=retry),
        context_tokens=settings.context_tokens,
        concurrency=settings.concurrency,
        endpoint=f"replay of {replay}" if replay is not None else settings.host,
        call_log=call_log,
        _log=log,
        _closer=closer,
    )
