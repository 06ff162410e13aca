"""Completeness rules (structure.*), one table of documents and the rules they must trigger."""

from __future__ import annotations

import pytest

from postmortem_writer.lint import lint_text

GOOD = """# Checkout latency

## Summary
Checkout was slow.

## Impact
12% of checkouts failed for 18 minutes.

## Timeline (UTC)
| Time | Event | Evidence |
| --- | --- | --- |
| 10:02 | Alert fired | [E1](#ev-e1) |

## Contributing factors
1. A pool size change.
2. The canary compared error rate only.

## Action items
| Action | Owner | Due |
| --- | --- | --- |
| Alert on pool wait | Platform team | 2025-04-01 |

## Prevention
- Detection: alert on pool wait.

## Related incidents
- 2024-11-18 checkout pool exhaustion (pm/2024-11-18.md)
"""

CASES = [
    ("complete-document-is-clean", GOOD, set()),
    ("missing-impact", GOOD.replace("## Impact\n12% of checkouts failed for 18 minutes.\n", ""),
     {"structure.required_sections"}),
    ("impact-not-quantified", GOOD.replace("12% of checkouts failed for 18 minutes.", "Checkouts failed."),
     {"structure.impact_quantified"}),
    ("impact-marked-unknown-is-fine", GOOD.replace("12% of checkouts failed for 18 minutes.", "Scale unknown."),
     set()),
    ("owner-tbd", GOOD.replace("| Platform team |", "| TBD |"), {"structure.action_item_owner"}),
    ("due-missing", GOOD.replace("| 2025-04-01 |", "| |"), {"structure.action_item_due"}),
    ("list-item-without-owner-or-date", GOOD.replace("| Alert on pool wait | Platform team | 2025-04-01 |",
     "").replace("| Action | Owner | Due |\n| --- | --- | --- |\n", "- Alert on pool wait\n"),
     {"structure.action_item_owner", "structure.action_item_due"}),
    ("timeline-not-utc", GOOD.replace("## Timeline (UTC)", "## Timeline"), {"structure.timeline_utc"}),
    ("timeline-without-evidence", GOOD.replace("| [E1](#ev-e1) |", "| |"), {"structure.timeline_evidence"}),
    ("one-contributing-factor", GOOD.replace("2. The canary compared error rate only.\n", ""),
     {"structure.contributing_factors"}),
    ("no-prevention", GOOD.replace("## Prevention\n", "## Notes\n"), {"structure.recommended_sections"}),
    ("related-by-another-name", GOOD.replace("## Related incidents", "## Previous incidents"), set()),
    ("no-related-incidents", GOOD.replace("## Related incidents", "## See also"), {"structure.recommended_sections"}),
    ("not-a-postmortem-no-structure", "# README\n\nInstall it.\n", set()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_structure_rules(text: str, expected: set[str]) -> None:
    assert {f.rule_id for f in lint_text(text) if f.category == "structure"} == expected
