"""What the LLM path costs on a large incident: calls, prompt tokens against the source, wall time
against the critical path, and calls on an unchanged re-run. One run, against the loopback server.

The loopback endpoint answers every call with a valid, grounded, contentless answer after a
simulated latency (a fixed part plus a part per prompt token), so this measures our plumbing:
chunking overhead, concurrency and caching, never a model's quality.

- prompt ÷ source: estimated tokens of everything sent (messages and schema, all calls) over the
  estimated tokens of the chat as exported (same estimator on both sides). "naive" is one prompt
  holding the whole channel with the same instructions and schema, for comparison (it would not
  fit most context windows).
- wall ÷ critical: the run's wall time over the slowest chunk call plus the synthesis call, i.e.
  what unbounded concurrency could reach.

    python benchmarks/llm_cost.py [--messages 2000,6000] [--concurrency 16] [--latency 2.0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from draft_scaling import write_chat

from postmortem_writer.chunking import chunk_events, estimate_tokens
from postmortem_writer.extract.llm import MAP_PROMPT
from postmortem_writer.llm.prompts import DATA_CLOSE, DATA_OPEN, data_block, load_prompt
from postmortem_writer.llm.session import open_session
from postmortem_writer.llm.settings import LLMSettings, Mode
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.loopback import Action, Answer, LoopbackServer, citing_responder, sent_tokens

CONTEXT = 128_000
TOKENS_PER_SECOND = 5_000
"""Simulated prompt processing speed of the endpoint (on top of the fixed latency)."""


def run(messages: int, concurrency: int, latency: float, folder: Path) -> dict[str, Any]:
    """One incident of ``messages`` chat lines drafted twice (the second from the cache)."""
    chat = folder / f"chat-{messages}.txt"
    write_chat(chat, messages)
    source = estimate_tokens(chat.read_text(encoding="utf-8"))
    ingested = ingest([chat], SourceOptions(tz=ZoneInfo("UTC"), date=date(2025, 3, 4)))
    citing = citing_responder()

    def respond(body: dict[str, Any]) -> Action:
        answer = citing(body)
        assert isinstance(answer, Answer)
        return replace(answer, delay=latency + sent_tokens(body) / TOKENS_PER_SECOND)

    settings = LLMSettings(model="bench", base_url="", mode=Mode.JSON_SCHEMA, context_tokens=CONTEXT,
                           concurrency=concurrency, max_retries=0)  # fmt: skip
    with LoopbackServer(responder=respond) as server:
        settings = replace(settings, base_url=server.url)
        log = folder / f"calls-{messages}.jsonl"
        session = open_session(settings, cache_dir=folder / f"cache-{messages}", call_log=log)
        started = time.perf_counter()
        draft_from(ingested, llm=session)
        wall = time.perf_counter() - started
        session.close()
        calls = len(server.requests)
        prompt = sum(sent_tokens(body) for body in server.requests)
        rerun = open_session(settings, cache_dir=folder / f"cache-{messages}", call_log=folder / "rerun.jsonl")
        draft_from(ingested, llm=rerun)
        rerun.close()
        rerun_calls = len(server.requests) - calls
        schema = server.requests[0].get("response_format") or {}
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    maps = [line["latency_s"] for line in lines if line["label"].startswith("map")]
    synthesis = [line["latency_s"] for line in lines if line["label"] == "synthesis"]
    critical = max(maps, default=0.0) + sum(synthesis)
    prompt_def = load_prompt(*MAP_PROMPT)
    whole = chunk_events(list(ingested.stream), budget=10**9)[0]
    naive_messages = prompt_def.messages(
        data=data_block(whole.lines), data_open=DATA_OPEN, data_close=DATA_CLOSE, chunk_id=whole.id,
        first_id=whole.event_ids[0], last_id=whole.event_ids[-1], count=len(whole.event_ids),
    )  # fmt: skip
    naive = sent_tokens({"messages": naive_messages, "response_format": schema})
    return {
        "messages": messages,
        "source": source,
        "calls": calls,
        "prompt": prompt,
        "ratio": prompt / source,
        "naive": naive / source,
        "wall": wall,
        "critical": critical,
        "rerun": rerun_calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", default="2000,6000", help="comma-separated chat sizes")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=2.0, help="fixed seconds per call (writing the answer)")
    args = parser.parse_args()
    print(f"context {CONTEXT:,} tokens, concurrency {args.concurrency}, latency {args.latency}s + 1s per "
          f"{TOKENS_PER_SECOND:,} prompt tokens")  # fmt: skip
    print("| messages | source tokens | calls | prompt tokens | prompt ÷ source | naive ÷ source "
          "| wall s | critical s | wall ÷ critical | re-run calls |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.messages.split(",")):
            r = run(size, args.concurrency, args.latency, Path(tmp))
            print(f"| {r['messages']:,} | {r['source']:,} | {r['calls']} | {r['prompt']:,} | {r['ratio']:.2f} "
                  f"| {r['naive']:.2f} | {r['wall']:.2f} | {r['critical']:.2f} | {r['wall'] / r['critical']:.2f} "
                  f"| {r['rerun']} |")  # fmt: skip


if __name__ == "__main__":
    main()
