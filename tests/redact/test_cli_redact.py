"""``postmortem redact`` and the privacy options of ``postmortem draft``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortem_writer.cli import cli
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder

NAMES = ("Priya", "Natarajan", "Marco", "Kai Lindqvist", "Sam Okafor", "Zoë")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def test_redact_shows_the_lines_a_model_reads(sample_incident: Path) -> None:
    result = run("redact", str(sample_incident))
    assert result.exit_code == 0, result.output
    assert "zoe.odegard@acme.example" not in result.stdout
    assert "[EMAIL-2]" in result.stdout
    assert result.stdout.splitlines()[0] == "--- 2025-03-03 ---"
    assert any(
        line.startswith("E16 09:16 #inc-checkout-latency incident-bot [bot]:") for line in result.stdout.splitlines()
    )
    assert "replaced 2 email (distinct values) in" in result.stderr


def test_redact_mapping_lists_each_placeholder_and_its_value(sample_incident: Path) -> None:
    result = run("redact", str(sample_incident), "--format", "mapping", "--pseudonymize")
    assert result.exit_code == 0
    assert "| [EMAIL-1] | email | email | E28 | sam.okafor@acme.example |" in result.stdout
    assert "| Incident commander | person | pseudonym | | Priya Natarajan |" in result.stdout


def test_redact_jsonl_keeps_ids_and_times(sample_incident: Path) -> None:
    plain = run("ingest", str(sample_incident), "--format", "jsonl").stdout.splitlines()
    redacted = run("redact", str(sample_incident), "--format", "jsonl", "--pseudonymize").stdout.splitlines()
    assert [(json.loads(a)["id"], json.loads(a)["ts"]) for a in plain] == [
        (json.loads(b)["id"], json.loads(b)["ts"]) for b in redacted
    ]
    assert not any(name in line for line in redacted for name in NAMES)


def test_kept_kinds_stay(sample_incident: Path) -> None:
    result = run("redact", str(sample_incident), "--keep", "email")
    assert "zoe.odegard@acme.example" in result.stdout
    assert "replaced nothing" in result.stderr


def test_the_config_file_redact_table(sample_incident: Path, tmp_path: Path) -> None:
    config = tmp_path / "pm.toml"
    config.write_text('[redact]\nallow = ["sam.okafor@acme.example"]\nphone_region = "DE"\n', encoding="utf-8")
    result = run("redact", str(sample_incident), "--config", str(config), "--format", "mapping")
    assert "sam.okafor" not in result.stdout
    assert "zoe.odegard@acme.example" in result.stdout


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--phone-region", "XX"], None, "error: unknown phone region 'XX'"),
        ([], "[redact]\nkeep = ['passwords']\n", "[redact] keep: must list kinds among: secret, email"),
        ([], "[redact]\nsecrets = true\n", "[redact] unknown setting 'secrets'"),
        (["--keep", "emails"], None, "Invalid value for '--keep'"),
    ],
    ids=["bad-region", "bad-kind-in-config", "unknown-config-key", "bad-kind-flag"],
)
def test_bad_privacy_settings_are_one_line(
    sample_incident: Path, tmp_path: Path, args: list[str], config: str | None, message: str
) -> None:
    if config is not None:
        (tmp_path / "pm.toml").write_text(config, encoding="utf-8")
        args = [*args, "--config", str(tmp_path / "pm.toml")]
    result = run("redact", str(sample_incident), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_rehydrate_says_when_there_is_nothing_to_put_back(sample_incident: Path, tmp_path: Path) -> None:
    result = run("draft", str(sample_incident), "-o", str(tmp_path / "pm.md"), "--rehydrate")
    assert result.exit_code == 0
    assert "note: --rehydrate had nothing to put back: nothing was redacted" in result.stderr


def test_a_rules_draft_can_be_redacted_for_sharing(sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "pm.md"
    result = run("draft", str(sample_incident), "-o", str(out), "--redact")
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "zoe.odegard@acme.example" not in text
    assert "[EMAIL-2]" in text
    assert "redacted before analysis: 2 emails (placeholders kept in the draft)" in result.stderr


def test_a_model_draft_is_redacted_by_default_and_pseudonyms_reach_no_request(
    sample_incident: Path, tmp_path: Path
) -> None:
    with LoopbackServer(responder=citing_responder()) as server:
        env = {"OPENAI_BASE_URL": server.url, "POSTMORTEM_MODEL": "m"}
        result = run("draft", str(sample_incident), "-o", str(tmp_path / "a.md"), "--no-cache", env=env)
        assert result.exit_code == 0, result.output
        assert "redacted before analysis: 2 emails" in result.stderr
        sent = json.dumps(server.requests)
        assert "@acme.example" not in sent
        assert "Priya" in sent, "names are sent unless --pseudonymize"
        server.requests.clear()
        result = run(
            "draft", str(sample_incident), "-o", str(tmp_path / "b.md"), "--no-cache", "--pseudonymize", env=env
        )
        assert result.exit_code == 0, result.output
        sent = json.dumps(server.requests, ensure_ascii=False)
        assert server.requests
        assert [name for name in NAMES if name in sent] == []
        assert "Incident commander" in sent
    draft = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert [name for name in NAMES if name in draft] == []
    assert "Redacted before analysis" in draft


def test_redact_marks_the_messages_withheld_as_prompt_injection() -> None:
    hostile = Path(__file__).resolve().parents[2] / "fixtures" / "hostile" / "sources"
    lines = run("redact", str(hostile)).stdout.splitlines()
    withheld = [line for line in lines if line.startswith("# withheld, never sent: E")]
    assert len(withheld) == 29
    assert not any("Ignore previous instructions" in line for line in lines if line not in withheld)


def test_redact_numbers_placeholders_as_the_draft_does(sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.json"
    assert run("draft", str(sample_incident), "--redact", "--format", "json", "-o", str(out)).exit_code == 0
    index = json.loads(out.read_text(encoding="utf-8"))["evidence_index"]
    shown = {
        json.loads(line)["id"]: json.loads(line)
        for line in run("redact", str(sample_incident), "--format", "jsonl").stdout.splitlines()
    }
    assert [(e["actor"], e["text"]) for e in index] == [
        (shown[e["id"]]["actor"], shown[e["id"]]["text"]) for e in index
    ]
    assert any("[EMAIL-2]" in e["actor"] for e in index)
    mapping = run("redact", str(sample_incident), "--format", "mapping").stdout
    assert "| [EMAIL-2] | email | email | E32 | zoe.odegard@acme.example |" in mapping
