"""What the LLM path sends for a chat export, per context size: requests, prompt tokens against the
source, and the answer budget. One run against the loopback server, so every byte counted is one
the openai client and instructor really put on the wire in that mode (the schema in
``response_format``, in the tool definition, or in the system message).

- source tokens: the chat the model must read, each message once, as the event lines a chunk
  carries (``E12 09:14 Actor: text``; ids and minutes are what it cites and reads times by).
- prompt tokens: every request sent (map calls, the synthesis, any re-asks): messages and schema.
  Both sides use the estimator the chunk budget uses (``chunking.estimate_tokens``).
- answer: the ``max_tokens`` sent with each map call; chunk: the budget a chunk is cut to.
- overhead: the mean tokens of a map request outside its data block (instructions and schema).
- synthesis: the tokens of the one synthesis request (the merged timeline and candidates; not cut
  to the context).

Targets (issue 20): prompt ÷ source ≤ 2 at a 4,096-token context and ≤ 1.3 at 32k.

    python benchmarks/prompt_tokens.py [--messages 10000] [--contexts 4096,8192,32768]
        [--modes json-schema,json,tools]
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_generator import write_export

from postmortem_writer.chunking import estimate_tokens
from postmortem_writer.extract.llm import Budget, chat_chunks
from postmortem_writer.llm.prompts import DATA_CLOSE, DATA_OPEN
from postmortem_writer.llm.session import open_session
from postmortem_writer.llm.settings import LLMSettings, Mode
from postmortem_writer.pipeline import Ingested, draft_from, ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder, sent_tokens

CONTEXTS = (4096, 8192, 32768)
TARGETS = {4096: 2.0, 32768: 1.3}
"""Largest prompt ÷ source the issue accepts at these context sizes."""


@dataclass(frozen=True)
class Row:
    """One draft's requests and what they carried."""

    context: int
    mode: str
    requests: int
    prompt: int
    source: int
    answer: int
    chunk: int
    overhead: int
    synthesis: int

    @property
    def ratio(self) -> float:
        """Prompt tokens over source tokens."""
        return self.prompt / self.source


def source_tokens(ingested: Ingested) -> int:
    """Estimated tokens of the chat as the model reads it, every message once (redacted, as sent)."""
    stream, _ = redact_stream(ingested.stream, Privacy())
    whole = chat_chunks(stream, Budget(chunk=10**9, overlap=0))
    return sum(estimate_tokens("\n".join(chunk.lines)) for chunk in whole)


def data_tokens(body: dict[str, Any]) -> int:
    """Estimated tokens of a request's data block (the chunk's lines), 0 when it has none."""
    for message in body["messages"]:
        content = str(message.get("content") or "")
        # The block's own fence lines, not the instructions' mention of them.
        start, end = content.find(f"{DATA_OPEN}\n"), content.find(f"\n{DATA_CLOSE}")
        if 0 <= start < end:
            return estimate_tokens(content[start + len(DATA_OPEN) + 1 : end])
    return 0


def measure(ingested: Ingested, source: int, context: int, mode: Mode, folder: Path) -> Row:
    """Draft ``ingested`` once with a ``context``-token window in ``mode``; what was sent."""
    with LoopbackServer(responder=citing_responder()) as server:
        settings = LLMSettings(
            model="bench", base_url=server.url, mode=mode, context_tokens=context, concurrency=8, max_retries=0
        )
        session = open_session(settings, use_cache=False, call_log=folder / f"calls-{context}-{mode}.jsonl")
        try:
            draft_from(ingested, llm=session)
        finally:
            session.close()
        bodies = list(server.requests)
    maps = [body for body in bodies if "ChunkFindings" in str(body)]
    overhead = sum(sent_tokens(body) - data_tokens(body) for body in maps) // max(len(maps), 1)
    return Row(
        context=context,
        mode=str(mode),
        requests=len(bodies),
        prompt=sum(sent_tokens(body) for body in bodies),
        source=source,
        answer=int(maps[0].get("max_tokens", 0)) if maps else 0,
        chunk=Budget.for_context(context, mode=str(mode)).chunk,
        overhead=overhead,
        synthesis=sum(sent_tokens(body) for body in bodies if body not in maps),
    )


def table(rows: list[Row]) -> list[str]:
    """The rows as a Markdown table, with the issue's target where it sets one."""
    lines = [
        "| context | mode | requests | prompt tokens | source tokens | prompt ÷ source | target | answer | chunk "
        "| overhead/map | synthesis |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        target = f"≤ {TARGETS[r.context]}" if r.context in TARGETS else ""
        lines.append(
            f"| {r.context:,} | {r.mode} | {r.requests:,} | {r.prompt:,} | {r.source:,} | {r.ratio:.2f} | {target} "
            f"| {r.answer:,} | {r.chunk:,} | {r.overhead:,} | {r.synthesis:,} |"
        )
    return lines


def run(messages: int, contexts: list[int], modes: list[Mode], folder: Path) -> list[Row]:
    """A ``messages``-message Slack export drafted at every context size in every mode."""
    export = folder / "export"
    write_export(export, messages)
    ingested = ingest([export], SourceOptions())
    source = source_tokens(ingested)
    return [measure(ingested, source, context, mode, folder) for context in contexts for mode in modes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000, help="messages in the generated export")
    parser.add_argument("--contexts", default=",".join(map(str, CONTEXTS)), help="comma-separated context sizes")
    parser.add_argument("--modes", default=str(Mode.JSON_SCHEMA), help="comma-separated modes, e.g. json-schema,json")
    args = parser.parse_args()
    contexts = [int(size) for size in args.contexts.split(",")]
    modes = [Mode(name) for name in args.modes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(args.messages, contexts, modes, Path(tmp))
    print(f"{args.messages:,} messages (benchmarks/slack_generator.py), loopback endpoint, estimated tokens")
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
