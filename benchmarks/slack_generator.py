"""Realistic Slack exports of any size, for the speed harness (``benchmarks/speed.py``).

Messages are composed, not repeated: each is one to three sentences drawn from the ways responders
write (reports, questions, decisions, mitigations, action items, chatter), with the slots a real
channel varies (services, versions, numbers, times, PRs, hosts, people), so no two texts are the
same and no cache can stand in for the work. Some messages paste a log or a stack trace in a code
block; bots post alerts with attachments; people join, reply in threads and edit. Every message
carries what a real export does (blocks, the author's profile), about 1.3 KB of JSON per message
as Slack writes it (four-space indents, escaped slashes). Seeded: the same size gives the same bytes.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
PEOPLE = [
    "Priya Natarajan", "Marco Rossi", "Zoë Ødegård", "Sam Okafor", "Aiko Tanaka", "Bo Chen", "Di Eko",
    "Lena Vogt", "Tomás Ruiz", "Hana Kim", "Omar Haddad", "Nur Aziz",
]  # fmt: skip
SERVICES = ["checkout-api", "payments", "search", "auth-gateway", "inventory", "notifications", "ledger", "cdn-edge"]
REGIONS = ["eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"]
DEPENDENCIES = ["redis", "postgres", "kafka", "the PSP", "DNS", "the load balancer", "elasticsearch", "S3"]

# One sentence each; {slots} are filled per message.
SENTENCES = [
    "seeing errors on {svc} since {time}, <@{user}> can you look?",
    "p99 on {svc} went from {ms}ms to {s}s in {region}",
    "about {pct}% of requests to {svc} are failing with 502s",
    "customers report failed payments on {svc} in {region}",
    "{dep} connection pool is saturated on {svc}",
    "is it only {region} or everywhere?",
    "which dashboard are you looking at?",
    "did anything ship to {svc} in the last hour?",
    "why didn't the {svc} latency alert fire earlier?",
    "rolled back {svc} to {ver}",
    "restarted the {svc} pods in {region}",
    "scaled {svc} from {n} to {n2} replicas",
    "failing over {dep} to the replica now",
    "disabled the feature flag {flag} for all tenants",
    "deploying {ver} of {svc} with the fix from PR #{pr}",
    "error rate back to normal, {svc} p99 at {ms}ms",
    "recovery confirmed at {time} UTC",
    "root cause looks like the {dep} config change in {ver} (PR #{pr})",
    "it was caused by a bad {dep} timeout in {svc} {ver}",
    "we should add a canary for {svc} config changes",
    "I'll file a ticket to page on {dep} saturation",
    "follow-up: alert on {svc} queue depth above {n}",
    "we need a runbook for {dep} failover",
    "looking",
    "on it",
    "thanks all",
    "+1",
    "ack, joining the bridge",
    "can someone post the graph for {svc}?",
    "the deploy of {ver} went out at {time}",
    "host {host} is out of disk, {pct}% used",
    "queue lag on {svc} is {n} messages and growing",
    "support has {n} tickets about {svc} so far",
    "status page updated: investigating elevated errors on {svc}",
    "I'm IC for this one, <@{user}> please take comms",
    "let's hold deploys to {svc} until we understand this",
    "the {dep} client retries {n} times with no backoff, that explains the storm",
    "{svc} {ver} has `max_idle: {n}` (was {n2}) :grimacing:",
    "see <https://grafana.acme.example/d/{svc}?from=now-1h&amp;to=now|the {svc} dashboard>",
    "heads up: {region} is also seeing elevated latency on {dep}",
]
LOG_LINES = [
    "{iso} ERROR [{svc}] upstream timed out (110: Connection timed out) while reading response header",
    "{iso} WARN  [{svc}] {dep} pool exhausted: waited {ms}ms for a connection",
    "{iso} ERROR [{svc}] java.net.SocketTimeoutException: Read timed out at {host}:{port}",
    "{iso} INFO  [{svc}] retrying request id={hex} attempt={n}",
    "    at com.acme.{svc}.Client.call(Client.java:{port})",
]
ALERTS = [
    ("[FIRING:1] {svc} p99 latency high", "p99 {s}s > 2s for 5m in {region}"),
    ("[RESOLVED] {svc} p99 latency high", "p99 back under 2s in {region}"),
    ("[FIRING:1] {svc} error rate high", "5xx rate {pct}% > 5% for 5m"),
]


def write_export(root: Path, messages: int, *, channels: int = 4) -> None:
    """An export of ``messages`` messages over ``channels`` channels, one day file per channel and day.

    The incident runs a week; each day file holds that day's share of the channel's messages.
    """
    rng = random.Random(messages)
    root.mkdir(parents=True)
    users = [_user(n, person) for n, person in enumerate(PEOPLE)]
    users.append({"id": "UBOT00001", "name": "alertmanager", "is_bot": True, "profile": {"bot_id": "B0001"}})
    _dump(root / "users.json", users)
    _dump(
        root / "channels.json",
        [{"id": f"C{c:04d}", "name": f"inc-{c}", "created": 1741000000} for c in range(channels)],
    )
    days = 7
    per_channel = messages // channels
    for channel in range(channels):
        count = per_channel if channel < channels - 1 else messages - per_channel * (channels - 1)
        folder = root / f"inc-{channel}"
        folder.mkdir()
        seconds_apart = days * 86400 / max(count, 1)
        by_day: dict[str, list[dict[str, Any]]] = {}
        parent: str | None = None
        for n in range(count):
            moment = START + timedelta(seconds=n * seconds_apart + channel)
            ts = f"{moment.timestamp():.6f}"
            by_day.setdefault(str(moment.date()), []).append(_message(rng, ts, moment, parent, n))
            parent = ts if n % 12 == 0 else parent
        for day, rows in by_day.items():
            _dump(folder / f"{day}.json", rows)


def write_long_line(root: Path, megabytes: float) -> None:
    """A one-message export whose text is one line of ``megabytes`` MB (a pasted log without breaks)."""
    rng = random.Random(7)
    root.mkdir(parents=True)
    _dump(root / "users.json", [_user(0, PEOPLE[0])])
    _dump(root / "channels.json", [{"id": "C0000", "name": "inc-0", "created": 1741000000}])
    parts: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        part = _fill(rng, rng.choice(LOG_LINES), START).strip() + " | "
        parts.append(part)
        size += len(part)
    text = "pasting the log: " + "".join(parts)
    message = {"type": "message", "user": "U00000", "ts": f"{START.timestamp():.6f}", "text": text}
    (root / "inc-0").mkdir()
    _dump(root / "inc-0" / f"{START.date()}.json", [message])


def _user(n: int, person: str) -> dict[str, Any]:
    first = person.split()[0]
    return {
        "id": f"U{n:05d}",
        "name": person.lower().replace(" ", "."),
        "real_name": person,
        "tz": "Europe/Berlin",
        "profile": {"real_name": person, "display_name": first.lower(), "first_name": first},
    }


def _dump(path: Path, data: Any) -> None:
    # Slack writes "\/" for "/" and indents by four; a parser pays for both.
    path.write_text(json.dumps(data, indent=4).replace("/", "\\/"), encoding="utf-8")


def _message(rng: random.Random, ts: str, moment: datetime, parent: str | None, n: int) -> dict[str, Any]:
    author = rng.randrange(len(PEOPLE))
    user = f"U{author:05d}"
    if n % 60 == 7:
        joined = f"<@{user}> has joined the channel"
        return {"type": "message", "subtype": "channel_join", "user": user, "ts": ts, "text": joined}
    if n % 20 == 3:
        title, body = rng.choice(ALERTS)
        attachment = {"fallback": _fill(rng, title, moment), "title": _fill(rng, title, moment),
                      "text": _fill(rng, body, moment), "color": "danger"}  # fmt: skip
        return {"type": "message", "subtype": "bot_message", "bot_id": "B0001", "username": "Alertmanager",
                "ts": ts, "text": "", "attachments": [attachment]}  # fmt: skip
    sentences = [_fill(rng, rng.choice(SENTENCES), moment) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    text = ". ".join(sentences)
    if n % 40 == 11:
        log = "\n".join(_fill(rng, rng.choice(LOG_LINES), moment) for _ in range(rng.randrange(3, 12)))
        text += f"\n```\n{log}\n```"
    person = PEOPLE[author]
    message: dict[str, Any] = {
        "client_msg_id": f"{rng.getrandbits(32):08x}-{n % 65536:04x}-4000-8000-{rng.getrandbits(48):012x}",
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": f"{rng.getrandbits(20):05x}",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
        "team": "T01ACME0001",
        "user_team": "T01ACME0001",
        "source_team": "T01ACME0001",
        "user_profile": {
            "avatar_hash": f"{rng.getrandbits(48):012x}",
            "image_72": f"https://avatars.slack-edge.com/2024-11-02/{user.lower()}_72.png",
            "first_name": person.split()[0],
            "real_name": person,
            "display_name": person.split()[0].lower(),
            "team": "T01ACME0001",
            "name": person.lower().replace(" ", "."),
            "is_restricted": False,
            "is_ultra_restricted": False,
        },
    }
    if parent is not None and n % 12 in (1, 2, 5):
        message["thread_ts"] = parent
        message["parent_user_id"] = "U00000"
    if n % 30 == 5:
        message["edited"] = {"user": user, "ts": ts}
    return message


def _fill(rng: random.Random, template: str, moment: datetime) -> str:
    n = rng.randrange(2, 400)
    values = {
        "svc": rng.choice(SERVICES),
        "region": rng.choice(REGIONS),
        "dep": rng.choice(DEPENDENCIES),
        "user": f"U{rng.randrange(len(PEOPLE)):05d}",
        "time": (moment - timedelta(minutes=rng.randrange(1, 90))).strftime("%H:%M"),
        "iso": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(1000):03d}Z",
        "ms": rng.randrange(20, 900),
        "s": f"{rng.uniform(1.1, 9.9):.1f}",
        "pct": rng.randrange(1, 99),
        "n": n,
        "n2": n * rng.choice((2, 3, 4)),
        "ver": f"{rng.randrange(1, 4)}.{rng.randrange(0, 60)}.{rng.randrange(0, 12)}",
        "pr": rng.randrange(1000, 9999),
        "flag": f"{rng.choice(('new', 'fast', 'async'))}_{rng.choice(SERVICES).replace('-', '_')}",
        "host": f"ip-10-{rng.randrange(256)}-{rng.randrange(256)}-{rng.randrange(256)}.internal",
        "port": rng.randrange(80, 9000),
        "hex": f"{rng.getrandbits(64):016x}",
    }
    return template.format(**values)
