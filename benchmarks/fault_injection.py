"""Fault injection: drafts of one synthetic incident through the loopback server while it answers a
share of requests with faults. Prints, per fault rate, how many runs produced a draft and whether
any input event was lost; then the faults injected by kind.

The incident is a Slack export of ``--messages`` messages, PagerDuty log entries and a deploy
CSV beside it (``synthetic.py``), drafted by the real CLI (``postmortem draft --format json
--strict``) through the openai client, with a small context window so the chat is many chunks.
Each request is faulty with probability ``rate``; the fault is drawn uniformly from
``postmortem_writer.testing.faults.FAULT_KINDS``: 429 with ``Retry-After: 1`` and without, 500, 502,
503, a timeout (an answer later than ``--timeout``), a dropped connection, a body cut off
mid-transfer, invalid JSON, JSON truncated mid-object, an answer cut at the token limit
(``finish_reason: length``) and a slow but valid answer. Other requests get a valid answer that
cites every event of its chunk. Draws are seeded by run and request body, so a run replays the
same way whatever order its concurrent calls arrive in (on a loaded machine an answer can also
miss the short timeout for real, which adds a retry or two to a table). Retries wait ``backoff = 0.01`` s (no
``Retry-After``) so the storms run in minutes.

Definitions (computed by ``postmortem_writer.testing.faults.account`` from the draft JSON the CLI
wrote and the ingested event stream, never from the tool's own counters):

- completed: the CLI wrote a draft and exited 0, or 4 (``--strict`` and the draft has gaps).
- a chat event is *in a gap* when it lies inside a chunk gap the draft marks (a gap's range must
  hold exactly as many chat events as it claims, else it counts as a bad gap), else *analysed*
  when the draft's timeline cites it (each valid answer cites every event its chunk showed).
- a structured event (alert, page, deploy) is *placed* when the draft's timeline cites it; every
  one the rules-only draft of the same input places must be placed.
- an event is LOST when it is a chat event neither analysed nor in a gap, a structured event the
  rules place but this draft does not, or a cited event missing from the draft's evidence index
  (compared by time and text with the source) or from the index of the Markdown rendered from it.
  A run that writes no draft loses every event.
- gaps: chunk gaps marked (events in them: the chat events they claim); the analysis gap (the
  synthesis call failed, so the analysis sections come from the rules) is counted apart.

    python benchmarks/fault_injection.py [--runs 30] [--rates 0,0.1,0.3,0.6,1] [--messages 1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from synthetic import write_deploys_csv, write_pagerduty_log, write_slack_export

from postmortem_writer.cli import cli
from postmortem_writer.events import EventStream
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import ingest
from postmortem_writer.render import render_markdown
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.faults import FAULT_KINDS, FaultStorm, account
from postmortem_writer.testing.loopback import LoopbackServer


def write_sources(root: Path, messages: int) -> None:
    """Chat, pages and deploys: the chat is what the model reads, the rest what the rules place."""
    write_slack_export(root / "slack-export", messages)
    log = root / "pagerduty-log-entries.json"
    write_pagerduty_log(log, max(10, messages // 20))
    # synthetic.py doubles the "_log_entry" suffix, which makes every entry an unknown type the
    # rules cannot place; here the pages should reach the timeline, so the types are made real.
    data = json.loads(log.read_text(encoding="utf-8"))
    for row in data["log_entries"]:
        row["type"] = row["type"].replace("_log_entry_log_entry", "_log_entry")
    log.write_text(json.dumps(data), encoding="utf-8")
    write_deploys_csv(root / "deploys.csv", max(5, messages // 50))


def invoke(args: list[str]) -> tuple[int, str]:
    """The CLI's exit code and stderr; an exception other than an exit is a crash, with its traceback."""
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        return -1, result.stderr + trace
    return result.exit_code, result.stderr


def one_run(
    root: Path, work: Path, stream: EventStream, baseline: Draft, rate: float, seed: str, args: argparse.Namespace
) -> dict[str, Any]:
    """One draft under a storm of ``rate``; what came out and what was lost."""
    storm = FaultStorm(rate, seed=seed, timeout=args.timeout)
    out = work / "draft.json"
    out.unlink(missing_ok=True)
    config = work / "bench.toml"
    config.write_text("[llm]\nbackoff = 0.01\n", encoding="utf-8")
    started = time.perf_counter()
    with LoopbackServer(responder=storm) as server:
        code, stderr = invoke(
            ["draft", str(root), "-o", str(out), "--format", "json", "--strict", "--config", str(config),
             "--base-url", server.url, "--model", "bench", "--context-tokens", str(args.context_tokens),
             "--timeout", str(args.timeout), "--max-retries", str(args.max_retries),
             "--concurrency", str(args.concurrency), "--cache-dir", str(work / f"cache-{seed}"),
             "--call-log", str(work / f"calls-{seed}.jsonl")]
        )  # fmt: skip
        calls = len(server.requests)
    wall = time.perf_counter() - started
    row: dict[str, Any] = {"code": code, "calls": calls, "injected": storm.injected, "wall": wall}
    if code not in (0, 4) or not out.exists():
        print(f"  run {seed}: no draft (exit {code}): {stderr.strip().splitlines()[-1:] or stderr}")
        row.update(completed=False, lost=len(stream), gaps=0, gap_events=0, analysis_gaps=0, bad_gaps=0)
        return row
    draft = Draft.model_validate_json(out.read_text(encoding="utf-8"))
    markdown = render_markdown(draft, event_count=len(stream))
    accounting = account(stream, draft, baseline, markdown)
    if accounting.lost or accounting.bad_gaps:
        print(f"  run {seed}: lost {accounting.lost[:10]} bad gaps {accounting.bad_gaps[:3]}")
    row.update(
        completed=True,
        lost=len(accounting.lost),
        gaps=accounting.chunk_gaps,
        gap_events=accounting.gap_events,
        analysis_gaps=accounting.analysis_gaps,
        bad_gaps=len(accounting.bad_gaps),
        analysed=accounting.analysed,
        placed=accounting.placed,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="drafts per fault rate")
    parser.add_argument("--rates", default="0,0.1,0.3,0.6,1", help="comma-separated fault rates per request")
    parser.add_argument("--messages", type=int, default=1000, help="chat messages in the incident")
    parser.add_argument("--context-tokens", type=int, default=4096, help="small, so the chat is many chunks")
    parser.add_argument("--timeout", type=float, default=0.3, help="client timeout, seconds per request")
    parser.add_argument("--max-retries", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root, work = Path(tmp) / "incident", Path(tmp) / "work"
        root.mkdir()
        work.mkdir()
        write_sources(root, args.messages)
        stream = ingest([root], SourceOptions()).stream
        code, stderr = invoke(["draft", str(root), "-o", str(work / "rules.json"), "--format", "json",
                               "--extractor", "rules"])  # fmt: skip
        if code != 0:
            raise SystemExit(f"the rules-only draft failed: {stderr}")
        baseline = Draft.model_validate_json((work / "rules.json").read_text(encoding="utf-8"))
        chat_ids = {event.id for event in stream if event.kind.value == "chat"}
        chat = len(chat_ids)
        placed = len({i for entry in baseline.timeline for i in entry.evidence} - chat_ids)
        print(f"{len(stream):,} events ({chat:,} chat, {len(stream) - chat} structured, {placed} of them placed by "
              f"the rules); context {args.context_tokens} tokens, timeout {args.timeout} s, max retries "
              f"{args.max_retries}, concurrency {args.concurrency}, seed {args.seed}")  # fmt: skip
        print()
        print("| fault rate | runs | completed | calls | faults | gaps | events in gaps | analysis gaps "
              "| bad gaps | EVENTS LOST | wall s |")  # fmt: skip
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        by_kind: dict[float, Counter[str]] = {}
        for rate in rates:
            rows = [
                one_run(root, work, stream, baseline, rate, f"{args.seed}-{rate}-{run}", args)
                for run in range(args.runs)
            ]
            injected: Counter[str] = Counter()
            for row in rows:
                injected.update(row["injected"])
            by_kind[rate] = injected
            summed = ("completed", "calls", "gaps", "gap_events", "analysis_gaps", "bad_gaps", "lost", "wall")
            total = {name: sum(row[name] for row in rows) for name in summed}
            print(f"| {rate:.0%} | {len(rows)} | {total['completed']} | {total['calls']:,} | {injected.total():,} "
                  f"| {total['gaps']} | {total['gap_events']:,} | {total['analysis_gaps']} | {total['bad_gaps']} "
                  f"| {total['lost']} | {total['wall']:.1f} |", flush=True)  # fmt: skip
        print()
        print("| fault | " + " | ".join(f"{rate:.0%}" for rate in rates) + " |")
        print("| --- | " + " | ".join("---:" for _ in rates) + " |")
        for kind in FAULT_KINDS:
            print(f"| {kind} | " + " | ".join(str(by_kind[rate][kind]) for rate in rates) + " |")


if __name__ == "__main__":
    main()
