"""The settings file: one discovery rule for every table, and one clear line per bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.config import load_config
from postmortem_writer.errors import UsageError


def settings(name: str, *, pyproject: bool = False) -> str:
    """A settings file whose every table names the file it came from."""
    prefix = "tool.postmortem." if pyproject else ""
    return (
        f'[{prefix}llm]\nmodel = "{name}"\n[{prefix}redact]\nallow = ["{name}"]\n[{prefix}lint]\npeople = ["{name}"]\n'
    )


# Each case: the files of a folder tree, the working folder, the --config given, and which file's
# settings apply (None: no file, the defaults).
DISCOVERY = [
    pytest.param({".postmortem.toml": settings("here")}, ".", None, "here", id="in-cwd"),
    pytest.param({".postmortem.toml": settings("parent")}, "docs", None, "parent", id="in-parent"),
    pytest.param({".postmortem.toml": settings("grandparent")}, "docs/2025", None, "grandparent", id="in-grandparent"),
    pytest.param(
        {"pyproject.toml": settings("pyproject", pyproject=True)}, "docs", None, "pyproject", id="pyproject-in-parent"
    ),
    pytest.param(
        {".postmortem.toml": settings("dotfile"), "pyproject.toml": settings("pyproject", pyproject=True)},
        ".",
        None,
        "dotfile",
        id="dotfile-before-pyproject-in-one-folder",
    ),
    pytest.param(
        {".postmortem.toml": settings("outer"), "svc/pyproject.toml": "[project]\nname = 'svc'\n"},
        "svc",
        None,
        "outer",
        id="pyproject-without-the-table-is-passed-over",
    ),
    pytest.param(
        {".postmortem.toml": settings("outer"), "svc/pyproject.toml": settings("inner", pyproject=True)},
        "svc",
        None,
        "inner",
        id="nearest-wins",
    ),
    pytest.param(
        {".postmortem.toml": settings("found"), "elsewhere/pm.toml": settings("flag")},
        ".",
        "elsewhere/pm.toml",
        "flag",
        id="config-flag-overrides",
    ),
    pytest.param(
        {"elsewhere/pyproject.toml": settings("flag-pyproject", pyproject=True)},
        ".",
        "elsewhere/pyproject.toml",
        "flag-pyproject",
        id="config-flag-pyproject",
    ),
    pytest.param({"docs/.postmortem.toml": settings("below")}, ".", None, None, id="not-below-cwd"),
]


@pytest.mark.parametrize(("files", "cwd", "flag", "origin"), DISCOVERY)
def test_discovery(tmp_path: Path, files: dict[str, str], cwd: str, flag: str | None, origin: str | None) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / cwd).mkdir(parents=True, exist_ok=True)
    config = load_config(tmp_path / flag if flag else None, start=tmp_path / cwd)
    # One rule for every table: all three come from the same file.
    assert (config.llm.model, config.redact.allow, config.lint.people) == (
        (origin, (origin,), (origin,)) if origin else (None, (), ())
    )


def test_reword_applies_the_model_settings_of_a_parent_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".postmortem.toml").write_text(
        '[llm]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "from-parent"\n[lint]\npeople = ["Maria Lopez"]\n',
        encoding="utf-8",
    )
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    # A sentence with nothing to reword: the session opens (and says so) but makes no call.
    result = CliRunner().invoke(cli, ["reword", "The cache hit rate fell at 02:10."], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "extractor: llm (from-parent at 127.0.0.1:9, mode auto)" in result.stderr


# Each case: the file's name and text, and what its one-line error says after naming the file.
BAD = [
    pytest.param(".postmortem.toml", "[llm\n", "not valid TOML (Expected ']'", id="not-toml"),
    pytest.param(".postmortem.toml", "\udcff", "cannot read the config file", id="not-utf8"),
    pytest.param(
        ".postmortem.toml", "[lnt]\n", "unknown table or setting 'lnt'; the settings go in", id="unknown-table"
    ),
    pytest.param(".postmortem.toml", "llm = 3\n", "[llm] must be a table", id="not-a-table"),
    pytest.param(
        "pyproject.toml", "[tool]\npostmortem = 1\n", "[tool.postmortem] must be a table", id="tool-not-a-table"
    ),
    pytest.param(
        ".postmortem.toml", '[llm]\nmodle = "x"\n', "[llm] unknown setting 'modle' (known: model,", id="unknown-llm-key"
    ),
    pytest.param(
        ".postmortem.toml", "[redact]\nsecrets = true\n", "[redact] unknown setting 'secrets'", id="unknown-redact-key"
    ),
    pytest.param(".postmortem.toml", "[lint]\ncolour = 1\n", "[lint] unknown setting 'colour'", id="unknown-lint-key"),
    pytest.param(
        "pyproject.toml",
        "[tool.postmortem.lint]\ncolour = 1\n",
        "[tool.postmortem.lint] unknown setting 'colour'",
        id="unknown-pyproject-key",
    ),
    pytest.param(
        ".postmortem.toml", '[llm]\nmode = "xml"\n', "[llm] mode: Input should be 'auto', 'tools'", id="bad-mode"
    ),
    pytest.param(
        ".postmortem.toml",
        '[llm]\ntimeout = "soon"\n',
        "[llm] timeout: Input should be a valid number",
        id="bad-number",
    ),
    pytest.param(
        ".postmortem.toml",
        "[redact]\nkeep = ['passwords']\n",
        "[redact] keep: must list kinds among: secret, email",
        id="bad-kind",
    ),
    pytest.param(
        ".postmortem.toml",
        "[redact]\nallow = [1]\n",
        "[redact] allow.0: Input should be a valid string",
        id="bad-allow",
    ),
    pytest.param(
        ".postmortem.toml",
        '[redact]\npseudonymize = "yes"\n',
        "[redact] pseudonymize: Input should be a valid boolean",
        id="bad-flag",
    ),
    pytest.param(
        ".postmortem.toml",
        '[lint]\nrules = { "blame.nothing" = false }\n',
        "[lint] rules: 'blame.nothing' matches no lint rule",
        id="unknown-rule",
    ),
    pytest.param(
        ".postmortem.toml",
        '[lint]\nseverity = { "blame" = "loud" }\n',
        "[lint] severity.blame: Input should be 'suggestion', 'warning' or 'error'",
        id="bad-severity",
    ),
    pytest.param(
        ".postmortem.toml", '[lint]\nfail_level = "often"\n', "[lint] fail_level: Input should be", id="bad-fail-level"
    ),
    pytest.param(
        ".postmortem.toml",
        '[lint]\npeople = "Maria"\n',
        "[lint] people: Input should be an array",
        id="people-not-an-array",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD)
def test_a_bad_settings_file_is_one_line_naming_it(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(UsageError) as caught:
        load_config(start=tmp_path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_the_cli_says_it_in_one_line_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".postmortem.toml").write_text("[lint]\ncolour = 1\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    result = CliRunner().invoke(cli, ["lint", "-"], input="Fine.\n")
    assert result.exit_code == 2
    known = "rules, severity, people, fail_level, skip_sections"
    path = tmp_path / ".postmortem.toml"
    assert result.stderr == f"error: {path}: [lint] unknown setting 'colour' (known: {known})\n"


# Each case: what the settings file, the environment and the flag say of the model, and who wins.
PRECEDENCE = [
    pytest.param('model = "file"\n', {}, [], "file", id="file-over-default"),
    pytest.param('model = "file"\n', {"POSTMORTEM_MODEL": "env"}, [], "env", id="env-over-file"),
    pytest.param('model = "file"\n', {"POSTMORTEM_MODEL": "env"}, ["--model", "flag"], "flag", id="flag-over-env"),
    pytest.param('api_key = "sk-file"\n', {}, [], "gpt-4.1-mini", id="default"),
]


@pytest.mark.parametrize(("table", "env", "flags", "model"), PRECEDENCE)
def test_flag_over_env_over_file_over_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, env: dict[str, str], flags: list[str], model: str
) -> None:
    base_url = "" if "api_key" in table else 'base_url = "http://127.0.0.1:9/v1"\n'
    (tmp_path / ".postmortem.toml").write_text(f"[llm]\n{base_url}{table}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["reword", "Fine.", *flags], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"extractor: llm ({model} at " in result.stderr
