"""Who counts as a bot when a format does not say: integration names and automation words."""

from __future__ import annotations

import pytest

from postmortem_writer.models import ActorKind
from postmortem_writer.sources.base import guess_actor_kind

CASES = [
    pytest.param("PagerDuty", ActorKind.BOT, id="pagerduty"),
    pytest.param("Opsgenie", ActorKind.BOT, id="opsgenie"),
    pytest.param("Argo CD", ActorKind.BOT, id="two-word-tool"),
    pytest.param("Grafana Alerts", ActorKind.BOT, id="tool-first-word"),
    pytest.param("deploy-bot", ActorKind.BOT, id="bot-suffix-word"),
    pytest.param("github-actions[bot]", ActorKind.BOT, id="github-app"),
    pytest.param("argocd-auto-sync", ActorKind.BOT, id="auto"),
    pytest.param("ci", ActorKind.BOT, id="ci"),
    pytest.param("", ActorKind.SYSTEM, id="no-name"),
    pytest.param("Priya Natarajan", ActorKind.HUMAN, id="person"),
    pytest.param("Lucia Abbott", ActorKind.HUMAN, id="ci-and-bot-inside-words"),
    pytest.param("Sarah Talbot", ActorKind.HUMAN, id="surname-ending-in-bot"),
    pytest.param("zoe.odegard@acme.example", ActorKind.HUMAN, id="email"),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_guess_actor_kind(name: str, expected: ActorKind) -> None:
    assert guess_actor_kind(name) is expected
