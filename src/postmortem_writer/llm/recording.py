"""Record and replay model calls, so an eval run can be reproduced offline, exactly.

A recording is a folder: ``manifest.json`` (model and mode) and one JSON file per request, named
by the request's content hash, holding the prompt reference, the messages and the validated
answer. API keys travel in HTTP headers, never in a ``Request``, so none can reach a recording.
Replaying asks nothing of any endpoint: a request that was not recorded is an error. A replayed
answer reports the usage recorded with it, so a replayed eval shows the calls and tokens of the
run it reproduces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from postmortem_writer.errors import UsageError
from postmortem_writer.llm.backend import Backend, Reply, Request, T, Usage
from postmortem_writer.output import write_atomic

MANIFEST = "manifest.json"


class RecordingBackend:
    """Passes every request to ``backend`` and stores the answer under ``folder``."""

    def __init__(self, backend: Backend, folder: Path, *, context_tokens: int) -> None:
        self.backend = backend
        self.model = backend.model
        self.folder = folder
        self._context_tokens = context_tokens
        self._written = ""
        folder.mkdir(parents=True, exist_ok=True)
        self._write_manifest()

    @property
    def mode(self) -> str:
        """The backend's request shape (with ``--mode auto``, it may change at the first answer)."""
        return self.backend.mode

    def _write_manifest(self) -> None:
        # The context size decides the chunking, so a replay must chunk with the same one.
        manifest = {"model": self.model, "mode": self.mode, "context_tokens": self._context_tokens}
        write_atomic(self.folder / MANIFEST, json.dumps(manifest, indent=2) + "\n", force=True)
        self._written = self.mode

    def complete(self, request: Request[T]) -> Reply[T]:
        """The backend's answer, recorded."""
        reply = self.backend.complete(request)
        if self.mode != self._written:
            self._write_manifest()
        record = {
            "prompt": {"id": request.prompt.id, "version": request.prompt.version, "sha256": request.prompt.sha256},
            "label": request.label,
            "messages": request.messages,
            "answer": reply.value.model_dump(mode="json"),
            "usage": {"prompt_tokens": reply.usage.prompt_tokens, "completion_tokens": reply.usage.completion_tokens},
        }
        key = request.key(self.model, self.mode)
        write_atomic(self.folder / f"{key}.json", json.dumps(record, indent=1, ensure_ascii=False) + "\n", force=True)
        return reply


class ReplayBackend:
    """Answers only from a recording; a request it does not hold is a ``UsageError``."""

    def __init__(self, folder: Path) -> None:
        manifest = _read(folder / MANIFEST, f"{folder} is not a recording (no {MANIFEST}; make one with --record)")
        self.folder = folder
        try:
            self.model = str(manifest["model"])
            self.mode = str(manifest["mode"])
            self.context_tokens = int(manifest["context_tokens"])
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"{folder / MANIFEST}: needs model, mode and context_tokens") from None

    def complete(self, request: Request[T]) -> Reply[T]:
        """The recorded answer, validated again with this request's context."""
        path = self.folder / f"{request.key(self.model, self.mode)}.json"
        record = _read(
            path,
            f"{self.folder} holds no answer for {request.label} ({request.prompt.id}@{request.prompt.version}): "
            "the sources, prompts or schema changed since it was recorded; record again",
        )
        try:
            value = request.response_model.model_validate(record.get("answer"), context=request.context)
        except ValidationError as exc:
            raise UsageError(f"{path}: the recorded answer no longer validates: {exc.errors()[0]['msg']}") from None
        # The recorded usage, so a replayed eval reports the calls and tokens of the run it reproduces.
        usage = record.get("usage") or {}
        return Reply(
            value=value, usage=Usage(int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0)))
        )


def _read(path: Path, missing: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(missing) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object")
    return data
