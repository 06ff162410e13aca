"""What the default redaction replaces in the bundled corpora: each value, so a reader can judge it.

Reads every bundled incident, the hostile fixture and every format sample (with a zone and a day,
so chat without them is read too), redacts each with the defaults, and prints a table of the
values replaced by rule, then one row per distinct value. Then runs the detector over every line
of the labelled lint sentences and the public eval cases (postmortem prose and its sources). On
these corpora every value replaced should be a real address, secret or number: a row that is not
is a false positive to fix. Last, runs it over ``ORDINARY_IDS``, identifiers an incident cites
that are no secret (commit SHAs, UUIDs, trace ids, digests, pod names, ARNs, vendor object ids),
and prints each one it replaces.

    python benchmarks/redaction_corpus.py
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

from postmortem_writer.errors import UserError
from postmortem_writer.pipeline import ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.redact.detect import Detector
from postmortem_writer.sources import SourceOptions
from postmortem_writer.timeparse import zone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_TEXT_SUFFIXES = (".md", ".txt", ".json", ".jsonl", ".csv", ".log", ".yaml")
ORDINARY_IDS = (
    "9f8e7d6c3b2a19f0e4d5c6b7a8f9e0d1c2b3a4f5",
    "commit a1b2c3d",
    "3f2c1a9e-4b7d-4c21-9a8e-2f6d1c0b7e5a",
    "3F2C1A9E-4B7D-4C21-9A8E-2F6D1C0B7E5A",
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "X-Amzn-Trace-Id: Root=1-67c6d5a6-1a2b3c4d5e6f7a8b9c0d1e2f",
    "sha256:9b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c",
    "ghcr.io/acme/checkout@sha256:9b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c",
    "image acme/checkout-api:v1.42.3-rc.1",
    "pod checkout-api-6f7c9d8b5-q2wzx restarted",
    "replicaset checkout-7d9f8b6c5d scaled to 0",
    "arn:aws:iam::123456789012:role/CheckoutDeployRole",
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/checkout-tg/6d0ecf831eec9f09",
    "i-0abcd1234ef567890 in vpc-0a1b2c3d4e5f67890 sg-0123456789abcdef0",
    "CloudFront distribution E2QWRUHAPOMQZL",
    "ULID 01HQ3K5Y7Z8M9N0P1Q2R3S4T5V",
    "charge ch_3OqL2bK9zXyW1vUt0sRqPoNm failed",
    "payment_intent pi_3OqL2bK9zXyW1vUt0sRqPoNm",
    "request req_AbC123dEf456Gh",
    "customer cus_PqR7sT9uV1wX3y",
    "event evt_1OqL2bK9zXyW1vUt0sRqPoNm",
    "Slack user U04QF8N2K7M in C07INC8B0T2",
    "ts 1741079942.590465 p1741079942590465",
    "PagerDuty incident Q1ABC2DEF3GHIJ, service PXYZ123",
    "operation-1741079942590-5f3e2a1b0c9d8-e7f6a5b4-c3d2e1f0",
    "com.acme.checkout.PaymentServiceImpl threw NullPointerException",
    "CheckoutServiceV2Controller.handleRequest2",
    "/var/lib/postgresql/15/main/pg_wal/000000010000000A000000FF",
    "src/main/java/com/acme/checkout/CheckoutController2.java:142",
    "https://github.com/acme/checkout/pull/4812",
    "https://grafana.acme.example/d/Xy7Qp2Lm/checkout-latency?orgId=1&from=now-6h",
    "/subscriptions/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e/resourceGroups/rg-checkout-prod/providers/Microsoft.Web",
    "Sentry CHECKOUT-API-1A2B, event 8c3f2d1e0b9a4c7d8e6f5a4b3c2d1e0f",
    "INC-2025-0304 / JIRA OPS-4812",
    "workflow run 8123456789 job 22334455667",
    "container 4f9d2c1b8a7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c",
    "module.checkout.aws_lb_target_group.this[0]",
    "Cf-Ray: 8a1b2c3d4e5f6a7b-AMS",
    "kafka topic orders.v2.PaymentAuthorized partition 7 offset 123456789",
    "terraform plan: aws_iam_role.CheckoutTaskExecutionRole2024",
    "helm upgrade checkout charts/checkout-1.42.3.tgz --set image.tag=20250304T091422Z",
    'etag W/"5f3e2a1b0c9d8e7f6a5b4c3d2e1f0a9b"',
    "ami-0c55b159cbfafe1f0 on m5.2xlarge",
    "git describe v2.14.0-37-g9f8e7d6",
    "GKE node gke-prod-pool-1-5f3e2a1b-x2x9",
    "Datadog monitor 12345678, dashboard abc-def-ghi",
    "S3 key logs/2025/03/04/checkout-api/part-00012.json.gz",
    "Kubernetes uid 7d0f5c1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f",
    "base image node:20.11.1-bookworm-slim",
)


_DEFAULT = Detector()


def corpus() -> list[Path]:
    """Each incident's sources, the hostile fixture, and every sample file or export folder."""
    incidents = [p / "sources" for p in sorted((FIXTURES / "incidents").iterdir()) if (p / "sources").is_dir()]
    samples = sorted(p for p in (FIXTURES / "samples").rglob("*") if p.is_file() and "export" not in p.parts)
    exports = [FIXTURES / "samples" / "slack" / "export", FIXTURES / "samples" / "zulip" / "export"]
    return [*incidents, FIXTURES / "hostile" / "sources", *samples, *exports]


def prose_hits() -> tuple[int, list[tuple[str, str, str]]]:
    """Every value found in the lines of the labelled lint sentences and the public eval cases."""
    detector = _DEFAULT
    evals = FIXTURES.parent / "evals"
    files = [evals / "lint" / "sentences.jsonl"]
    files += sorted(p for p in (evals / "cases").rglob("*") if p.is_file() and p.suffix in _TEXT_SUFFIXES)
    lines = 0
    hits: list[tuple[str, str, str]] = []
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            lines += 1
            for hit in detector.find(line):
                hits.append((path.relative_to(evals).parts[1], hit.rule, line[hit.start : hit.end]))
    return lines, hits


def main() -> None:
    options = SourceOptions(tz=zone("UTC"), date=datetime.date(2025, 3, 4))
    events = 0
    rules: Counter[str] = Counter()
    values: set[tuple[str, str]] = set()
    for path in corpus():
        try:
            stream = ingest([path], options).stream
        except UserError:
            continue  # a sample that is an error case of its own (no times, a legacy format)
        events += len(stream)
        _, redaction = redact_stream(stream, Privacy())
        for item in redaction.replaced.values():
            rules[item.rule] += 1
            values.add((item.rule, item.value))
    print(f"{events:,} events read; distinct values replaced per source, by rule:\n")
    print("| rule | values |\n| --- | ---: |")
    for rule, count in rules.most_common():
        print(f"| {rule} | {count} |")
    print("\n| rule | value |\n| --- | --- |")
    for rule, value in sorted(values):
        print(f"| {rule} | {value} |")
    lines, hits = prose_hits()
    print(f"\n{lines:,} lines of the lint sentences and eval cases; {len(hits)} values found:\n")
    print("| where | rule | value | times |\n| --- | --- | --- | ---: |")
    for (where, rule, value), count in sorted(Counter(hits).items()):
        print(f"| {where} | {rule} | {value} | {count} |")
    ids = [(text[h.start : h.end], h.rule) for text in ORDINARY_IDS for h in _DEFAULT.find(text)]
    print(f"\n{len(ORDINARY_IDS)} lines of ordinary identifiers; {len(ids)} values replaced:")
    for value, rule in ids:
        print(f"- {rule}: {value}")


if __name__ == "__main__":
    main()
