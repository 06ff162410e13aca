"""``postmortem draft`` on the LLM path, through OPENAI_BASE_URL and the loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.extract.llm import Budget, chat_chunks
from postmortem_writer.llm.settings import LOCAL_CONTEXT
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.loopback import Fault, LoopbackServer, citing_responder

FAST = ["--max-retries", "0", "--timeout", "5"]


def draft(sample: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["draft", str(sample), "-o", str(out), *args], env=env)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_draft_with_an_endpoint_then_an_unchanged_rerun_costs_no_calls(sample_incident: Path, tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    with LoopbackServer(responder=citing_responder()) as server:
        env = {"OPENAI_BASE_URL": server.url, "POSTMORTEM_MODEL": "local-model"}
        code, _, err = draft(sample_incident, tmp_path / "a.md", "--call-log", str(log), env=env)
        assert code == 0, err
        first = len(server.requests)
        assert "extractor: llm (local-model at 127.0.0.1" in err
        code, _, err = draft(sample_incident, tmp_path / "b.md", env=env)
        assert code == 0, err
        assert len(server.requests) == first, "the re-run was answered from the cache"
        assert f"(0 model calls, {first} cached)" in err
        code, _, err = draft(sample_incident, tmp_path / "c.md", "--no-cache", env=env)
        assert len(server.requests) == 2 * first
    ingested = ingest([sample_incident], SourceOptions())
    assert first == len(chat_chunks(ingested.stream, Budget.for_context(LOCAL_CONTEXT))) + 1  # and the synthesis
    markdown = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "with the\n> `llm` extractor" in markdown
    assert "Prompt: `extract-chunk@v2 sha256:" in markdown
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [line["prompt"]["id"] for line in lines] == ["extract-chunk"] * (first - 1) + ["synthesize"]
    assert all(
        line["outcome"] == "ok" and line["attempts"] == 1 and len(line["prompt"]["sha256"]) == 64 for line in lines
    )
    assert all(line["usage"]["prompt_tokens"] > 0 and line["latency_s"] >= 0 for line in lines)
    assert "local-model" not in json.dumps(server.requests[0]["messages"]), "settings are not leaked into prompts"


def test_auto_says_it_used_the_rules_without_an_endpoint(sample_incident: Path, tmp_path: Path) -> None:
    code, _, err = draft(sample_incident, tmp_path / "a.md")
    assert code == 0
    assert "extractor: rules (no model endpoint configured" in err


def test_llm_without_any_endpoint_is_a_usage_error(sample_incident: Path, tmp_path: Path) -> None:
    code, _, err = draft(sample_incident, tmp_path / "a.md", "--extractor", "llm")
    assert code == 2
    assert (
        err.strip() == "error: the OpenAI API needs a key: set OPENAI_API_KEY (or pass --base-url for a local server)"
    )
    assert not (tmp_path / "a.md").exists()


def test_a_local_endpoint_needs_a_model_name(sample_incident: Path, tmp_path: Path) -> None:
    code, _, err = draft(sample_incident, tmp_path / "a.md", "--base-url", "http://127.0.0.1:9/v1")
    assert code == 2
    assert "a model name is needed for this endpoint" in err


def test_an_unreachable_endpoint_gives_a_draft_with_marked_gaps(sample_incident: Path, tmp_path: Path) -> None:
    args = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--context-tokens", "8192", *FAST]
    code, _, err = draft(sample_incident, tmp_path / "a.md", *args)
    assert code == 0, err
    gap = "events E2 to E52 could not be analysed: 127.0.0.1:9 still failing after 1 attempt: connection failed"
    assert f"warning: {gap}" in err
    markdown = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "**Gaps in the analysis.**" in markdown
    assert "could not be analysed" in markdown
    assert "Traceback" not in err
    code, _, err = draft(sample_incident, tmp_path / "b.md", *args, "--strict")
    assert code == 4
    assert err.strip().endswith("error: 2 gap(s) in the analysis and --strict was given")
    assert (tmp_path / "b.md").exists(), "the draft is written before --strict fails the run"


def test_a_rejected_key_is_one_clear_error_and_no_draft(sample_incident: Path, tmp_path: Path) -> None:
    with LoopbackServer([Fault(401, message="Incorrect API key provided")]) as server:
        code, _, err = draft(
            sample_incident, tmp_path / "a.md", "--base-url", server.url, "--model", "m", "--api-key", "sk-bad"
        )
    assert code == 2
    assert err.splitlines()[-1] == (
        "error: 127.0.0.1:"
        + server.url.split(":")[2].split("/")[0]
        + " refused the request: HTTP 401: Incorrect API key provided (check the API key)"
    )
    assert "sk-bad" not in err
    assert not (tmp_path / "a.md").exists()


def test_config_file_supplies_the_endpoint(sample_incident: Path, tmp_path: Path) -> None:
    with LoopbackServer(responder=citing_responder()) as server:
        config = tmp_path / "pm.toml"
        config.write_text(
            f'[llm]\nbase_url = "{server.url}"\nmodel = "from-config"\nconcurrency = 2\n', encoding="utf-8"
        )
        code, _, err = draft(sample_incident, tmp_path / "a.md", "--config", str(config))
        assert code == 0, err
        assert "extractor: llm (from-config at" in err
        assert {body["model"] for body in server.requests} == {"from-config"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[llm\n", "not valid TOML"),
        ('[llm]\nmodle = "x"\n', "[llm] unknown setting 'modle'"),
        ('[llm]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\nconcurrency = 0\n', "--concurrency must be"),
    ],
)
def test_bad_config_files(sample_incident: Path, tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "pm.toml"
    config.write_text(content, encoding="utf-8")
    code, _, err = draft(sample_incident, tmp_path / "a.md", "--config", str(config), "--extractor", "llm")
    assert code == 2
    assert message in err


def test_an_existing_output_is_refused_before_any_model_call(sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.md"
    out.write_text("an earlier draft", encoding="utf-8")
    with LoopbackServer(responder=citing_responder()) as server:
        code, _, err = draft(sample_incident, out, "--base-url", server.url, "--model", "m", *FAST)
    assert (code, err.strip()) == (2, f"error: {out}: already exists; pass --force to overwrite it")
    assert server.requests == [], "no call is made (nor paid for) for a draft that cannot be written"
    assert out.read_text(encoding="utf-8") == "an earlier draft"
