"""Lint settings: ``[tool.postmortem.lint]`` in pyproject.toml, or ``[lint]`` in .postmortem.toml.

Example::

    [tool.postmortem.lint]
    rules = { "blame" = true, "blame.hindsight_minimizing" = false, "structure" = false }
    severity = { "blame.counterfactual" = "error" }
    people = ["Priya Raman", "@nur"]
    fail_level = "warning"
    skip_sections = ["Appendix", "Provenance"]

``rules`` switches rules on or off by dotted prefix; the longest matching prefix wins.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from postmortem_writer.errors import UsageError
from postmortem_writer.lint.markdown import under
from postmortem_writer.lint.rules import rule_ids
from postmortem_writer.models import Severity

CONFIG_FILES = (".postmortem.toml", "pyproject.toml")
_KEYS = {"rules", "severity", "people", "fail_level", "skip_sections"}
FAIL_LEVELS = ("suggestion", "warning", "error", "never")


@dataclass(frozen=True)
class LintConfig:
    """Which rules run, how loud they are, whose names count as people, and when the exit code fails."""

    rules: Mapping[str, bool] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    people: tuple[str, ...] = ()
    fail_level: str = "warning"
    skip_sections: tuple[str, ...] = ("Appendix", "Provenance")

    def enabled(self, rule_id: str) -> bool:
        """Whether ``rule_id`` runs: the longest prefix in ``rules`` decides, everything runs by default."""
        matches = [prefix for prefix in self.rules if under(rule_id, prefix)]
        return self.rules[max(matches, key=len)] if matches else True

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        """The configured severity of ``rule_id`` (longest prefix), else its default."""
        matches = [prefix for prefix in self.severity if under(rule_id, prefix)]
        return self.severity[max(matches, key=len)] if matches else default

    def with_people(self, names: Iterable[str]) -> LintConfig:
        """The same settings with more names treated as people."""
        extra = tuple(n for n in names if n and n not in self.people)
        return replace(self, people=self.people + extra) if extra else self

    def with_rules(self, switches: Mapping[str, bool]) -> LintConfig:
        """The same settings with rule switches from the command line on top."""
        return replace(self, rules={**self.rules, **switches}) if switches else self


def find_config(start: Path) -> Path | None:
    """The nearest .postmortem.toml, or pyproject.toml with a [tool.postmortem.lint] table, from ``start`` up."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _table(candidate) is not None):
                return candidate
    return None


def load_config(path: Path | None) -> LintConfig:
    """Settings from ``path`` (defaults when ``None``); a bad key or value is a one-line UsageError."""
    if path is None:
        return LintConfig()
    table = _table(path)
    if table is None:
        return LintConfig()
    unknown = set(table) - _KEYS
    if unknown:
        names, known_keys = ", ".join(sorted(unknown)), ", ".join(sorted(_KEYS))
        raise UsageError(f"{path}: unknown lint setting(s) {names}; known: {known_keys}")
    known = rule_ids()
    rules = _mapping(path, table, "rules", bool)
    severity_names = _mapping(path, table, "severity", str)
    for prefix in [*rules, *severity_names]:
        if not any(under(rule, prefix) for rule in known):
            raise UsageError(f"{path}: {prefix!r} matches no lint rule (see `postmortem lint --list-rules`)")
    try:
        severity = {prefix: Severity(value) for prefix, value in severity_names.items()}
    except ValueError as exc:
        raise UsageError(f"{path}: severity must be suggestion, warning or error ({exc})") from None
    fail_level = table.get("fail_level", "warning")
    if fail_level not in FAIL_LEVELS:
        raise UsageError(f"{path}: fail_level must be one of {', '.join(FAIL_LEVELS)}")
    return LintConfig(
        rules=rules,
        severity=severity,
        people=tuple(_strings(path, table, "people")),
        fail_level=fail_level,
        skip_sections=tuple(_strings(path, table, "skip_sections", default=["Appendix", "Provenance"])),
    )


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("postmortem", {}).get("lint")
    else:
        table = data.get("lint")
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: the lint settings must be a table")
    return table


def _mapping(path: Path, table: dict[str, Any], key: str, kind: type) -> dict[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, kind) for v in value.values()):
        raise UsageError(f"{path}: {key} must be a table of rule prefix = {kind.__name__}")
    return value


def _strings(path: Path, table: dict[str, Any], key: str, default: list[str] | None = None) -> list[str]:
    value = table.get(key, default or [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{path}: {key} must be a list of strings")
    return value
