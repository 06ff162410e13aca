"""The verifier every rewording must pass: no blame left, and every fact of the original kept."""

from __future__ import annotations

import pytest

from postmortem_writer.lint import LintConfig
from postmortem_writer.lint.verify import facts, verify_rewrite

ORIGINAL = "At 09:37 PST the engineer mistakenly ran the playbook on db1.cluster and removed 300 GB from S3."

# (id, rewrite, accepted, problems that must be reported)
CASES = [
    ("keeps-everything", "At 09:37 PST the playbook was run on db1.cluster and removed 300 GB from S3.", True, []),
    ("loses-time", "The playbook was run on db1.cluster and removed 300 GB from S3.", False, ["lost time '09:37 PST'"]),
    ("loses-number", "At 09:37 PST the playbook was run on db1.cluster and removed data from S3.", False,
     ["lost number '300 GB'", "new word 'data'"]),
    ("loses-identifier", "At 09:37 PST the playbook was run and removed 300 GB from S3.", False,
     ["lost identifier 'db1.cluster'"]),
    ("loses-system", "At 09:37 PST the playbook was run on db1.cluster and removed 300 GB.", False,
     ["lost identifier 'S3'"]),
    ("still-blames", "At 09:37 PST the engineer mistakenly ran the playbook on db1.cluster, removing 300 GB from S3.",
     False, ["still blame.individual_as_cause: 'mistakenly'"]),
    ("adds-context", "At 09:37 PST the playbook was run on db1.cluster and removed 300 GB from S3 after a timeout.",
     False, ["new word 'timeout'"]),
    ("drops-more-than-blame", "At 09:37 PST the playbook was run on db1.cluster and took 300 GB from S3.", False,
     ["new word 'took'", "dropped 'removed'"]),
]  # fmt: skip


@pytest.mark.parametrize(("rewrite", "accepted", "problems"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verify_rewrite(rewrite: str, accepted: bool, problems: list[str]) -> None:
    verdict = verify_rewrite(ORIGINAL, rewrite)
    assert verdict.ok is accepted
    assert verdict.problems == problems


def test_names_and_handles_may_be_dropped() -> None:
    original = "At 14:02 Maria Lopez and @raj rolled back v2.4.1."
    config = LintConfig(people=("Maria Lopez",))
    verdict = verify_rewrite(original, "At 14:02 v2.4.1 was rolled back.", config=config)
    assert verdict.ok, verdict.problems


def test_facts_found_in_order() -> None:
    found = facts("On 2025-03-04 at 10:02 UTC p99 rose to 2.5 s on `checkout-api` after PR #4411 in eu-west-1.")
    assert [(f.kind, f.text) for f in found] == [
        ("time", "10:02 UTC"),
        ("date", "2025-03-04"),
        ("identifier", "p99"),
        ("identifier", "`checkout-api`"),
        ("identifier", "eu-west-1"),
        ("number", "2.5 s"),
        ("number", "4411"),
        ("system", "PR"),
    ]


def test_quoted_terms_and_durations_are_facts() -> None:
    found = facts('The "safe mode" flag kept checkout down for two hours and 45 minutes.')
    assert [(f.kind, f.text) for f in found] == [
        ("quoted term", '"safe mode"'),
        ("duration", "two hours"),
        ("duration", "45 minutes"),
    ]
