"""Blameless rewording of flagged sentences.

Each flagged sentence gets the rules' suggestions as templates, clearly labelled, and a rewrite
when one passes ``verify_rewrite`` (no blame left, every fact kept, nothing but the blamed person
and the judgement dropped). The offline rewriter (``offline_rewriter``) tries every sentence unless
``offline=False``; with a model configured (``model_rewriter``) the model's verified rewrite is
preferred and the offline one is the fallback. ``Reworded.source`` says which one was offered, and
``Reworded.reasons`` why there is none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from postmortem_writer.errors import InputError, ModelError
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.offline_rewriter import NoRewrite, OfflineRewriter
from postmortem_writer.lint.report import JSON_SCHEMA
from postmortem_writer.lint.rewrite import Rewrite, Rewriter
from postmortem_writer.lint.verify import Verdict, verify_rewrite
from postmortem_writer.models import Finding

TEMPLATE_LABEL = "template, not a rewrite: fill in the <...> parts from the record"


@dataclass
class Reworded:
    """One flagged sentence: its findings, the rules' templates, and a verified rewrite if there is one."""

    sentence: str
    findings: list[Finding]
    templates: list[tuple[str, str]] = field(default_factory=list)  # (rule id, template)
    candidate: Rewrite | None = None
    verdict: Verdict | None = None
    failure: str | None = None  # why the model rewriter gave no candidate
    source: str | None = None  # which rewriter made ``candidate``: "model" or "offline"
    reasons: list[str] = field(default_factory=list)  # why each rewriter tried offers nothing

    @property
    def offered(self) -> Rewrite | None:
        """The candidate, only if it passed verification."""
        return self.candidate if self.verdict is not None and self.verdict.ok else None


# ``offline``: True for the offline rewriter as it comes, False for none, or one set up with a draft's times.
Offline = bool | OfflineRewriter


def reword(
    sentence: str,
    findings: Sequence[Finding],
    *,
    rewriter: Rewriter | None = None,
    config: LintConfig | None = None,
    offline: Offline = True,
) -> Reworded:
    """Templates for ``sentence`` from its findings' rules, and the first verified rewrite: the model's
    (``rewriter``) if it gives one, else the offline rewriter's."""
    templates: list[tuple[str, str]] = []
    for finding in findings:
        templates.extend((finding.rule_id, t) for t in finding.suggestions if (finding.rule_id, t) not in templates)
    result = Reworded(sentence, list(findings), templates)
    if rewriter is not None:
        try:
            result.candidate = rewriter.rewrite(sentence, findings)
        except ModelError as exc:
            result.failure = str(exc)  # the templates, and the offline rewriter, still stand
            result.reasons.append(f"model: {exc}")
        else:
            result.source = "model"
            result.verdict = verify_rewrite(sentence, result.candidate.text, config=config)
            if not result.verdict.ok:
                result.reasons.append("model rewrite rejected: " + "; ".join(result.verdict.problems))
    fallback = OfflineRewriter() if offline is True else offline or None
    if result.offered is None and fallback is not None:
        _offline(result, fallback, config)
    return result


def _offline(result: Reworded, rewriter: OfflineRewriter, config: LintConfig | None) -> None:
    """The offline rewriter's candidate put into ``result`` when it is verified, else its reason added."""
    try:
        candidate = rewriter.rewrite(result.sentence, result.findings)
    except NoRewrite as exc:
        result.reasons.append(f"offline: {exc}")
        return
    verdict = verify_rewrite(result.sentence, candidate.text, config=config)
    if verdict.ok or result.candidate is None:
        result.candidate, result.verdict, result.source = candidate, verdict, "offline"
    if not verdict.ok:
        result.reasons.append(f"offline rewrite {candidate.text!r} rejected: " + "; ".join(verdict.problems))


def reword_findings(
    findings: Sequence[Finding],
    *,
    rewriter: Rewriter | None = None,
    config: LintConfig | None = None,
    offline: Offline = True,
) -> list[Reworded]:
    """One ``Reworded`` per flagged sentence (blame findings only), in the order found."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.category != "structure" and finding.sentence:
            groups.setdefault((finding.path, finding.sentence), []).append(finding)
    fallback = OfflineRewriter() if offline is True else offline
    return [
        reword(sentence, group, rewriter=rewriter, config=config, offline=fallback)
        for (_, sentence), group in groups.items()
    ]


def reword_text(
    text: str,
    *,
    path: str = "-",
    rewriter: Rewriter | None = None,
    config: LintConfig | None = None,
    offline: Offline = True,
) -> list[Reworded]:
    """Lint ``text`` and reword every flagged sentence in it."""
    findings = lint_text(text, path=path, config=config)
    return reword_findings(findings, rewriter=rewriter, config=config, offline=offline)


def findings_from_json(text: str, *, path: str) -> list[Finding]:
    """The findings of a ``postmortem lint --format json`` report."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg})", path=path, position=f"line {exc.lineno}") from None
    if not isinstance(data, dict) or data.get("schema") != JSON_SCHEMA:
        raise InputError(f"not a lint report of schema {JSON_SCHEMA}", path=path)
    findings: list[Finding] = []
    for file_index, entry in enumerate(data.get("files", [])):
        for index, raw in enumerate(entry.get("findings", [])):
            try:
                findings.append(Finding.model_validate(raw))
            except ValidationError as exc:
                where = f"files[{file_index}].findings[{index}]"
                raise InputError(f"malformed finding ({exc.error_count()} errors)", path=path, position=where) from None
    return findings


def render_reworded(items: Sequence[Reworded], output_format: str = "text") -> str:
    """The rewordings as readable text or as JSON."""
    if output_format == "json":
        rows = [
            {
                "sentence": item.sentence,
                "path": item.findings[0].path,
                "line": item.findings[0].line,
                "rules": [f.rule_id for f in item.findings],
                "templates": [{"rule_id": rule, "template": text} for rule, text in item.templates],
                "rewrite": item.offered.model_dump() if item.offered else None,
                "source": item.source if item.offered else None,
                "rejected": item.verdict.problems if item.verdict and not item.verdict.ok else [],
                "failure": item.failure,
                "why_no_rewrite": [] if item.offered else item.reasons,
            }
            for item in items
        ]
        return json.dumps({"schema": "postmortem-reword/1", "sentences": rows}, indent=2, ensure_ascii=False) + "\n"
    if not items:
        return "No blame-prone wording found; nothing to reword.\n"
    blocks = []
    for item in items:
        first = item.findings[0]
        lines = [f"{first.path}:{first.line}:{first.column}: {item.sentence}"]
        lines += [f"  {f.rule_id}: {f.message} ({f.match!r})" for f in item.findings]
        if item.offered:
            lines.append(f"  rewrite ({item.source}, verified): {item.offered.text}")
            lines += [f"  question for the author: {q}" for q in item.offered.questions]
            blocks.append("\n".join(lines))
            continue
        lines += [f"  no rewrite: {reason}" for reason in item.reasons]
        lines.append(f"  {TEMPLATE_LABEL}:")
        lines += [f"    [{rule}] {text}" for rule, text in item.templates]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
