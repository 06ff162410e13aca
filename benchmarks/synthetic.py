"""Large synthetic incidents for the benchmarks: a Slack export, PagerDuty log entries, a deploy CSV.

Shapes follow the samples in ``fixtures/samples/`` (escaped slashes and 4-space indents as real
Slack exports write them; users with profiles; threads, edits, bots with attachments, joins), so
the adapters do the work they do on real exports. Everything is seeded: the same sizes give the
same bytes.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
# PagerDuty renders times in the account's zone; a Berlin account in March is +01:00.
PLUS_ONE = timezone(timedelta(hours=1))
PEOPLE = ["Priya Natarajan", "Marco Rossi", "Zoë Ødegård", "Sam Okafor", "Aiko Tanaka", "Bo Chen", "Di Eko"]
LINES = [
    "seeing errors on checkout since 09:02, <@{user}> can you look?",
    "p99 went 180ms → 2.4s, see <https://grafana.acme.example/d/chk?from=now-1h&amp;to=now|the dashboard>",
    "rolled back checkout-api to 1.41.3 in <#C0001|deploys>",
    "we should add a canary for pool config changes",
    "looking",
    "error rate back to normal &gt; 99.9% success",
    "I'll file a ticket to page on redis pool wait :memo:",
]


def _dump(path: Path, data: Any) -> None:
    # Slack writes "\/" for "/" and indents by four; a parser pays for both.
    path.write_text(json.dumps(data, indent=4).replace("/", "\\/"), encoding="utf-8")


def write_slack_export(root: Path, messages: int, *, channels: int = 10, days: int = 5) -> None:
    """An export of ``messages`` messages spread over ``channels`` channels and ``days`` day files each."""
    rng = random.Random(messages)
    root.mkdir(parents=True)
    users = [
        {
            "id": f"U{n:05d}",
            "name": person.split()[0].lower(),
            "real_name": person,
            "tz": "Europe/Berlin",
            "profile": {"real_name": person, "display_name": person.split()[0].lower()},
        }
        for n, person in enumerate(PEOPLE)
    ]
    users.append({"id": "UBOT00001", "name": "alerts", "is_bot": True, "profile": {"bot_id": "B0001"}})
    _dump(root / "users.json", users)
    _dump(
        root / "channels.json",
        [{"id": f"C{c:04d}", "name": f"inc-{c}", "created": 1741000000} for c in range(channels)],
    )
    per_file = max(1, messages // (channels * days))
    seconds_apart = 86400 / per_file
    written = 0
    for channel in range(channels):
        folder = root / f"inc-{channel}"
        folder.mkdir()
        for day in range(days):
            count = per_file if (channel, day) != (channels - 1, days - 1) else messages - written
            rows: list[dict[str, Any]] = []
            parent: str | None = None
            for n in range(count):
                moment = START + timedelta(days=day, seconds=n * seconds_apart)
                ts = f"{int(moment.timestamp())}.{n % 1_000_000:06d}"
                rows.append(_slack_message(rng, ts, parent, n))
                parent = ts if n % 10 == 0 else parent
            written += count
            _dump(folder / f"{(START + timedelta(days=day)).date()}.json", rows)


def _slack_message(rng: random.Random, ts: str, parent: str | None, n: int) -> dict[str, Any]:
    user = f"U{rng.randrange(len(PEOPLE)):05d}"
    if n % 50 == 7:
        return {"type": "message", "subtype": "channel_join", "user": user, "ts": ts, "text": f"<@{user}> has joined"}
    if n % 25 == 3:
        attachment = {"fallback": "alert", "title": "[FIRING:1] CheckoutP99LatencyHigh", "text": "p99 2.41s > 2s"}
        return {"type": "message", "subtype": "bot_message", "bot_id": "B0001", "username": "Alertmanager",
                "ts": ts, "text": "", "attachments": [attachment]}  # fmt: skip
    message: dict[str, Any] = {
        "client_msg_id": f"{n:08x}-0000-4000-8000-000000000000",
        "type": "message",
        "user": user,
        "text": rng.choice(LINES).format(user=f"U{rng.randrange(len(PEOPLE)):05d}"),
        "ts": ts,
        "team": "T0001",
        "user_profile": {"real_name": PEOPLE[int(user[1:])], "display_name": "", "name": user.lower()},
    }
    if parent is not None and n % 10 in (1, 2):
        message["thread_ts"] = parent
        message["parent_user_id"] = "U00000"
    if n % 30 == 5:
        message["edited"] = {"user": user, "ts": ts}
    return message


def write_pagerduty_log(path: Path, entries: int) -> None:
    """A ``log_entries`` response with ``entries`` entries, newest first, in the account's +01:00 zone."""
    types = [
        "trigger_log_entry",
        "notify_log_entry",
        "acknowledge_log_entry",
        "annotate_log_entry",
        "resolve_log_entry",
    ]
    rows = []
    for n in range(entries):
        moment = START + timedelta(seconds=n * 7)
        entry_type = f"{types[n % len(types)]}_log_entry"
        rows.append(
            {
                "id": f"R{n:013d}",
                "type": entry_type,
                "summary": entry_type.replace("_log_entry", "").title(),
                "created_at": moment.astimezone(PLUS_ONE).isoformat(),
                "agent": {"id": "PPRIYA2", "type": "user_reference", "summary": PEOPLE[n % len(PEOPLE)]},
                "channel": {"type": "note", "summary": "checking the pool"}
                if entry_type == "annotate_log_entry"
                else {},
                "service": {"id": "PCHK0S1", "type": "service_reference", "summary": "checkout-service (prod)"},
                "incident": {
                    "id": f"Q{n // 50:05d}",
                    "type": "incident_reference",
                    "summary": f"[#{4800 + n // 50}] CheckoutP99LatencyHigh",
                },
                "note": "checking the pool" if n % len(types) == 3 else None,
            }
        )
    path.write_text(json.dumps({"log_entries": rows[::-1], "limit": entries, "more": False}), encoding="utf-8")


def write_deploys_csv(path: Path, rows: int) -> None:
    """A deploy history CSV of ``rows`` deploys, one every ten minutes."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time", "service", "version", "actor", "description"])
        for n in range(rows):
            moment = START + timedelta(minutes=10 * n)
            writer.writerow([moment.strftime("%Y-%m-%dT%H:%M:%SZ"), f"svc-{n % 12}", f"1.{n // 12}.{n % 12}",
                             "deploy-bot", f"Deploy train #{1000 + n}"])  # fmt: skip


def write_incident(root: Path, messages: int) -> dict[str, int]:
    """A folder with a Slack export of ``messages`` messages, a PagerDuty log and a deploy CSV beside it.

    PagerDuty entries and deploys grow with the chat (a fifth and a fiftieth of it), so the whole
    folder scales by one factor. Returns how many records of each kind were written.
    """
    sizes = {"slack messages": messages, "pagerduty entries": messages // 5, "deploy rows": messages // 50}
    write_slack_export(root / "slack-export", messages)
    write_pagerduty_log(root / "pagerduty-log-entries.json", sizes["pagerduty entries"])
    write_deploys_csv(root / "deploys.csv", sizes["deploy rows"])
    return sizes
