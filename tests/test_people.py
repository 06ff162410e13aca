"""Names in generated wording: which sentences name someone, and text with the names taken out."""

from __future__ import annotations

import pytest

from postmortem_writer.people import impersonal, names_someone, person

NAMES = {"Marco Rossi", "Marco", "Mei Zhang", "Mei", "Zoë Ødegård", "Nur Aziz"}

NAMING = [
    pytest.param("root cause: Marco Rossi pushed the wrong config", True, id="full-name"),
    pytest.param("root cause: @Marco Rossi pushed the wrong config", True, id="mention-of-known-name"),
    pytest.param("the deploy failed because marco skipped the canary", True, id="lowercase-first-name"),
    pytest.param("Mei's flag change hit every tenant", True, id="possessive"),
    pytest.param("outage was caused by @bob forgetting to renew the cert", True, id="mention-of-unknown-person"),
    pytest.param("zoë ødegård restarted the pods", True, id="non-ascii-lowercase"),
    pytest.param("the redis pool config in 1.42.0 shrank to 4", False, id="no-one"),
    pytest.param("@here checkout is down", False, id="broadcast-mention"),
    pytest.param("marcos-api timed out", False, id="name-inside-a-word"),
    pytest.param("nurse call service failed", False, id="name-as-prefix-of-word"),
]


@pytest.mark.parametrize(("text", "expected"), NAMING)
def test_names_someone(text: str, expected: bool) -> None:
    assert names_someone(text, NAMES) is expected


IMPERSONAL = [
    pytest.param(
        "@Mei Zhang changed the rollout from 25% to 100%", "changed the rollout from 25% to 100%", id="mention"
    ),
    pytest.param("rollout bumped to 100% by Mei Zhang", "rollout bumped to 100%", id="by-name"),
    pytest.param("Mei's flag change went out", "flag change went out", id="possessive"),
    pytest.param("@here 1.42.0 is out", "@here 1.42.0 is out", id="broadcast-kept"),
]


@pytest.mark.parametrize(("text", "expected"), IMPERSONAL)
def test_impersonal(text: str, expected: str) -> None:
    assert impersonal(text, NAMES) == expected


def test_person_resolves_first_names_in_any_case() -> None:
    assert person("nur", NAMES) == "Nur Aziz"
    assert person("Marco", NAMES) == "Marco Rossi"
    assert person("Bob", NAMES) is None


def test_a_name_of_thousands_of_characters_is_found_like_any_other() -> None:
    # Names come from the sources: a pasted blob read as a display name must not break the pattern.
    long_name = "Q" + "q" * 3000
    assert names_someone(f"ask {long_name} about the deploy", [long_name, "Marco Rossi"])
    assert not names_someone("ask the on-call about the deploy", [long_name, "Marco Rossi"])
