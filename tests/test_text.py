"""Wording helpers: plain text keeps what the source said, bar chat markup."""

from __future__ import annotations

import pytest

from postmortem_writer.text import capitalise, plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'schedule "* * * * *" should be "0 3 * * *"', 'schedule "* * * * *" should be "0 3 * * *"', id="cron"
        ),
        pytest.param("who owns svc_* users?", "who owns svc_* users?", id="glob"),
        pytest.param("*Decision*: roll back", "Decision: roll back", id="bold"),
        pytest.param("*Alert:* Pod is crash looping", "Alert: Pod is crash looping", id="bold-with-colon"),
        pytest.param("Flag updated in *Production*", "Flag updated in Production", id="bold-word"),
        pytest.param("2 * 3 = 6", "2 * 3 = 6", id="arithmetic"),
        pytest.param("`kubectl get pods` :eyes:", "kubectl get pods", id="code-and-emoji"),
    ],
)
def test_plain_strips_markup_but_keeps_asterisks_that_are_content(text: str, expected: str) -> None:
    assert plain(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the slot was never dropped", "The slot was never dropped"),
        ("svc_airflow password expired", "svc_airflow password expired"),
        ("iOS pinning needs a release", "iOS pinning needs a release"),
    ],
)
def test_capitalise_leaves_identifiers_alone(text: str, expected: str) -> None:
    assert capitalise(text) == expected
