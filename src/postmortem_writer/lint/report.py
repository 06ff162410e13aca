"""Writing lint findings: text lines, JSON (versioned schema), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from postmortem_writer import __version__
from postmortem_writer.lint.rules import RULES, STRUCTURE_RULES, Rule, blame_rule
from postmortem_writer.models import Finding, Severity

JSON_SCHEMA = "postmortem-lint/1"
"""The JSON report's schema id; bumped whenever a field changes meaning or disappears."""

FORMATS = ("text", "json", "sarif", "github")
_SARIF_LEVEL = {Severity.SUGGESTION: "note", Severity.WARNING: "warning", Severity.ERROR: "error"}
_GITHUB_LEVEL = {Severity.SUGGESTION: "notice", Severity.WARNING: "warning", Severity.ERROR: "error"}


def render(results: Mapping[str, Sequence[Finding]], output_format: str) -> str:
    """All findings, per linted path, in one of ``FORMATS``."""
    if output_format == "json":
        return render_json(results)
    if output_format == "sarif":
        return render_sarif(results)
    if output_format == "github":
        return "".join(f"{_github(f)}\n" for findings in results.values() for f in findings)
    return "".join(f"{_text(f)}\n" for findings in results.values() for f in findings)


def _text(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.rule_id} {f.message} ({f.match!r})"


def _github(f: Finding) -> str:
    # Workflow commands: properties escape %, CR, LF, ':' and ','; the message escapes %, CR, LF.
    def prop(value: str) -> str:
        return _escape(value).replace(":", "%3A").replace(",", "%2C")

    where = f"file={prop(f.path)},line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column}"
    return f"::{_GITHUB_LEVEL[f.severity]} {where},title={prop(f.rule_id)}::{_escape(f'{f.message}: {f.match}')}"


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_json(results: Mapping[str, Sequence[Finding]]) -> str:
    """``{"schema": "postmortem-lint/1", "files": [{"path", "findings": [...]}], "summary": {...}}``."""
    counts = {level.value: 0 for level in Severity}
    for findings in results.values():
        for finding in findings:
            counts[finding.severity.value] += 1
    document = {
        "schema": JSON_SCHEMA,
        "tool": {"name": "postmortem lint", "version": __version__},
        "files": [
            {"path": path, "findings": [f.model_dump(mode="json") for f in findings]}
            for path, findings in results.items()
        ],
        "summary": {"files": len(results), "findings": sum(counts.values()), "by_severity": counts},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule, rule_id: str) -> dict[str, Any]:
    """A SARIF rule entry for a blame rule, under ``rule_id``."""
    return {
        "id": rule_id,
        "name": rule.category,
        "shortDescription": {"text": rule.message},
        "helpUri": rule.link,
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"templates": list(rule.suggestions)},
    }


def render_sarif(results: Mapping[str, Sequence[Finding]]) -> str:
    """A SARIF 2.1.0 log with one run; rule templates go in ``properties``, since they are not fixes."""
    rules: list[dict[str, Any]] = [_sarif_rule(rule, rule.id) for rule in RULES]
    rules += [
        {
            "id": rule_id,
            "shortDescription": {"text": message.format(name="<name>", count="<n>")},
            "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        }
        for rule_id, (severity, message) in STRUCTURE_RULES.items()
    ]
    # A model's finding (``lint --model``) is filed under its category's rule, with its own id.
    judged = {f.rule_id: f.category for findings in results.values() for f in findings if f.source == "model"}
    rules += [_sarif_rule(blame_rule(category), rule_id) for rule_id, category in sorted(judged.items())]
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    sarif_results = [
        {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message}: {f.match}" if f.match else f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                            "charOffset": f.start,
                            "charLength": f.end - f.start,
                        },
                    }
                }
            ],
            "properties": {"category": f.category, "section": f.section, "templates": f.suggestions},
        }
        for findings in results.values()
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "postmortem-lint",
                        "version": __version__,
                        "informationUri": "https://sre.google/sre-book/postmortem-culture/",
                        "rules": rules,
                    }
                },
                "results": sarif_results,
                "columnKind": "unicodeCodePoints",  # our columns count characters, not UTF-16 units
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def exit_status(results: Mapping[str, Sequence[Finding]], fail_level: str) -> int:
    """1 when any finding is at or above ``fail_level`` (``never`` never fails), else 0."""
    if fail_level == "never":
        return 0
    threshold = Severity(fail_level).rank
    return int(any(f.severity.rank >= threshold for findings in results.values() for f in findings))
