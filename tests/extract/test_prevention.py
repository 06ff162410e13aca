"""Prevention: action items classified by rules, and the section built from them and from recurring factors."""

from __future__ import annotations

import pytest

from postmortem_writer.extract.prevention import action_kind, classify_actions, prevention
from postmortem_writer.models import ActionItem, ActionKind, ContributingFactor, RelatedIncident

# (id, action item, the kind it reads as)
KIND_CASES = [
    ("alert", "Add an alert on Redis pool wait time so we page before p99 moves", ActionKind.DETECTION),
    ("dashboard", "Build a dashboard for connection pool saturation", ActionKind.DETECTION),
    ("load-test", "Require a load test for connection-pool config changes", ActionKind.PREVENTION),
    ("canary", "Make the canary compare p99 latency, not only the error rate", ActionKind.PREVENTION),
    ("escalation", "Shorten the escalation timeout for high-urgency pages at night", ActionKind.PROCESS),
    ("runbook", "Write a runbook for the checkout Redis pool", ActionKind.PROCESS),
    ("rollback", "Make rollback of config vars one command", ActionKind.MITIGATION),
    ("circuit-breaker", "Put a circuit breaker in front of the payment provider", ActionKind.MITIGATION),
    ("staged-rollout", "Stage addressing deployments progressively, not a global refresh", ActionKind.PREVENTION),
    ("deprecate", "Deprecate the legacy system that hard-codes service topologies", ActionKind.PREVENTION),
    ("remediation-time", "Evaluate ways to improve our remediation time", ActionKind.MITIGATION),
    ("post-mortem", "We need a complete post mortem of what we did tonight", ActionKind.PROCESS),
    ("rollout-procedure", "The rollout procedure should include the MCP locations early", ActionKind.PROCESS),
    ("deploy-train-is-no-training", "Make the canary hold the deploy train on errors", ActionKind.PREVENTION),
    ("nothing-to-read", "Talk to Zoë", None),
]


@pytest.mark.parametrize(("text", "kind"), [c[1:] for c in KIND_CASES], ids=[c[0] for c in KIND_CASES])
def test_an_action_item_reads_as_its_kind(text: str, kind: ActionKind | None) -> None:
    assert action_kind(text) is kind


def test_a_kind_already_given_is_kept() -> None:
    item = ActionItem(description="Add an alert on pool wait", kind=ActionKind.PROCESS)
    classify_actions([item])
    assert item.kind is ActionKind.PROCESS


def test_the_section_groups_the_items_by_kind_and_cites_them() -> None:
    items = [
        ActionItem(description="Add an alert on pool wait", evidence=["E4"]),
        ActionItem(description="Require a load test for pool changes", evidence=["E5"]),
        ActionItem(description="Add a canary check", evidence=["E6"]),
        ActionItem(description="TODO(author): a follow-up nobody said", evidence=[]),
    ]
    classify_actions(items)
    lines = prevention(items, [], [])
    assert [line.evidence for line in lines] == [["E5", "E6"], ["E4"]]
    assert lines[0].text.startswith("Keep this class of fault from reaching production: require a load test")


def test_a_line_names_the_first_items_and_counts_the_rest() -> None:
    items = [
        ActionItem(description=f"Add an alert on queue {n}", evidence=[f"E{n}", f"E{n + 100}"]) for n in range(1, 9)
    ]
    classify_actions(items)
    (line,) = prevention(items, [], [])
    assert line.evidence == ["E1", "E2", "E3", "E4", "E5"]
    assert line.text.endswith("add an alert on queue 5; and 3 more under Action items.")


def test_a_recurring_factor_is_warned_about_with_the_earlier_incident() -> None:
    factor = ContributingFactor(title="Redis pool config change", description="d", category="change", evidence=["E2"])
    other = ContributingFactor(title="Search deploy", description="d", category="change", evidence=["E3"])
    past = RelatedIncident(text="t", title="Checkout pool exhausted", date="2024-11-02", path="pm/a.md",
                           past_actions=["Alert on pool wait"], recurring=[factor.title])  # fmt: skip
    lines = prevention([], [factor, other], [past])
    assert len(lines) == 1
    assert lines[0].evidence == ["E2"]
    assert "Checkout pool exhausted (2024-11-02)" in lines[0].text
