"""Every kind of secret, planted in a sample of every source format, never reaches a model request.

Each sample is copied with the secrets written into the text of one of its events (JSON-escaped
in JSON, as one line in line-based formats, inside the member of a zip or tar), then drafted with
a model through the loopback server. The control run with ``--no-redact`` proves the planted values
do reach the requests, so each test can fail; the redacted run must send none of them, and the
draft must cite the same events as the control.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.errors import UserError
from postmortem_writer.models import SourceKind
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder
from postmortem_writer.timeparse import zone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
OPTIONS = SourceOptions(tz=zone("Europe/Berlin"), date=__import__("datetime").date(2025, 3, 4))
READ_ARGS = ["--tz", "Europe/Berlin", "--date", "2025-03-04"]

# (id, what is written into the event, the part that must never be sent)
_KEY_BLOCK = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq7BFUpkGp3+LQmlQ\nYmFkLWtleS1tYXRlcmlhbA==\n"
    "-----END RSA PRIVATE KEY-----"
)
PLANTED: tuple[tuple[str, str, str], ...] = (
    ("aws-access-key", "key AKIAQ3EGRVXJ7KPL2WMN", "AKIAQ3EGRVXJ7KPL2WMN"),
    (
        "aws-secret-key",
        "aws_secret_access_key=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",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT4LmNa",
    ),
    ("github-token", "ghp_Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0jK2lZ5c", "ghp_Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0jK2lZ5c"),
    (
        "github-fine-grained",
        "github_pat_11AB2CD3E0xYzQ7r2VbN9k_Lm3xT8wYz1PaS4dF6gH0jK2lZ5cQ7r2VbN9kLm3xT8wYz1PaS4dF6gH",
        "github_pat_11AB2CD3E0xYzQ7r2VbN9k_Lm3xT8wYz1PaS4dF6gH0jK2lZ5cQ7r2VbN9kLm3xT8wYz1PaS4dF6gH",
    ),
    ("gitlab-token", "glpat-Xy7Qp2Lm9Zr4Tn6Vb8Wc", "glpat-Xy7Qp2Lm9Zr4Tn6Vb8Wc"),
    ("slack-token", "xoxb-2048011876-7736251934-QxLm9Zr4Tn6Vb8WcPa2s", "QxLm9Zr4Tn6Vb8WcPa2s"),
    (
        "slack-webhook",
        "https://hooks.slack.com/services/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",
        "Xy7Qp2Lm9Zr4Tn6Vb8WcPa2s",
    ),
    (
        "jwt",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaGVja291dCIsImV4cCI6MTc0MTA3OTk0Mn0.Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0jK2lZ5cQ7r2VbN",
        "Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0jK2lZ5cQ7r2VbN",
    ),
    ("bearer", "Authorization: Bearer tok_9f8e7d6c5b4a39281706f5e4", "tok_9f8e7d6c5b4a39281706f5e4"),
    ("url-password", "postgres://checkout:Hunter2Secret@db.internal:5432/orders", "Hunter2Secret"),
    ("connection-string", "Server=db1;User Id=sa;Password=Tr0ub4dor&3;", "Tr0ub4dor&3"),
    ("stripe-key", "sk_live_51Hq7r2VbN9kLm3xT8wYz1Pa", "sk_live_51Hq7r2VbN9kLm3xT8wYz1Pa"),
    ("email", "mail jane.customer@example.org", "jane.customer@example.org"),
    ("phone", "call +1 415-555-0142", "415-555-0142"),
    ("card", "card 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("ipv4", "host 203.0.113.77", "203.0.113.77"),
    ("ipv6", "addr 2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::8a2e:370:7334"),
    ("private-key", _KEY_BLOCK, "MIIEowIBAAKCAQEAq7BFUpkGp3+LQmlQ"),
    # issue 13: kinds an outside attack found sent verbatim
    (
        "aws-secret-key-bare",
        "old IAM user secret Rx4yvoCvi2e4RlaqNp0MIj8UeaOQt/8CALeWusH2",
        "Rx4yvoCvi2e4RlaqNp0MIj8UeaOQt/8CALeWusH2",
    ),
    (
        "npm-token",
        "publishing with npm_R02nqBLpwXpLsBnPwBcuzDfeWcM6aPXtmCEJ",
        "npm_R02nqBLpwXpLsBnPwBcuzDfeWcM6aPXtmCEJ",
    ),
    (
        "openai-project-key",
        "key sk-proj-bmVs7TrSDKlGrqwnhsd7TW_0i4JRWpAPWj91Md5X",
        "bmVs7TrSDKlGrqwnhsd7TW_0i4JRWpAPWj91Md5X",
    ),
    ("twilio-auth-token", "twilio auth 4405295f6f072e322c5610c6ea4e5472", "4405295f6f072e322c5610c6ea4e5472"),
    ("card-dotted", "customer card 4319.8640.1473.7008", "4319.8640.1473.7008"),
    ("prefixed-key", "DD_APP_KEY=05a19d0d4d1b45bc79f603a51779bc900682743d", "05a19d0d4d1b45bc79f603a51779bc900682743d"),
    (
        "encryption-key",
        "ENCRYPTION_KEY=FqEsS3aElrsP9C1awu3Ys9QyCoVaeiMECDbUeVho6F8=",
        "FqEsS3aElrsP9C1awu3Ys9QyCoVaeiMECDbUeVho6F8",
    ),
    (
        "kubeconfig-client-key",
        "client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB",
        "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB",
    ),
    ("url-password-slash-at", "redis://default:Sl4sh/Pa@ss@cache-1:6379/0", "Sl4sh/Pa@ss"),
    ("special-character-value", "client_secret=654Ya#dhpl$03Cjv&x", "654Ya#dhpl$03Cjv&x"),
    ("vault-token", "vault login hvs.CAESIJ5rKx2bF9sQ7mW3pL8vN4tY", "hvs.CAESIJ5rKx2bF9sQ7mW3pL8vN4tY"),
    (
        "discord-webhook",
        "https://discord.com/api/webhooks/435692947122365164/Zr1kaMg5woRaOLOY99yCbg4ga184mFqjwtR",
        "Zr1kaMg5woRaOLOY99yCbg4ga184mFqjwtR",
    ),
    (
        "anthropic-key",
        "claude sk-ant-api03-EUv-qiTmVdBSi1pA64TGPHu820TPBvut7k0QUOeFWz-2aQ40rmIQAA",
        "EUv-qiTmVdBSi1pA64TGPHu820TPBvut7k0QUOeFWz-2aQ40rmIQAA",
    ),
    (
        "terraform-cloud-token",
        "TFC token is K4VzI9S70Waf56.atlasv1.CKnDQ0jLQ1EKXlj7togHao5enFOAzg61iJNMIjAw9VzN",
        "CKnDQ0jLQ1EKXlj7togHao5enFOAzg61iJNMIjAw9VzN",
    ),
    ("docker-login", "docker login -u ci -p Summer235/zPV registry", "Summer235/zPV"),
    ("sshpass", "sshpass -p Harbor7618%iSV ssh deploy@bastion", "Harbor7618%iSV"),
    ("redis-cli", "redis-cli -h cache-1 -a Harbor7919#THl INFO", "Harbor7919#THl"),
    ("mongo", "mongo mongodb://db-2/admin -u root -p Maple4412!xQ --quiet", "Maple4412!xQ"),
    ("docker-config-auth", '{"auth": "Y2ktYm90OlRpZ2VyNTgyOSZ5SEo="}', "Y2ktYm90OlRpZ2VyNTgyOSZ5SEo"),
    ("iban", "refund to DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("us-ssn", "SSN 078-05-1120 in the log", "078-05-1120"),
    ("street-address", "ship to 4002 Oak Avenue Portland", "4002 Oak Avenue"),
    (
        "gcp-private-key-id",
        "private_key_id: e5a6ca7132d1c64e39f4617eb60beade5dbc7eea",
        "e5a6ca7132d1c64e39f4617eb60beade5dbc7eea",
    ),
    ("high-entropy-token", "header was dbcamWCovA018XMCp5UhWpc", "dbcamWCovA018XMCp5UhWpc"),
    # Last: a cookie header runs to the end of its line, and would hide whatever followed it.
    ("session-cookie", "Cookie: _app_session=BBw8OGSYo7QVBjrqvqLQIXqy", "BBw8OGSYo7QVBjrqvqLQIXqy"),
)
Planted = tuple[tuple[str, str, str], ...]
# An event is cut at 1,500 characters before it is sent: the table is planted in two groups that
# each fit, with the number of distinct secrets each must give at least.
GROUPS: dict[str, tuple[Planted, int]] = {"first": (PLANTED[:18], 13), "issue-13": (PLANTED[18:], 18)}


def _one_line(planted: Planted) -> str:
    # Line-based formats cannot carry a newline inside a message: the key block goes in flattened.
    return " | ".join(text.replace("\n", " ") for _, text, _ in planted)


def _multi_line(planted: Planted) -> str:
    return " | ".join(text for _, text, _ in planted)


def _plantings(data: bytes, texts: list[str], planted: Planted) -> Iterator[bytes]:
    """``data`` with the secrets written right after each place a piece of one of ``texts`` sits."""
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    for text in texts:
        for needle in _pieces(text):
            for escaped in (True, False):
                found = json.dumps(needle, ensure_ascii=False)[1:-1] if escaped else needle
                insert = json.dumps(" " + _multi_line(planted))[1:-1] if escaped else " " + _one_line(planted)
                at = raw.find(found)
                while at != -1:
                    end = at + len(found)
                    yield (raw[:end] + insert + raw[end:]).encode("utf-8")
                    at = raw.find(found, end)


def _pieces(text: str) -> list[str]:
    """Stretches of an event's text as a file would hold them: adapters add prefixes and unescape."""
    words = [w for w in text.split() if len(w) >= 6 and w.isascii() and w.isalnum()]
    return [text[:40], *words]


def _planted_copy(sample: Path, into: Path, planted: Planted) -> tuple[Path, bool] | None:
    """A copy of ``sample`` (file, folder or zip) with the secrets in an event's text, and whether the
    draft shows that event (alerts and deploys reach a model only as timeline rows; chat always does).

    Events the draft shows are tried first. A format with no free text at all (Argo CD's history
    table) gets a password in its repository URL instead.
    """
    ingested = ingest([sample], OPTIONS)
    shown = {i for entry in draft_from(ingested).timeline for i in entry.evidence}
    events = sorted(ingested.stream, key=lambda e: e.id not in shown)
    texts = [e.text for e in events if e.text.strip()]
    target = into / sample.name
    first = planted[0][2]
    for visible in (shown, None):
        if _plant_into(sample, target, texts, planted, lambda path, visible=visible: _carries(path, visible, first)):
            return target, visible is not None
    password = next(value for name, _, value in planted if name.startswith("url-password"))
    target.write_bytes(sample.read_bytes().replace(b"https://", f"https://deploy:{password}@".encode()))
    return (target, True) if _carries(target, None, password) else None


def _plant_into(
    sample: Path, target: Path, texts: list[str], planted: Planted, carries: Callable[[Path], bool]
) -> bool:
    if sample.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(sample, target)
        for member in sorted(p for p in target.rglob("*") if p.is_file()):
            before = member.read_bytes()
            for _, copy in zip(range(40), _plantings(before, texts, planted), strict=False):
                member.write_bytes(copy)
                if carries(target):
                    return True
            member.write_bytes(before)
        return False
    if zipfile.is_zipfile(sample):
        with zipfile.ZipFile(sample) as source:
            contents = [(info, source.read(info)) for info in source.infolist()]
        for index, (_, data) in enumerate(contents):
            for _, copy in zip(range(40), _plantings(data, texts, planted), strict=False):
                with zipfile.ZipFile(target, "w") as out:
                    for number, (info, original) in enumerate(contents):
                        out.writestr(info, copy if number == index else original)
                if carries(target):
                    return True
        return False
    for _, copy in zip(range(200), _plantings(sample.read_bytes(), texts, planted), strict=False):
        target.write_bytes(copy)
        if carries(target):
            return True
    return False


def _carries(path: Path, shown: set[str] | None, value: str) -> bool:
    """Whether an event (one the draft shows, or any chat message, when ``shown`` is given) carries ``value``."""
    try:
        events = ingest([path], OPTIONS).stream
    except UserError:
        return False
    return any(value in e.text and (shown is None or e.id in shown or e.kind is SourceKind.CHAT) for e in events)


def _samples_by_format() -> dict[str, Path]:
    """One sample per source format the registry reads (the first, in path order)."""
    found: dict[str, Path] = {}
    # The main samples before the variants, so each format is tried on its ordinary shape.
    candidates = sorted(
        (p for p in SAMPLES.rglob("*") if p.is_file() and "export" not in p.parts),
        key=lambda p: ("variants" in p.parts, p),
    )
    candidates += [SAMPLES / "slack" / "export", SAMPLES / "zulip" / "export"]
    candidates += [SAMPLES / "slack" / "export" / "inc-checkout-latency" / "2025-03-04.json"]
    for path in candidates:
        try:
            ingested = ingest([path], OPTIONS)
        except UserError:
            continue
        for record in ingested.inputs:
            found.setdefault(record.format, path)
    return found


BY_FORMAT = _samples_by_format()


def test_every_format_with_events_has_a_sample() -> None:
    # kubectl-rollout-history prints no times, so it never gives events to plant into.
    from postmortem_writer.sources import adapter_names

    assert set(adapter_names()) - set(BY_FORMAT) == {"kubectl-rollout-history"}


def _requests(path: Path, tmp_path: Path, *args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    out = tmp_path / f"draft{len(list(tmp_path.iterdir()))}.json"
    with LoopbackServer(responder=citing_responder()) as server:
        env = {"OPENAI_BASE_URL": server.url, "POSTMORTEM_MODEL": "m"}
        result = CliRunner().invoke(
            cli,
            [
                "draft",
                str(path),
                "-o",
                str(out),
                "--format",
                "json",
                "--no-cache",
                "--context-tokens",
                "32768",
                *READ_ARGS,
                *args,
            ],
            env=env,
        )
        assert result.exit_code == 0, result.output
        return list(server.requests), json.loads(out.read_text(encoding="utf-8"))


def _sent(requests: list[dict[str, Any]]) -> str:
    # The bodies as sent (JSON-escaped) and their message texts as the model reads them.
    texts = [str(message.get("content")) for body in requests for message in body.get("messages", [])]
    return json.dumps(requests) + "\n".join(texts)


@pytest.mark.parametrize("group", sorted(GROUPS))
@pytest.mark.parametrize("source_format", sorted(BY_FORMAT))
def test_no_planted_value_reaches_a_request(source_format: str, group: str, tmp_path: Path) -> None:
    rows, secrets = GROUPS[group]
    sensitive = [value for _, _, value in rows]
    copy = _planted_copy(BY_FORMAT[source_format], tmp_path, rows)
    assert copy is not None, f"no event text found to plant into in {BY_FORMAT[source_format]}"
    planted, shown = copy
    events = ingest([planted], OPTIONS).stream
    carrier = next(e for e in events if any(value in e.text for value in sensitive))
    runs = tmp_path / "runs"
    runs.mkdir()

    control, _ = _requests(planted, runs, "--no-redact")
    leaked_without = [value for value in sensitive if value in _sent(control)]
    if shown:
        assert leaked_without, "control: unredacted, the planted values reach the model"
    if carrier.kind is SourceKind.CHAT:
        # Chat is sent whole (the key block flattened in line formats); alerts and deploys reach the
        # model only as their timeline row, cut to a line.
        assert len(leaked_without) >= len(sensitive) - 1

    requests, redacted = _requests(planted, runs)
    sent = _sent(requests)
    assert [value for value in sensitive if value in sent] == []
    assert "[SECRET-1]" in sent or not shown
    assert redacted["provenance"]["redacted"]["secret"] >= (secrets if rows[0][2] in carrier.text else 1)
    assert not any(value in json.dumps(redacted) for value in sensitive), "the draft keeps placeholders"
    # Redaction changes words, never ids or times: every citation is the same event as in the sources
    # (named, in the draft, relative to the folder the input is in: it lies outside the current one).
    original = {e.id: e for e in events}
    for cited in redacted["evidence_index"]:
        source = original[cited["id"]]
        assert (cited["ts"], cited["ref"], cited["source"]) == (
            source.model_dump(mode="json")["ts"],
            source.ref,
            source.source.removeprefix(f"{planted.parent}/"),
        )
    for entry in redacted["timeline"]:
        assert entry["time"] == min(original[i].model_dump(mode="json")["ts"] for i in entry["evidence"])

    _, rehydrated = _requests(planted, runs, "--rehydrate")
    for cited in rehydrated["evidence_index"]:
        assert cited["text"] == original[cited["id"]].text, "--rehydrate restores every value"
