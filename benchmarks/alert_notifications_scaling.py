"""How reading Alertmanager webhook logs and folding repeated alerts grows with the number of notifications.

Builds a JSON Lines webhook log per size: 20 alerts, each notification re-sent every 5 minutes
while it fires, every alert flapping (resolving and firing again) every 2 hours. Ingests each file
and prints one row per size: notifications, events read, events after folding, seconds, events
read per second, the ratio to plain ``json.loads`` of every line, and the ratio of microseconds per
notification to the smallest size (near 1 when time grows linearly).

    python benchmarks/alert_notifications_scaling.py [--notifications 2000,20000,100000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from postmortem_writer.sources import SourceOptions, load_sources

START = datetime(2025, 3, 4, 9, tzinfo=UTC)
ALERTS = 20
RESEND = timedelta(minutes=5)
EPISODE = 24  # notifications per firing episode: two hours of re-sends, then a resolve


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_log(path: Path, notifications: int) -> None:
    """A webhook log of ``notifications`` payloads, one alert each, round-robin over the alerts."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(notifications):
            alert, round_ = number % ALERTS, number // ALERTS
            episode, step = divmod(round_, EPISODE)
            starts = START + episode * EPISODE * RESEND + timedelta(seconds=alert)
            resolved = step == EPISODE - 1
            payload = {
                "version": "4",
                "groupKey": f'{{}}:{{alertname="A{alert}"}}',
                "status": "resolved" if resolved else "firing",
                "receiver": "bench",
                "alerts": [
                    {
                        "status": "resolved" if resolved else "firing",
                        "labels": {"alertname": f"A{alert}", "service": "checkout"},
                        "annotations": {"summary": f"alert {alert} is firing"},
                        "startsAt": _stamp(starts),
                        "endsAt": _stamp(starts + step * RESEND) if resolved else "0001-01-01T00:00:00Z",
                        "fingerprint": f"{alert:016x}",
                    }
                ],
            }
            out.write(json.dumps(payload) + "\n")


def seconds_to_json_load(path: Path) -> float:
    """Wall-clock seconds for plain ``json.loads`` of every line: the floor for any reader."""
    started = time.perf_counter()
    [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return time.perf_counter() - started


def main() -> None:
    """Print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", default="2000,20000,100000", help="comma-separated sizes")
    sizes = [int(part) for part in parser.parse_args().notifications.split(",")]
    print("| notifications | events read | after folding | seconds | events/s | vs json.loads | µs each, vs smallest |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base: float | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"webhooks-{size}.jsonl"
            write_log(path, size)
            plain = seconds_to_json_load(path)
            started = time.perf_counter()
            loaded = load_sources([path], SourceOptions())
            seconds = time.perf_counter() - started
            read = loaded.inputs[0].events
            per = seconds / size * 1e6
            base = base or per
            print(
                f"| {size} | {read} | {len(loaded.events)} | {seconds:.2f} | {read / seconds:,.0f} "
                f"| {seconds / plain:.1f} | {per / base:.2f} |"
            )


if __name__ == "__main__":
    main()
