"""CliRunner tests of every command, on the bundled sample incident and on bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortem_writer import __version__
from postmortem_writer.cli import cli
from postmortem_writer.models import Draft


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["draft"],
        ["ingest"],
        ["redact"],
        ["formats"],
        ["lint"],
        ["reword"],
        ["eval"],
        ["eval", "compare"],
        ["history"],
    ],
)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_draft_writes_markdown_file(sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "pm.md"
    result = run("draft", str(sample_incident), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "DRAFT" in text
    for section in (
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Contributing factors",
        "## Action items",
        "## Open questions for the review meeting",
        "## Appendix: evidence index",
        "## Review checklist",
    ):
        assert section in text
    assert "wrote" in result.stderr


def test_draft_json_cites_only_existing_events_at_their_times(sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "pm.json"
    assert run("draft", str(sample_incident), "--format", "json", "-o", str(out)).exit_code == 0
    draft = Draft.model_validate_json(out.read_text(encoding="utf-8"))
    index = {event.id: event for event in draft.evidence_index}
    assert draft.cited_ids() <= set(index)
    assert draft.timeline
    for entry in draft.timeline:
        assert entry.time == min(index[i].ts for i in entry.evidence)
    kinds = {entry.kind.value for entry in draft.timeline}
    assert {"detection", "mitigation", "resolution"} <= kinds


def test_draft_to_stdout_and_title(sample_incident: Path) -> None:
    result = run("draft", str(sample_incident), "--title", "Checkout latency in EU")
    assert result.exit_code == 0
    assert "# Checkout latency in EU" in result.stdout.splitlines()


def test_draft_header_names_the_authors_given_and_escapes_them(sample_incident: Path) -> None:
    result = run("draft", str(sample_incident), "--author", "Priya Natarajan", "--author", "Zoë | <b>Ø</b>")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if line.startswith("| Authors |"))
    assert "Priya Natarajan, Zoë \\| " in header
    assert "<b>" not in header
    assert "| Status | Draft |" in result.stdout


def test_draft_refuses_to_overwrite_without_force(sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "pm.md"
    out.write_text("my edits", encoding="utf-8")
    result = run("draft", str(sample_incident), "-o", str(out))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "my edits"
    assert run("draft", str(sample_incident), "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("> [!WARNING]")
    assert [p.name for p in tmp_path.iterdir()] == ["pm.md"]  # no temporary file left behind


def test_ingest_jsonl_has_the_public_fields(sample_incident: Path) -> None:
    result = run("ingest", str(sample_incident), "--format", "jsonl")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [f"E{n}" for n in range(1, len(lines) + 1)]
    for line in lines:
        assert {"id", "ts", "source", "actor", "text"} <= set(line)
        assert line["ts"].endswith("Z")
    assert lines == sorted(lines, key=lambda line: line["ts"])


def test_ingest_table(sample_incident: Path) -> None:
    result = run("ingest", str(sample_incident))
    assert result.exit_code == 0
    assert result.stdout.startswith("| Id | Time (UTC) |")
    assert re.search(r"\| E1 \| 2025-03-0\d \d\d:\d\d:\d\d \|", result.stdout)


def test_ingest_says_per_source_what_was_read_and_left_out(sample_incident: Path) -> None:
    result = run("ingest", str(sample_incident))
    lines = result.stderr.splitlines()
    assert (
        f"{sample_incident}/slack-export: slack-export, 36 events; 6 channel_join dropped, 1 tombstone dropped" in lines
    )
    assert f"{sample_incident}/deploys.csv: deploy-history, 6 events" in lines
    assert lines[-1] == "52 events from 3 source(s)"


def test_formats_lists_every_adapter() -> None:
    from postmortem_writer.sources import adapter_names

    result = run("formats")
    assert result.exit_code == 0
    for name in adapter_names():
        assert name in result.stdout


def _bad(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        pytest.param(
            "pd.json", b'{"log_entries": [\n  {"id": "R1",\n', [], r"pd\.json:3:1: malformed JSON", id="malformed-json"
        ),
        pytest.param(
            "notes.txt",
            b"Some prose about the weather.\nNothing else.\n",
            [],
            r"notes\.txt: not a format we read",
            id="unknown-format",
        ),
        pytest.param("blob.bin", b"\x00\x01\x02binary", [], r"blob\.bin: not a text file", id="not-text"),
        pytest.param(
            "chat.txt",
            b"[09:17] Priya: I'm IC\n[09:19] Marco: p99 is 2.4s\n",
            ["--date", "2025-03-04"],
            r"chat\.txt:line 1: .*--tz",
            id="no-zone",
        ),
        pytest.param(
            "chat.txt",
            b"[09:17] Priya: I'm IC\n[09:19] Marco: p99 is 2.4s\n",
            ["--tz", "UTC"],
            r"chat\.txt:line 1: .*--date",
            id="no-date",
        ),
        pytest.param(
            "deploys.csv",
            b"time,service,version\n2025-03-04 09:02,checkout,1.42.0\n",
            [],
            r"deploys\.csv:line 2: .*--tz",
            id="csv-no-zone",
        ),
        pytest.param(
            "chat.txt",
            b"[09:17] Priya: I'm IC\n[09:19] Marco: p99 is 2.4s\n",
            ["--tz", "Mars/Olympus"],
            r"unknown time zone 'Mars/Olympus'",
            id="bad-zone",
        ),
        pytest.param(
            "log.csv",
            b"ts,message\n2025-03-04T09:17:05Z,hi there\n",
            ["--map", "time:ts"],
            r"--map 'time:ts': expected ROLE=FIELD pairs",
            id="bad-map-syntax",
        ),
        pytest.param(
            "log.csv",
            b"ts,message\n2025-03-04T09:17:05Z,hi there\n",
            ["--map", "text=msg"],
            r"log\.csv: --map text=msg: no field 'msg' in this file \(fields: ts, message\)",
            id="mapped-field-missing",
        ),
        pytest.param(
            "deployments.json",
            b'[{"id": 1, "sha": "abc", "environment": "production", "created_at": "2025-03-04T09:00:00Z"}]',
            [],
            r"deployments\.json: not a format we read; nearest: github-deployments \(.*lacks statuses_url",
            id="nearest-candidates",
        ),
        pytest.param(
            "rollout.txt",
            b"deployment.apps/checkout \nREVISION  CHANGE-CAUSE\n12        <none>\n",
            [],
            r"no events found in the sources \(skipped .*line 3: revision 12 \(<none>\) has no time",
            id="rollout-history-alone",
        ),
    ],
)
@pytest.mark.parametrize("command", ["draft", "ingest"])
def test_bad_input_is_one_clear_line(
    tmp_path: Path, command: str, name: str, content: bytes, args: list[str], message: str
) -> None:
    path = _bad(tmp_path, name, content)
    result = run(command, str(path), *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in result.output


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("draft", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "holds no files" in result.stderr


def test_missing_path_is_one_line(tmp_path: Path) -> None:
    result = run("draft", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.json'}: no such file or folder"


def test_map_names_the_fields_of_records(tmp_path: Path) -> None:
    path = _bad(tmp_path, "app.jsonl", b'{"at": 1741079825, "log": {"msg": "pool exhausted"}, "host": "web-1"}\n')
    result = run("ingest", str(path), "--map", "time=at,text=log.msg,actor=host", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    event = json.loads(result.stdout)
    assert (event["ts"], event["text"], event["actor"], event["format"]) == (
        "2025-03-04T09:17:05.000000Z",
        "pool exhausted",
        "web-1",
        "records",
    )


def test_source_format_override(tmp_path: Path) -> None:
    path = _bad(tmp_path, "odd.log", b"[09:17] Priya: I'm IC\n")
    result = run("ingest", str(path), "--source-format", "chat-text", "--date", "2025-03-04", "--tz", "UTC")
    assert result.exit_code == 0, result.stderr
    assert "09:17:00" in result.stdout


def test_env_prefix_sets_options(sample_incident: Path, tmp_path: Path) -> None:
    path = _bad(tmp_path, "chat.txt", b"[09:17] Priya: I'm IC\n[09:19] Marco: p99 is 2.4s\n")
    result = CliRunner().invoke(
        cli,
        ["ingest", str(path)],
        env={"POSTMORTEM_INGEST_TZ": "UTC", "POSTMORTEM_INGEST_DATE": "2025-03-04"},
        auto_envvar_prefix="POSTMORTEM",
    )
    assert result.exit_code == 0, result.stderr
    assert "2025-03-04 09:17:00" in result.stdout


def test_folder_reads_what_it_can_and_warns_about_the_rest(sample_incident: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "deploys.csv").write_bytes((sample_incident / "deploys.csv").read_bytes())
    (folder / "notes.txt").write_text("Remember to buy milk.\n", encoding="utf-8")
    result = run("ingest", str(folder))
    assert result.exit_code == 0, result.stderr
    assert f"warning: {folder / 'notes.txt'}: skipped, not a format we read" in result.stderr
    assert "6 events from 1 source(s)" in result.stderr


def test_files_beside_a_slack_export_are_read_too(sample_incident: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(sample_incident / "slack-export", folder)
    shutil.copy(sample_incident / "deploys.csv", folder)
    shutil.copy(sample_incident / "pagerduty-log-entries.json", folder)
    result = run("ingest", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "52 events from 3 source(s)" in result.stderr


def test_draft_of_a_long_chat_is_capped_unless_all(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    # Four minutes apart: closer repeats are one moment already in the draft itself.
    lines = [f"[{m // 15:02d}:{m % 15 * 4:02d}] Alertmanager: [FIRING:1] CheckoutErrorRate #{m}" for m in range(100)]
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    short, full = tmp_path / "short.md", tmp_path / "full.md"
    common = ("draft", str(chat), "--date", "2025-03-04", "--tz", "UTC")
    assert run(*common, "-o", str(short)).exit_code == 0
    assert run(*common, "--all", "-o", str(full)).exit_code == 0
    assert "99 more timeline rows not shown (99 near-duplicates folded)" in short.read_text(encoding="utf-8")
    assert full.read_text(encoding="utf-8").count("[FIRING:1] CheckoutErrorRate #") >= 100
