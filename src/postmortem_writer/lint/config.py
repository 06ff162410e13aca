"""Lint settings: the ``[lint]`` table of the settings file (see ``postmortem_writer.config``).

Example::

    [lint]
    rules = { "blame" = true, "blame.hindsight_minimizing" = false, "structure" = false }
    severity = { "blame.counterfactual" = "error" }
    people = ["Priya Raman", "@nur"]
    fail_level = "warning"
    skip_sections = ["Appendix", "Provenance"]

``rules`` switches rules on or off by dotted prefix; the longest matching prefix wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, field_validator

from postmortem_writer.lint.markdown import under
from postmortem_writer.lint.rules import rule_ids
from postmortem_writer.models import Severity

FailLevel = Literal["suggestion", "warning", "error", "never"]
FAIL_LEVELS: tuple[str, ...] = get_args(FailLevel)


class LintConfig(BaseModel):
    """Which rules run, how loud they are, whose names count as people, and when the exit code fails."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: dict[str, StrictBool] = {}
    severity: dict[str, Severity] = {}
    people: tuple[StrictStr, ...] = ()
    fail_level: FailLevel = "warning"
    skip_sections: tuple[StrictStr, ...] = ("Appendix", "Provenance")

    @field_validator("rules", "severity")
    @classmethod
    def _known_prefixes(cls, value: dict[str, object]) -> dict[str, object]:
        known = rule_ids()
        for prefix in value:
            if not any(under(rule, prefix) for rule in known):
                raise ValueError(f"{prefix!r} matches no lint rule (see `postmortem lint --list-rules`)")
        return value

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
        return self.model_copy(update={"people": self.people + extra}) if extra else self

    def with_rules(self, switches: Mapping[str, bool]) -> LintConfig:
        """The same settings with rule switches from the command line on top."""
        return self.model_copy(update={"rules": {**self.rules, **switches}}) if switches else self
