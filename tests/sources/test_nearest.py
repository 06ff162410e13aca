"""A file no adapter reads: the error names the nearest formats, what each lacks, and the ways out."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.base import Adapter, Document
from postmortem_writer.sources.nearest import nearest
from postmortem_writer.sources.registry import BUNDLE_ADAPTERS, DOCUMENT_ADAPTERS

# Each case: file name, content, the nearest formats in order, and a fragment of what the first lacks.
CASES = [
    pytest.param(
        "deployments.json",
        '[{"id": 1, "sha": "abc", "environment": "production", "created_at": "2025-03-04T09:00:00Z",'
        ' "creator": {"login": "x"}}]',
        ["github-deployments", "deploy-history", "records"],
        "github-deployments (has created_at, environment, sha, creator; lacks statuses_url)",
        id="github-deployment-without-statuses-url",
    ),
    pytest.param(
        "builds.csv",
        "time,job,result\n2025-03-04T09:00:00Z,build,ok\n",
        ["deploy-history", "records"],
        "deploy-history (has a time column; lacks a service or version column)",
        id="csv-without-service-or-text",
    ),
    pytest.param(
        "rollout.txt",
        "deployment.apps/checkout\nREV  CAUSE\n3    <none>\n",
        ["kubectl-rollout-history"],
        "lacks a `REVISION  CHANGE-CAUSE` header",
        id="rollout-history-with-a-renamed-header",
    ),
    pytest.param(
        "releases.json",
        '[{"version": 312, "description": "Set FOO config vars", "user": {"email": "a@b.example"}}]',
        ["records", "deploy-history", "heroku-releases"],
        "records (has text field, actor field; lacks time field)",
        id="records-without-a-time",
    ),
    pytest.param(
        "app.json",
        '{"kind": "Application", "status": {"sync": {"status": "Synced"}}}',
        ["argocd-application", "kubernetes-replicasets", "kubernetes-events"],
        "argocd-application (has kind, status; lacks history, deployedAt, revision)",
        id="argocd-app-without-history",
    ),
    pytest.param(
        "opsgenie-webhook.json",
        '{"action": "Create", "alert": {"message": "p99 above 2s", "createdAt": 1741079400000}}',
        ["opsgenie", "records", "kubernetes-events"],
        "opsgenie (has createdAt, message, action; lacks tinyId, requestId)",
        id="opsgenie-webhook-without-alert-id",
    ),
    pytest.param(
        "alertmanager.json",
        '{"receiver": "x", "status": "firing", "alerts": [{"labels": {"alertname": "A"},'
        ' "startsAt": "2025-03-04T09:00:00Z"}], "version": "4"}',
        ["alertmanager", "grafana-webhook", "deploy-history"],
        "alertmanager (has alerts, startsAt, labels, version; lacks groupKey)",
        id="alertmanager-payload-without-group-key",
    ),
    pytest.param(
        "teams.json",
        '{"value": [{"id": "1741079520123", "createdDateTime": "2025-03-04T09:12:00Z", "body": {"content": "hi"},'
        ' "from": {"user": {"displayName": "Marco"}}}]}',
        ["teams", "records", "slack-day-file"],
        "teams (has value, createdDateTime, body, from; lacks messageType)",
        id="teams-messages-without-message-type",
    ),
    pytest.param(
        "git.txt",
        "Author: Ana <ana@example.com>\nDate:   Tue Mar 4 10:58:03 2025 +0100\n\n    Fix\n",
        ["git-log"],
        "git-log (has `Author:`/`Date:` headers or ISO dates; lacks `commit <hash>` lines)",
        id="git-log-without-commit-lines",
    ),
]


@pytest.mark.parametrize(("name", "text", "formats", "first"), CASES)
def test_error_names_the_nearest_formats(tmp_path: Path, name: str, text: str, formats: list[str], first: str) -> None:
    doc = Document(name, text.encode())
    assert [candidate.name for candidate in nearest(doc, DOCUMENT_ADAPTERS)] == formats
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sources([path], SourceOptions())
    message = str(caught.value)
    assert message.startswith(f"{path}: not a format we read; nearest: ")
    assert first in message
    assert "--source-format NAME" in message
    assert "--map time=FIELD,text=FIELD" in message


def test_at_most_three_candidates_best_first() -> None:
    doc = Document("x.json", b'[{"created_at": "2025-03-04T09:00:00Z", "version": 1, "description": "d"}]')
    found = nearest(doc, DOCUMENT_ADAPTERS)
    assert len(found) == 3
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_prose_has_no_candidates_and_keeps_the_list_of_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Some prose about the weather.\n", encoding="utf-8")
    assert nearest(Document(path.name, path.read_bytes()), DOCUMENT_ADAPTERS) == []
    known = r"not a format we read \(known: .*git-log.*; force one with --source-format\)"
    with pytest.raises(InputError, match=known):
        load_sources([path], SourceOptions())


def test_a_folder_member_no_adapter_reads_is_a_warning_with_its_nearest(tmp_path: Path) -> None:
    (tmp_path / "builds.csv").write_text("time,job,result\n2025-03-04T09:00:00Z,build,ok\n", encoding="utf-8")
    (tmp_path / "log.csv").write_text("ts,message\n2025-03-04T09:00:00Z,hello there\n", encoding="utf-8")
    loaded = load_sources([tmp_path], SourceOptions())
    assert [record.format for record in loaded.inputs] == ["records"]
    [warning] = loaded.warnings
    assert warning.startswith(f"{tmp_path / 'builds.csv'}: skipped, not a format we read; nearest: deploy-history")


@pytest.mark.parametrize("adapter", [*BUNDLE_ADAPTERS, *DOCUMENT_ADAPTERS], ids=lambda adapter: adapter.name)
def test_every_adapter_declares_its_signature(adapter: Adapter) -> None:
    # Free text and archives have nothing to compare; every other format names its features.
    free = {"slack-export", "zulip-export", "chat-text", "timestamped-log"}
    assert isinstance(adapter.signature, tuple)
    assert bool(adapter.signature) is (adapter.name not in free)
    assert all(feature and all(isinstance(alt, str) for alt in feature) for feature in adapter.signature)
