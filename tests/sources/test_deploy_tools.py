"""Deploy and change tools read from their samples: GitHub, Argo CD, Kubernetes, git, Heroku, Spinnaker.

Every sample tells INC-2025-0304 (checkout 1.42.0 shipped at 09:02 UTC, rolled back at 09:41), so
the asserted times are the ones in the samples' ground-truth table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind, TimelineKind
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def read(path: Path, fmt: str, tz: str | None = None) -> list[Event]:
    loaded = load_sources([path], SourceOptions(tz=zone(tz) if tz else None))
    assert [record.format for record in loaded.inputs] == [fmt]
    assert all(event.format == fmt for event in loaded.events)
    return loaded.events


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(hms: str, day: int = 4, month: int = 3) -> datetime:
    hour, minute, second = (int(part) for part in hms.split(":"))
    return datetime(2025, month, day, hour, minute, second, tzinfo=UTC)


def skipped(path: Path, tz: str | None = None) -> list[str]:
    return load_sources([path], SourceOptions(tz=zone(tz) if tz else None)).warnings


# --- GitHub deployments and statuses ------------------------------------------------------------


def test_github_deployments_sample() -> None:
    events = read(SAMPLES / "github" / "deployments.json", "github-deployments")
    assert [e.ts for e in events] == [at("09:02:10"), at("09:41:05")]  # oldest first; the API lists newest first
    assert [e.signal for e in events] == [Signal.DEPLOY, Signal.ROLLBACK]
    assert [(e.actor, e.actor_kind) for e in events] == [
        ("github-actions[bot]", ActorKind.BOT),
        ("zoe-odegard", ActorKind.HUMAN),
    ]
    assert events[0].text == (
        "Deployment 2048011876 of main (9f8e7d6) to production created: Deploy train 2025-03-04 09:00 UTC: "
        "checkout-service 1.42.0"
    )
    assert events[1].meta["task"] == "deploy:rollback"
    assert (events[1].native_id, events[1].ref) == ("2048190331", "record 1 (2048190331)")
    assert {e.kind for e in events} == {SourceKind.DEPLOY}


def test_github_statuses_keep_final_states_and_count_the_rest() -> None:
    path = SAMPLES / "github" / "deployment_statuses_2048011876.json"
    loaded = load_sources([path], SourceOptions())
    [success] = loaded.events
    assert (success.ts, success.signal, success.actor_kind) == (at("09:03:38"), Signal.DEPLOY, ActorKind.BOT)
    assert success.text == "Deployment 2048011876 to production succeeded: Argo CD synced: history 41"
    # "inactive" is GitHub superseding an older deployment, not a rollback: counted, not an event.
    assert loaded.inputs[0].dropped == {"in_progress status": 1, "inactive status": 1, "queued status": 1}
    [rolled_back] = read(SAMPLES / "github" / "deployment_statuses_2048190331.json", "github-deployments")
    assert (rolled_back.ts, rolled_back.signal, rolled_back.actor) == (at("09:41:21"), Signal.ROLLBACK, "zoe-odegard")


def test_github_deployment_without_created_at_is_skipped_with_its_position(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deployments.json",
        '[{"id": 1, "statuses_url": "u", "environment": "prod", "ref": "main", "created_at": "2025-03-04T09:02:10Z"},'
        ' {"id": 2, "statuses_url": "u"}, "not an object"]',
    )
    [event] = read(path, "github-deployments")
    assert (event.native_id, event.actor, event.actor_kind) == ("1", "GitHub", ActorKind.SYSTEM)
    assert skipped(path) == [
        f"skipped {path}:record 2: record has no created_at",
        f"skipped {path}:record 3: record is not a JSON object",
    ]


# --- GitHub Actions -------------------------------------------------------------------------------


def test_github_workflow_runs_sample() -> None:
    events = read(SAMPLES / "github" / "workflow_runs.json", "github-actions-runs")
    assert [e.ts for e in events] == [at("16:19:40", day=3), at("08:55:05"), at("09:40:33")]  # run_started_at
    assert [e.signal for e in events] == [Signal.DEPLOY, Signal.DEPLOY, Signal.ROLLBACK]
    assert [e.actor for e in events] == ["priya-n", "zoe-odegard", "zoe-odegard"]
    assert events[1].text == (
        "Workflow Deploy production run #1187 (schedule, main): success — Tune checkout cache TTL and pool size (#4812)"
    )
    assert events[1].meta["updated_at"] == "2025-03-04T09:03:41Z"


def test_gh_run_list_json(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "runs.json",
        '[{"conclusion": "success", "createdAt": "2025-03-04T09:40:31Z", "databaseId": 13650901234,'
        ' "displayTitle": "Roll back checkout to 1.41.3", "event": "workflow_dispatch", "headBranch": "v1.41.3",'
        ' "headSha": "4b7e0a1", "name": "Rollback production", "number": 58, "startedAt": "2025-03-04T09:40:33Z",'
        ' "status": "completed", "updatedAt": "2025-03-04T09:41:24Z", "workflowName": "Rollback production"}]',
    )
    [run] = read(path, "github-actions-runs")
    assert (run.ts, run.signal, run.native_id, run.actor) == (at("09:40:33"), Signal.ROLLBACK, "13650901234", "GitHub")
    assert run.text == (
        "Workflow Rollback production run #58 (workflow_dispatch, v1.41.3): success — Roll back checkout to 1.41.3"
    )


def test_workflow_runs_that_do_not_ship_are_builds_and_naive_times_need_tz(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "runs.json",
        '{"workflow_runs": [{"id": 7, "name": "CI", "path": ".github/workflows/test.yml", "run_number": 3,'
        ' "status": "completed", "conclusion": "failure", "created_at": "2025-03-04 09:00:00",'
        ' "actor": {"login": "dependabot[bot]", "type": "Bot"}}]}',
    )
    with pytest.raises(InputError, match=r"runs\.json:record 1: time has no time zone; pass --tz"):
        read(path, "github-actions-runs")
    [run] = read(path, "github-actions-runs", tz="Europe/Berlin")
    assert (run.ts, run.signal, run.actor_kind) == (at("08:00:00"), Signal.BUILD, ActorKind.BOT)
    assert run.text == "Workflow CI run #3: failure"


# --- Argo CD ----------------------------------------------------------------------------------------


def test_argocd_application_history_sample() -> None:
    events = read(SAMPLES / "argocd" / "application_checkout.json", "argocd-application")
    assert [e.ts for e in events] == [at("14:12:40", 27, 2), at("16:20:11", 3), at("09:02:37"), at("09:41:19")]
    # History 42 returns to history 40's revision: Argo CD records a rollback only that way.
    assert [e.signal for e in events] == [Signal.DEPLOY] * 3 + [Signal.ROLLBACK]
    assert [(e.actor, e.actor_kind) for e in events[2:]] == [
        ("Argo CD auto-sync", ActorKind.BOT),
        ("zoe.odegard@acme.example", ActorKind.HUMAN),
    ]
    assert events[2].text == "Argo CD synced checkout to revision 5be0c2d (history 41)"
    assert events[2].meta["deploy_started_at"] == "2025-03-04T09:02:21Z"


def test_argocd_list_of_applications_keeps_each_apps_revisions_apart(tmp_path: Path) -> None:
    def app(name: str, revisions: list[str]) -> str:
        history = ",".join(
            f'{{"id": {i}, "revision": "{rev}", "deployedAt": "2025-03-04T09:0{i}:00Z"}}'
            for i, rev in enumerate(revisions, start=1)
        )
        return f'{{"kind": "Application", "metadata": {{"name": "{name}"}}, "status": {{"history": [{history}]}}}}'

    path = write(
        tmp_path, "apps.json", f'{{"kind": "List", "items": [{app("cart", ["a", "b"])}, {app("pay", ["b"])}]}}'
    )
    events = read(path, "argocd-application")
    # "b" in pay is not a return to cart's "b": revisions are compared within one application.
    assert [(e.ref, e.signal) for e in events] == [
        ("cart history 1 (id 1)", Signal.DEPLOY),
        ("pay history 1 (id 1)", Signal.DEPLOY),
        ("cart history 2 (id 2)", Signal.DEPLOY),
    ]
    assert [e.meta["app"] for e in events] == ["cart", "pay", "cart"]


def test_argocd_cli_history_sample_reads_the_numeric_offset() -> None:
    events = read(SAMPLES / "argocd" / "argocd_app_history_checkout.txt", "argocd-history-text")
    # "2025-03-04 01:02:37 -0800 PST" is the CLI host's local time; the same instants as the JSON.
    assert [e.ts for e in events] == [at("14:12:40", 27, 2), at("16:20:11", 3), at("09:02:37"), at("09:41:19")]
    assert [e.signal for e in events] == [Signal.DEPLOY] * 3 + [Signal.ROLLBACK]
    assert [e.ref for e in events] == ["line 3 (id 39)", "line 4 (id 40)", "line 5 (id 41)", "line 6 (id 42)"]
    assert events[3].meta == {"repo": "https://github.com/acme/deploy-config.git", "revision": "main (e3d9a77)"}


def test_argocd_cli_rows_that_do_not_parse_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "history.txt",
        "ID  DATE                           REVISION\n"
        "1   2025-03-04 10:02:37 +0100 CET  v1.2.0\n"
        "2   yesterday                      v1.3.0\n",
    )
    [event] = read(path, "argocd-history-text")
    assert event.ts == at("09:02:37")
    assert skipped(path) == [f"skipped {path}:line 3: not an `ID  DATE  REVISION` row"]


# --- Kubernetes ---------------------------------------------------------------------------------------


def test_kubernetes_events_sample() -> None:
    events = read(SAMPLES / "kubernetes" / "events_checkout.json", "kubernetes-events")
    assert len(events) == 11
    assert {(e.kind, e.actor_kind, e.signal) for e in events} == {(SourceKind.STATUS, ActorKind.SYSTEM, None)}
    # The scheduler's event has null timestamps and only eventTime (µs).
    scheduled = next(e for e in events if e.meta["reason"] == "Scheduled")
    assert (scheduled.ts, scheduled.actor) == (datetime(2025, 3, 4, 9, 2, 37, 412906, tzinfo=UTC), "default-scheduler")
    # 87 probe failures over 35 minutes are one event at the first, with the count and the last.
    unhealthy = next(e for e in events if e.meta["reason"] == "Unhealthy")
    assert unhealthy.ts == at("09:06:12")
    assert unhealthy.text.startswith("Warning Pod/checkout-7d9f8c6b5d-x2x9q: Unhealthy: Readiness probe failed")
    assert unhealthy.text.endswith("(87 times until 2025-03-04 09:40:58 UTC)")
    assert (unhealthy.meta["count"], unhealthy.meta["last_seen"]) == (87, "2025-03-04T09:40:58+00:00")
    assert events[-1].ts == at("09:42:06")


def test_kubernetes_event_without_any_time_is_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "events.json",
        '{"kind": "List", "items": ['
        '{"kind": "Event", "reason": "Killing", "message": "Stopping", "involvedObject": {"kind": "Pod", "name": "p"},'
        ' "lastTimestamp": "2025-03-04T09:42:06Z", "firstTimestamp": null},'
        '{"kind": "Event", "reason": "BackOff", "involvedObject": {"kind": "Pod", "name": "p"}}]}',
    )
    [event] = read(path, "kubernetes-events")
    assert (event.ts, event.text, event.actor) == (at("09:42:06"), "Pod/p: Killing: Stopping", "kubernetes")
    assert skipped(path) == [
        f"skipped {path}:item 2: event has no time (no timestamps, eventTime or creationTimestamp)"
    ]


def test_kubectl_rollout_history_has_no_times_and_says_what_to_pass_instead() -> None:
    path = SAMPLES / "kubernetes" / "kubectl_rollout_history_checkout.txt"
    loaded = load_sources([path], SourceOptions())
    assert [record.format for record in loaded.inputs] == ["kubectl-rollout-history"]
    assert loaded.events == []
    assert len(loaded.warnings) == 3
    assert loaded.warnings[1] == (
        f"skipped {path}:line 4: revision 12 (argocd sync deploy-config@5be0c2d image=checkout-service:1.42.0) "
        "has no time: kubectl rollout history prints none; pass `kubectl get replicasets -o json` (when each "
        "revision rolled out) instead"
    )


def test_kubernetes_replicasets_give_each_revision_its_rollout_time() -> None:
    loaded = load_sources([SAMPLES / "kubernetes" / "replicasets_checkout.json"], SourceOptions())
    events = loaded.events
    assert [record.format for record in loaded.inputs] == ["kubernetes-replicasets"]
    assert [e.ts for e in events] == [at("16:05:10", 20, 2), at("16:20:09", 3), at("09:02:37")]
    assert [e.meta["revision"] for e in events] == ["10", "13", "12"]
    assert {(e.signal, e.actor_kind) for e in events} == {(Signal.DEPLOY, ActorKind.SYSTEM)}
    # Revision 13 reused revision 11's ReplicaSet: its creation is revision 11's rollout, not the rollback's.
    assert events[1].text == (
        "ReplicaSet checkout-5c6b7f9d88 created: revision 11, reused as revision 13 by a rollback (the ReplicaSet "
        "does not record when) — argocd sync deploy-config@e3d9a77 image=checkout-service:1.41.3"
    )
    assert events[2].text == (
        "ReplicaSet checkout-7d9f8c6b5d created: revision 12 — argocd sync deploy-config@5be0c2d "
        "image=checkout-service:1.42.0"
    )


def test_replica_sets_without_a_revision_are_counted_and_without_a_time_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rs.json",
        '{"kind": "List", "items": ['
        '{"kind": "ReplicaSet", "metadata": {"name": "a", "creationTimestamp": "2025-03-04T09:02:37Z",'
        ' "annotations": {"deployment.kubernetes.io/revision": "2"}}},'
        '{"kind": "ReplicaSet", "metadata": {"name": "b", "creationTimestamp": "2025-03-04T09:02:37Z"}},'
        '{"kind": "ReplicaSet", "metadata": {"name": "c", "annotations": {"deployment.kubernetes.io/revision": "3"}}}'
        "]}",
    )
    loaded = load_sources([path], SourceOptions())
    assert [e.text for e in loaded.events] == ["ReplicaSet a created: revision 2"]
    assert loaded.inputs[0].dropped == {"replica set without a revision": 1}
    assert loaded.warnings == [f"skipped {path}:item 3: replica set has no creationTimestamp"]


# --- git log ------------------------------------------------------------------------------------------


def test_git_log_default_format_uses_the_author_date_with_its_offset() -> None:
    events = read(SAMPLES / "git" / "git_log_default.txt", "git-log")
    assert [e.native_id[:7] for e in events if e.native_id] == ["4b7e0a1", "9f8e7d6", "b7c8d9e", "c0ffee5"]
    # "Mon Mar 3 17:41:09 2025 +0100": the author date, the only one the default format prints.
    assert [e.ts for e in events] == [at("15:58:21", 3), at("16:41:09", 3), at("09:58:03"), at("10:05:19")]
    assert {(e.signal, e.kind) for e in events} == {(Signal.COMMIT, SourceKind.DEPLOY)}
    assert [(e.actor, e.actor_kind) for e in events[:2]] == [
        ("Marco Rossi", ActorKind.HUMAN),
        ("Zoë Ødegård", ActorKind.HUMAN),
    ]
    assert events[2].text == 'Commit b7c8d9e by Zoë Ødegård: Revert "Tune checkout cache TTL and pool size (#4812)"'
    assert (events[3].meta["merge"], events[3].meta["time_is"]) == (True, "author date")
    assert events[3].ref == "line 1 (c0ffee5)"


@pytest.mark.parametrize("sample", ["git_log_pretty.tsv", "git_log_pretty_us_rs.txt"])
def test_git_log_pretty_formats_use_the_commit_date(sample: str) -> None:
    events = read(SAMPLES / "git" / sample, "git-log")
    # 9f8e7d6 was authored on Mar 3 and squash-merged (committed) at 07:47:55 UTC on Mar 4.
    assert [e.ts for e in events] == [at("15:58:21", 3), at("07:47:55"), at("10:01:44"), at("10:05:19")]
    assert events[1].meta["authored"] == "2025-03-03T16:41:09+00:00"
    assert events[1].meta["time_is"] == "commit date"
    assert [e.actor for e in events] == ["Marco Rossi", "Zoë Ødegård", "Zoë Ødegård", "Zoë Ødegård"]
    assert events[1].text == "Commit 9f8e7d6 by Zoë Ødegård: Tune checkout cache TTL and pool size (#4812)"


def test_git_log_fuller_format_uses_the_commit_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fuller.txt",
        "commit 9f8e7d6c3b2a19f0e4d5c6b7a8f9e0d1c2b3a4f5\n"
        "Author:     Zoë Ødegård <zoe.odegard@acme.example>\n"
        "AuthorDate: Mon Mar 3 17:41:09 2025 +0100\n"
        "Commit:     GitHub <noreply@github.com>\n"
        "CommitDate: Tue Mar 4 08:47:55 2025 +0100\n"
        "\n"
        "    Tune checkout cache TTL and pool size (#4812)\n"
        "    \n"
        "    Reviewed-by: Marco Rossi\n",
    )
    [event] = read(path, "git-log")
    assert (event.ts, event.actor, event.meta["time_is"]) == (at("07:47:55"), "Zoë Ødegård", "commit date")
    assert event.text == "Commit 9f8e7d6 by Zoë Ødegård: Tune checkout cache TTL and pool size (#4812)"


def test_git_log_record_without_a_date_is_skipped_and_naive_dates_need_tz(tmp_path: Path) -> None:
    path = write(tmp_path, "git.log", "abc1234\t2025-03-04 10:00:00\tAna\tFix it\nabc1235\tAna\tno date here\n")
    with pytest.raises(InputError, match=r"git\.log:line 1: time has no time zone"):
        read(path, "git-log")
    [event] = read(path, "git-log", tz="Europe/Berlin")
    assert (event.ts, event.actor) == (at("09:00:00"), "Ana")
    assert skipped(path, tz="UTC") == [f"skipped {path}:line 2: commit has no date"]


# --- Heroku -------------------------------------------------------------------------------------------


def test_heroku_releases_sample() -> None:
    events = read(SAMPLES / "heroku" / "releases_acme-checkout-admin.json", "heroku-releases")
    assert [e.ts for e in events] == [at("14:02:55", 3), at("09:30:12"), at("09:44:02")]
    assert [e.signal for e in events] == [Signal.DEPLOY, Signal.CONFIG_CHANGE, Signal.ROLLBACK]
    assert [e.actor for e in events] == [
        "marco.rossi@acme.example",
        "zoe.odegard@acme.example",
        "zoe.odegard@acme.example",
    ]
    assert events[1].text == "Heroku release v312 of acme-checkout-admin: Set REDIS_POOL_SIZE config vars"
    assert events[2].ref == "record 1 (v313)"


def test_heroku_failed_release_says_so(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "releases.json",
        '[{"version": 9, "slug": null, "addon_plan_names": [], "status": "failed", "description": "Deploy ab12",'
        ' "created_at": "2025-03-04T09:00:00Z"}, {"version": 10, "slug": null, "addon_plan_names": []}]',
    )
    [event] = read(path, "heroku-releases")
    assert (event.text, event.actor, event.actor_kind) == (
        "Heroku release v9: Deploy ab12 (failed)",
        "Heroku",
        ActorKind.BOT,
    )
    assert skipped(path) == [f"skipped {path}:record 2: release has no created_at"]


# --- Spinnaker ----------------------------------------------------------------------------------------


def test_spinnaker_executions_sample() -> None:
    loaded = load_sources([SAMPLES / "spinnaker" / "executions_checkout.json"], SourceOptions())
    events = loaded.events
    assert [e.ref for e in events] == ["execution 1", "execution 1 stage 1", "execution 1 stage 2", "execution 1 end"]
    assert [e.ts for e in events] == [
        datetime(2025, 3, 4, 9, 5, 5, 310000, tzinfo=UTC),
        datetime(2025, 3, 4, 9, 5, 6, 2000, tzinfo=UTC),
        datetime(2025, 3, 4, 9, 6, 41, 901000, tzinfo=UTC),
        datetime(2025, 3, 4, 9, 25, 5, 871000, tzinfo=UTC),
    ]
    assert [e.signal for e in events] == [Signal.DEPLOY, None, None, None]
    assert [e.actor for e in events] == [
        "deploy-train@acme.example",
        "Spinnaker",
        "Spinnaker",
        "priya.natarajan@acme.example",
    ]
    assert events[3].text == (
        "Spinnaker pipeline Deploy checkout (eu-central-1 canary) ended CANCELED, canceled by "
        "priya.natarajan@acme.example: INC-2025-0304: halt 1.42.0 rollout"
    )
    assert loaded.inputs[0].dropped == {"stage not started": 1}


def test_spinnaker_rollback_stage_is_a_rollback(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "execution.json",
        '{"type": "PIPELINE", "name": "Fix checkout", "buildTime": 1, "startTime": 1741081262000, "stages": ['
        '{"name": "Undo", "type": "undoRolloutManifest", "status": "SUCCEEDED", "startTime": 1741081263000},'
        '{"name": "Check", "type": "wait", "status": "SUCCEEDED", "startTime": 1741081264000}]}',
    )
    assert [(e.ref, e.signal) for e in read(path, "spinnaker-executions")] == [
        ("execution 1", Signal.DEPLOY),
        ("execution 1 stage 1", Signal.ROLLBACK),
        ("execution 1 stage 2", None),
    ]


def test_spinnaker_stage_with_a_string_time_is_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "execution.json",
        '{"type": "PIPELINE", "name": "Rollback checkout", "buildTime": 1, "startTime": 1741081262000,'
        ' "stages": [{"name": "x", "type": "deployManifest", "status": "RUNNING", "startTime": "soon"}]}',
    )
    [event] = read(path, "spinnaker-executions")
    assert (event.ts, event.signal, event.actor_kind) == (at("09:41:02"), Signal.ROLLBACK, ActorKind.SYSTEM)
    assert skipped(path) == [f"skipped {path}:execution 1 stage 1: no startTime in epoch ms"]


# --- on the timeline ------------------------------------------------------------------------------


def test_signals_put_deploys_config_changes_and_rollbacks_on_the_timeline_but_not_commits() -> None:
    paths = [
        SAMPLES / "argocd" / "application_checkout.json",
        SAMPLES / "heroku" / "releases_acme-checkout-admin.json",
        SAMPLES / "git" / "git_log_default.txt",
        SAMPLES / "kubernetes" / "events_checkout.json",
    ]
    ingested = ingest(paths, SourceOptions())
    draft = draft_from(ingested)
    rows = [(entry.time, entry.kind, ingested.stream[entry.evidence[0]].format) for entry in draft.timeline]
    assert (at("09:02:37"), TimelineKind.CHANGE, "argocd-application") in rows
    assert (at("09:30:12"), TimelineKind.CHANGE, "heroku-releases") in rows
    assert (at("09:41:19"), TimelineKind.MITIGATION, "argocd-application") in rows
    assert (at("09:44:02"), TimelineKind.MITIGATION, "heroku-releases") in rows
    assert "git-log" not in {fmt for _, _, fmt in rows}


# --- damaged values are skipped records, never crashes --------------------------------------------


DAMAGED = [
    pytest.param(
        "history.txt",
        "ID  DATE                           REVISION\n"
        "1   2025-03-04 10:02:37 +0100 CET  v1\n"
        "2   2025-02-30 10:02:37 +0100 CET  v2\n",
        "argocd-history-text",
        "line 3: cannot read 2025-02-30 10:02:37 +0100 as a date",
        id="argocd-impossible-day",
    ),
    pytest.param(
        "execution.json",
        '[{"type": "PIPELINE", "name": "Deploy", "buildTime": 1, "startTime": 1741079105310, "stages": true},'
        ' {"type": "PIPELINE", "name": "Deploy", "buildTime": 1, "startTime": 99999999999999999999, "stages": []}]',
        "spinnaker-executions",
        "execution 2: 'startTime/endTime' is 99999999999999999999, not a time in epoch milliseconds",
        id="spinnaker-stages-not-a-list-and-time-out-of-range",
    ),
    pytest.param(
        "git.log",
        "abc1234\t2025-03-04T10:00:00+01:00\tAna\tFix it\nabc1235\t2025-03-04T10:00:00+99:01\tAna\tBad offset\n",
        "git-log",
        "line 2: cannot read '2025-03-04T10:00:00+99:01' as a date and time",
        id="git-offset-out-of-range",
    ),
    pytest.param(
        "log.csv",
        'ts,message\n2025-03-04T09:00:00Z,fine row\n2025-03-04T09:01:00Z,"' + "x" * 140_000 + '"\n',
        "records",
        "line 3: unreadable CSV row: field larger than field limit (131072)",
        id="csv-cell-over-the-csv-modules-limit",
    ),
    pytest.param(
        "log.jsonl",
        # Past the records that sniffing samples, which must all hold times.
        '{"ts": 1741079105, "message": "fine"}\n' * 25 + '{"ts": 1e300, "message": "far future"}\n',
        "records",
        "line 26: 'time' is 1e+300, not a time in epoch milliseconds",
        id="records-epoch-out-of-range",
    ),
]


@pytest.mark.parametrize(("name", "text", "fmt", "warning"), DAMAGED)
def test_damaged_values_are_skipped(tmp_path: Path, name: str, text: str, fmt: str, warning: str) -> None:
    path = write(tmp_path, name, text)
    loaded = load_sources([path], SourceOptions())
    assert [record.format for record in loaded.inputs] == [fmt]
    assert len(loaded.events) >= 1
    assert loaded.warnings == [f"skipped {path}:{warning}"]


def test_deploys_interleave_with_pages_and_chat_in_one_stream() -> None:
    paths = [
        SAMPLES / "slack" / "acme-slack-export-2025-03-05.zip",
        SAMPLES / "pagerduty" / "log_entries_Q1VX8CHKL4TZ0R.json",
        SAMPLES / "argocd" / "application_checkout.json",
        SAMPLES / "github" / "deployments.json",
        SAMPLES / "heroku" / "releases_acme-checkout-admin.json",
    ]
    stream = ingest(paths, SourceOptions()).stream
    moments = [(e.ts, e.format, e.signal) for e in stream if e.ts.day == 4 and e.ts.hour == 9]
    assert moments == sorted(moments, key=lambda moment: moment[0])
    order = [(fmt, signal) for _, fmt, signal in moments if signal is not None]
    # Shipped (GitHub 09:02:10, Argo CD 09:02:37), paged (09:10:01), rolled back (09:41:05, 09:41:19,
    # Heroku 09:44:02), resolved (09:55:01).
    deploy, page, rollback = (
        order.index(("argocd-application", Signal.DEPLOY)),
        order.index(("pagerduty-log-entries", Signal.PAGE_TRIGGERED)),
        order.index(("argocd-application", Signal.ROLLBACK)),
    )
    assert order.index(("github-deployments", Signal.DEPLOY)) < deploy < page < rollback
    assert (
        rollback
        < order.index(("heroku-releases", Signal.ROLLBACK))
        < order.index(("pagerduty-log-entries", Signal.PAGE_RESOLVED))
    )
    assert {"slack-export"} <= {fmt for _, fmt, _ in moments}
