"""Which adapter the registry picks for each kind of input, and the errors for inputs none reads."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, adapter_names, load_sources
from postmortem_writer.timeparse import zone

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLES = FIXTURES / "samples"
INCIDENT = FIXTURES / "incidents" / "inc-2025-0304" / "sources"
OPTIONS = SourceOptions(tz=zone("UTC"), date=date(2025, 3, 4))

Source = Path | tuple[str, bytes]
"""A fixture path, or a file name and content written to a temporary folder."""

CASES = [
    pytest.param(SAMPLES / "slack" / "acme-slack-export-2025-03-05.zip", "slack-export", id="slack-zip"),
    pytest.param(SAMPLES / "slack" / "export", "slack-export", id="slack-folder"),
    pytest.param(INCIDENT / "slack-export", "slack-export", id="slack-folder-with-extra-channel"),
    pytest.param(INCIDENT, "slack-export", id="sources-folder-with-export-inside"),
    pytest.param(
        SAMPLES / "pagerduty" / "log_entries_Q1VX8CHKL4TZ0R.json", "pagerduty-log-entries", id="pd-log-entries"
    ),
    pytest.param(INCIDENT / "pagerduty-log-entries.json", "pagerduty-log-entries", id="pd-incident-copy"),
    pytest.param(
        ("pd.json", b'[{"id": "R1", "type": "resolve_log_entry", "created_at": "2025-03-04T09:55:01Z"}]'),
        "pagerduty-log-entries",
        id="pd-bare-list",
    ),
    pytest.param(SAMPLES / "pagerduty" / "incident_Q1VX8CHKL4TZ0R.json", "pagerduty-incidents", id="pd-incident"),
    pytest.param(SAMPLES / "pagerduty" / "incidents_analytics_export.csv", "pagerduty-csv", id="pd-analytics-csv"),
    pytest.param(SAMPLES / "pagerduty" / "webhooks_v3.jsonl", "pagerduty-webhooks", id="pd-webhooks-jsonl"),
    pytest.param(
        SAMPLES / "slack" / "export" / "deploys" / "2025-03-04.json", "slack-day-file", id="slack-day-file-alone"
    ),
    pytest.param(SAMPLES / "slack" / "api" / "conversations.history.page1.json", "slack-api", id="slack-api-history"),
    pytest.param(SAMPLES / "slack" / "api" / "conversations.replies.json", "slack-api", id="slack-api-replies"),
    pytest.param(SAMPLES / "teams" / "channel_messages_expand_replies.json", "teams", id="teams"),
    pytest.param(next((SAMPLES / "discord").glob("*.json")), "discord", id="discord"),
    pytest.param(SAMPLES / "mattermost" / "bulk_export.jsonl", "mattermost", id="mattermost"),
    pytest.param(SAMPLES / "zulip" / "api_get_messages.json", "zulip-api", id="zulip-api"),
    pytest.param(SAMPLES / "zulip" / "export" / "zulip-export-acme", "zulip-export", id="zulip-export"),
    pytest.param(SAMPLES / "irc" / "irssi_acme-checkout.log", "chat-text", id="irc-irssi"),
    pytest.param(SAMPLES / "irc" / "weechat_irc.libera.#acme-checkout.weechatlog", "chat-text", id="irc-weechat"),
    pytest.param(SAMPLES / "irc" / "znc_libera_#acme-checkout_20250304.log", "chat-text", id="irc-znc"),
    pytest.param(
        ("app.log", b"2025-03-04T09:17:05Z ERROR pool exhausted\n  at Pool.get\n2025-03-04T09:18:00Z ok\n"),
        "timestamped-log",
        id="timestamped-log",
    ),
    pytest.param(INCIDENT / "deploys.csv", "deploy-history", id="deploys-csv"),
    pytest.param(SAMPLES / "deploys" / "deploys.jsonl", "deploy-history", id="deploys-jsonl"),
    pytest.param(SAMPLES / "deploys" / "deploys.json", "deploy-history", id="deploys-json-array"),
    pytest.param(SAMPLES / "deploys" / "deploys_naive_bom_crlf.csv", "deploy-history", id="deploys-csv-bom-crlf"),
    pytest.param(SAMPLES / "slack" / "copy_paste" / "bracketed_transcript_UTC.txt", "chat-text", id="chat-bracketed"),
    pytest.param(
        SAMPLES / "slack" / "copy_paste" / "desktop_selection_en-US_Europe-Berlin.txt", "chat-text", id="chat-desktop"
    ),
    pytest.param(FIXTURES / "incidents" / "chat-only" / "slack-thread-copy.txt", "chat-text", id="chat-desktop-12h"),
    pytest.param(
        ("irc.log", b"2025-03-04 09:17:05 Priya: IC\n2025-03-04 09:18:00 Marco: ok\n"),
        "chat-text",
        id="chat-dated-lines",
    ),
    pytest.param(SAMPLES / "chat_text" / "teams_en-US_America-New_York.txt", "chat-text", id="chat-teams"),
    pytest.param(SAMPLES / "chat_text" / "discord_en-US_Europe-Berlin.txt", "chat-text", id="chat-discord"),
    pytest.param(SAMPLES / "chat_text" / "slack_web_en-US_America-New_York.txt", "chat-text", id="chat-slack-web"),
    pytest.param(SAMPLES / "chat_text" / "irc_irssi_Europe-Berlin.log", "chat-text", id="chat-irc"),
    # A file holding one whole message line is a chat paste too.
    pytest.param(("chat.txt", b"\n[09:17] Priya: I'm IC\n\n"), "chat-text", id="chat-one-transcript-line"),
    pytest.param(("chat.txt", b"2025-03-04 09:17 Priya: only one line\n"), "chat-text", id="chat-one-dated-line"),
    pytest.param(("irc.log", b"[09:17:05] <priya> I'm IC\n"), "chat-text", id="chat-one-irc-line"),
    # Deploy and change tools. Each is claimed by its own marker (GitHub `statuses_url` or `workflow_runs`,
    # Argo CD `status.history` or the CLI's header, a List of Events or ReplicaSets, a `commit <sha>` line,
    # Heroku's release keys, a Spinnaker PIPELINE), tried before the deploy CSV, records and chat-text catch-alls.
    pytest.param(SAMPLES / "github" / "deployments.json", "github-deployments", id="github-deployments"),
    pytest.param(
        SAMPLES / "github" / "deployment_statuses_2048011876.json", "github-deployments", id="github-statuses"
    ),
    pytest.param(SAMPLES / "github" / "workflow_runs.json", "github-actions-runs", id="github-runs"),
    pytest.param(SAMPLES / "argocd" / "application_checkout.json", "argocd-application", id="argocd-json"),
    pytest.param(SAMPLES / "argocd" / "argocd_app_history_checkout.txt", "argocd-history-text", id="argocd-text"),
    pytest.param(
        ("history.txt", b"ID  DATE                           REVISION\n1   2025-03-04 10:02:37 +0100 CET  v1\n"),
        "argocd-history-text",
        id="argocd-text-single-source",
    ),
    pytest.param(SAMPLES / "kubernetes" / "events_checkout.json", "kubernetes-events", id="k8s-events"),
    pytest.param(SAMPLES / "kubernetes" / "replicasets_checkout.json", "kubernetes-replicasets", id="k8s-rs"),
    pytest.param(
        SAMPLES / "kubernetes" / "kubectl_rollout_history_checkout.txt",
        "kubectl-rollout-history",
        id="k8s-rollout-history",
    ),
    pytest.param(SAMPLES / "git" / "git_log_default.txt", "git-log", id="git-default"),
    pytest.param(SAMPLES / "git" / "git_log_pretty.tsv", "git-log", id="git-pretty-tabs"),
    pytest.param(SAMPLES / "git" / "git_log_pretty_us_rs.txt", "git-log", id="git-pretty-separators"),
    pytest.param(
        ("git.log", b"c0ffee5|2025-03-04T11:05:19+01:00|Zoe|Merge pull request #4815\n"), "git-log", id="git-pipes"
    ),
    pytest.param(SAMPLES / "heroku" / "releases_acme-checkout-admin.json", "heroku-releases", id="heroku"),
    pytest.param(SAMPLES / "spinnaker" / "executions_checkout.json", "spinnaker-executions", id="spinnaker"),
    pytest.param(
        ("log.jsonl", b'{"@timestamp": "2025-03-04T09:00:00Z", "message": "pool exhausted", "host": "web-1"}\n'),
        "records",
        id="records-jsonl",
    ),
    # Shapes the vendors document that were once refused (read whole in test_real_shapes.py).
    pytest.param(SAMPLES / "opsgenie" / "variants" / "outgoing_webhooks.jsonl", "opsgenie", id="opsgenie-webhooks"),
    pytest.param(
        SAMPLES / "cloudwatch" / "variants" / "sns_lambda_event.json", "cloudwatch-alarm-history", id="sns-lambda"
    ),
    pytest.param(
        SAMPLES / "cloudwatch" / "variants" / "sns_notification.json", "cloudwatch-alarm-history", id="sns-bare"
    ),
    pytest.param(SAMPLES / "kubernetes" / "variants" / "event_single.json", "kubernetes-events", id="k8s-one-event"),
    pytest.param(
        SAMPLES / "kubernetes" / "variants" / "events_watch_stream.json", "kubernetes-events", id="k8s-watch-stream"
    ),
    pytest.param(SAMPLES / "datadog" / "variants" / "event_v1_single.json", "datadog-events", id="datadog-one"),
    pytest.param(SAMPLES / "datadog" / "variants" / "event_v1_bare.json", "datadog-events", id="datadog-bare"),
    pytest.param(
        SAMPLES / "alertmanager" / "variants" / "test_notification_version_1.json",
        "alertmanager",
        id="alertmanager-version-1",
    ),
    pytest.param(
        SAMPLES / "slack" / "variants" / "messages_without_type.json", "slack-day-file", id="slack-without-type"
    ),
    pytest.param(
        SAMPLES / "github" / "variants" / "deployment_status_webhook.json",
        "github-deployments",
        id="github-status-webhook",
    ),
    pytest.param(
        ("admin.log", b"== 2019-10-31 ==\n09:12 root@db1: restarted postgres\n"), "chat-text", id="admin-log-one-line"
    ),
    # A stray Latin-1 byte costs nothing: the rest is read (the warning is tested with the IRC logs).
    pytest.param(("latin1.txt", "[10:17] <zoë> rolling back\n".encode("latin-1")), "chat-text", id="latin-1-byte"),
    # Inputs no adapter reads.
    pytest.param(("notes.txt", b"Some prose about the weather.\nNothing else.\n"), "not a format we read", id="prose"),
    pytest.param(("blob.bin", b"\x00\x01\x02binary"), "not a text file", id="binary"),
    pytest.param(("pd.json", b'{"log_entries": [\n  {"id": "R1",\n'), "3:1: malformed JSON", id="malformed-json"),
    pytest.param(
        ("builds.csv", b"time,job,result\n2025-03-04T09:00:00Z,build,ok\n"),
        "not a format we read",
        id="csv-without-service-or-version",
    ),
    # One header without its text, or one message line among prose, is not enough.
    pytest.param(("chat.txt", b"[10:17 AM] Priya Natarajan\n"), "not a format we read", id="one-teams-header"),
    pytest.param(
        ("notes.txt", b"[09:17] Priya: I'm IC\nthen we went for lunch.\n"),
        "not a format we read",
        id="one-line-in-prose",
    ),
    pytest.param(
        (
            "notes.txt",
            b"The deploy went out at 10:17 AM and errors started at 10:19 AM.\nWe rolled back at 10:41 AM.\n",
        ),
        "not a format we read",
        id="prose-with-times",
    ),
    pytest.param(("notes.txt", b"09:10 UTC: alert fired\n"), "not a format we read", id="one-line-note-with-zone"),
    pytest.param(
        (
            "postmortem.md",
            b"# Postmortem: checkout latency\n\n## Timeline (UTC)\n\n"
            b"- 09:02 checkout 1.42.0 deployed\n- 09:10 CheckoutP99LatencyHigh fired\n"
            b"- **09:17** Priya Natarajan: declared the incident\n\n"
            b"| Time | Event |\n| --- | --- |\n| 09:41 | rollback started |\n| 09:55 AM | resolved |\n\n"
            b"09:10 UTC: alert fired\n09:55 UTC: resolved\n\n## Action items\n\n1. Alert on pool wait\n",
        ),
        "not a format we read",
        id="markdown-postmortem",
    ),
    pytest.param(FIXTURES / "golden" / "inc-2025-0304.md", "not a format we read", id="markdown-golden-draft"),
    pytest.param(
        (
            "messages.csv",
            b'time,user,text\n2025-03-04 09:17,Priya,I\'m IC\n"10:19 AM",Marco,p99 is 2.4s\n'
            b'09:24,Priya,"Decision: roll back"\n',
        ),
        "records",
        id="chat-csv",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_sniffing(tmp_path: Path, source: Source, expected: str) -> None:
    """``expected`` is the format picked, or a fragment of the error when none is."""
    if isinstance(source, tuple):
        name, content = source
        path = tmp_path / name
        path.write_bytes(content)
    else:
        path = source
    if expected in adapter_names():
        assert load_sources([path], OPTIONS).inputs[0].format == expected
    else:
        with pytest.raises(InputError, match=rf"{re.escape(path.name)}:.*{re.escape(expected)}"):
            load_sources([path], OPTIONS)


def test_sources_folder_reads_every_format_once() -> None:
    loaded = load_sources([INCIDENT], SourceOptions())
    assert [(Path(record.path).name, record.format) for record in loaded.inputs] == [
        ("slack-export", "slack-export"),
        ("deploys.csv", "deploy-history"),
        ("pagerduty-log-entries.json", "pagerduty-log-entries"),
    ]
    assert loaded.warnings == []
    assert sum(record.events for record in loaded.inputs) == len(loaded.events)


def test_forced_format_reads_what_sniffing_would_not(tmp_path: Path) -> None:
    path = tmp_path / "odd.log"
    path.write_text("[09:17] Priya: I'm IC\nand nothing else looks like chat\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a format we read"):
        load_sources([path], OPTIONS)
    forced = SourceOptions(tz=OPTIONS.tz, date=OPTIONS.date, source_format="chat-text")
    assert [event.actor for event in load_sources([path], forced).events] == ["Priya"]


def test_zip_of_sources_folder_reads_the_export_inside(tmp_path: Path) -> None:
    archive = tmp_path / "incident.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(p for p in INCIDENT.rglob("*") if p.is_file()):
            out.write(path, path.relative_to(INCIDENT).as_posix())
    loaded = load_sources([archive], SourceOptions())
    assert [(record.path, record.format) for record in loaded.inputs] == [
        (f"{archive}:slack-export", "slack-export"),
        (f"{archive}:deploys.csv", "deploy-history"),
        (f"{archive}:pagerduty-log-entries.json", "pagerduty-log-entries"),
    ]
    unzipped = load_sources([INCIDENT], SourceOptions()).events
    assert [e.model_dump(exclude={"source"}) for e in loaded.events] == [
        e.model_dump(exclude={"source"}) for e in unzipped
    ]
