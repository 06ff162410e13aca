"""One run's model plumbing: backend, cache and call log, opened together and closed together."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from postmortem_writer.llm.backend import Backend
from postmortem_writer.llm.cache import Cache, default_cache_dir
from postmortem_writer.llm.calls import Caller, open_call_log
from postmortem_writer.llm.probe import ServerFacts, applied, ask_server, endpoint_key, recall, remember
from postmortem_writer.llm.recording import RecordingBackend, ReplayBackend
from postmortem_writer.llm.retry import RetryPolicy
from postmortem_writer.llm.settings import LLMSettings, Mode, on_local_network

if TYPE_CHECKING:
    from postmortem_writer.llm.openai_backend import OpenAIBackend


@dataclass
class Session:
    """What the LLM extractor needs for a run, and where its call log is."""

    caller: Caller
    context_tokens: int
    concurrency: int
    endpoint: str | None
    call_log: Path | None
    notices: list[str] = field(default_factory=list)
    """What was learned about the endpoint when the session opened, one stderr line each."""
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
    notify: Callable[[str], None] | None = None,
) -> Session:
    """A session for ``settings``: the OpenAI-compatible backend, or a recording of one.

    ``record`` stores every answer in that folder; ``replay`` answers only from such a folder and
    never opens a connection. Both bypass the cache, which would hide calls from the recording.
    With ``--mode auto``, or a context size or concurrency left to the defaults, the endpoint is
    asked about itself (or what was learned last time is recalled); ``notify`` is told, during the
    run, which request shape ``--mode auto`` settled on and why.
    """
    closer = None
    backend: Backend
    folder = cache_dir or default_cache_dir()
    cache = Cache(folder / "answers.sqlite3") if use_cache and record is None and replay is None else None
    learning: _Learning | None = None
    if replay is not None:
        backend = ReplayBackend(replay)
        settings = replace(settings, model=backend.model, context_tokens=backend.context_tokens)
    else:
        # Imported here so the rules path never pays for loading the vendor SDKs.
        from postmortem_writer.llm.openai_backend import OpenAIBackend

        learning = _Learning(settings, cache, notify or (lambda line: None))
        openai_backend = OpenAIBackend(settings, on_settled=learning.settled)
        settings = learning.learn(openai_backend)
        backend, closer = openai_backend, openai_backend.close
        if record is not None:
            backend = RecordingBackend(backend, record, context_tokens=settings.context_tokens)
    if call_log is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        call_log = folder / "runs" / f"{stamp}-{os.getpid()}.jsonl"
    log = open_call_log(call_log)
    # A server on this machine or a private network computes one answer at a time: a request the
    # client stopped waiting for is still being computed, and a copy would queue behind it.
    retry = RetryPolicy(
        max_retries=settings.max_retries,
        backoff=settings.backoff,
        resend_timeouts=replay is not None or not on_local_network(settings.base_url),
    )
    return Session(
        caller=Caller(backend, cache=cache, log=log, endpoint=settings.host, retry=retry),
        context_tokens=settings.context_tokens,
        concurrency=settings.concurrency,
        endpoint=f"replay of {replay}" if replay is not None else settings.host,
        call_log=call_log,
        notices=learning.notices if learning is not None else [],
        _log=log,
        _closer=closer,
    )


@dataclass
class _Learning:
    """What the session learns about its endpoint: recalled, or asked, and kept for the next run."""

    settings: LLMSettings
    cache: Cache | None
    notify: Callable[[str], None]
    facts: ServerFacts | None = None
    notices: list[str] = field(default_factory=list)

    def learn(self, backend: OpenAIBackend) -> LLMSettings:
        """The settings with what the server states filled in; ``backend`` given the shapes to try."""
        settings = self.settings
        auto = settings.mode is Mode.AUTO
        if not auto and not settings.unset:
            return settings
        remembered = recall(self.cache, settings) if self.cache is not None else None
        facts = remembered or ask_server(backend.fetch, settings)
        if remembered is None and self.cache is not None:
            remember(self.cache, settings, facts)
        self.facts = facts
        if auto:
            # A remembered shape goes first, the others after it: the server behind a base URL
            # may have changed since, and a refusal then steps down instead of ending the run.
            first = (facts.mode,) if facts.mode else ()
            backend.choose((*first, *(mode for mode in facts.kind.modes if mode not in first)), settled=False)
        if remembered is not None and auto and facts.mode is not None:
            where = f"{endpoint_key(settings)}; {facts.described()}"
            self.notices.append(f"mode: {facts.mode.value} (remembered for {where})")
        elif remembered is None and (facts.context_tokens or facts.slots):
            self.notices.append(f"server: {facts.described()}")
        return applied(settings, facts)

    def settled(self, mode: Mode, refused: list[tuple[Mode, str]]) -> None:
        """Keep the shape ``--mode auto`` settled on, and say which it is and why (unless remembered and said)."""
        if not refused and self.facts is not None and mode is self.facts.mode:
            return
        if self.facts is not None and self.cache is not None:
            remember(self.cache, self.settings, replace(self.facts, mode=mode))
        kind = self.facts.kind.name if self.facts is not None else "the server"
        if refused:
            shapes = ", ".join(shape.value for shape, _ in refused)
            why = f"{kind} refused {shapes}: {refused[-1][1]}"
        else:
            why = f"the first request shape {kind} takes, and it was accepted"
        self.notify(f"mode: {mode.value} ({why})")
