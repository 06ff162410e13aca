"""Wording helpers: plain text keeps what the source said, bar chat markup."""

from __future__ import annotations

import re

import pytest

from postmortem_writer.text import (
    ANALYSED_CHARS,
    CueTable,
    analysis,
    capitalise,
    cue,
    normalise,
    plain,
    required_words,
    sentences,
)


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


# The words every match of a pattern must contain (case-folded), or None where none are known.
REQUIRED = [
    pytest.param(r"\brolled back\b", re.IGNORECASE, ("rolled back",), id="literal-run"),
    pytest.param(
        r"\b(?:restart|redeploy)(?:ed|ing)\b", re.IGNORECASE, ("deploy", "start"), id="alternation-after-common-prefix"
    ),
    pytest.param(r"\bIC(?i: is me)\b", 0, (" is me",), id="longest-run-wins"),
    pytest.param(r"(?:about\s*)?\d+ users", re.IGNORECASE, (" users",), id="optional-part-not-required"),
    pytest.param(r"(?:error|fail)|\d+%", re.IGNORECASE, ("%", "error", "fail"), id="branch-words-joined"),
    pytest.param(r"(?:error|fail)|\d+", re.IGNORECASE, None, id="branch-without-words"),
    pytest.param(r"(?<!not )applied", re.IGNORECASE, ("applied",), id="negative-lookbehind-ignored"),
    pytest.param(r"x(?=deploy)", 0, ("deploy",), id="lookahead-words-are-in-the-text"),
    pytest.param(r"(?:go){2,}", 0, ("go",), id="repeat-of-at-least-one"),
    pytest.param(r"[$€£]\d+", 0, ("$", "£", "€"), id="class-of-caseless-characters"),
    pytest.param(r"[a-c]\d+|[^x]y|[ab]z", re.IGNORECASE, None, id="range-negation-or-letters-not-read"),
    pytest.param(r"\d+[\w]", 0, None, id="classes-only"),
    pytest.param(r"(?-i:\bAI)\s*:", re.IGNORECASE, (":",), id="rare-mark-beats-short-word"),
    pytest.param(r"I'm the IC", re.IGNORECASE, ("i'm the ic",), id="spaces-inside-a-run"),
    pytest.param(r"\bI(?:'m| am) (?:the )?IC", re.IGNORECASE, (" am", "'m"), id="a-space-alone-is-not-kept"),
    pytest.param(r"Zoë", re.IGNORECASE, ("zo",), id="non-ascii-letter-ends-the-run"),
]


@pytest.mark.parametrize(("pattern", "flags", "expected"), REQUIRED)
def test_required_words_of_a_pattern(pattern: str, flags: int, expected: tuple[str, ...] | None) -> None:
    assert required_words(re.compile(pattern, flags)) == expected


# The words every match in an ASCII text must contain: branches needing a character no ASCII one
# matches drop out, and () means the pattern cannot match an ASCII text at all.
REQUIRED_IN_ASCII = [
    pytest.param(r"\bignore\b|забудь", re.IGNORECASE, None, ("ignore",), id="cyrillic-branch-dropped"),
    pytest.param(r"忽略.{0,10}指令", 0, None, (), id="cjk-only-never-matches"),
    pytest.param(r"esqueça|regras", re.IGNORECASE, ("esque", "regras"), ("regras",), id="accented-word-dropped"),
    pytest.param(r"\u212aill|x", re.IGNORECASE, ("ill", "x"), ("ill", "x"), id="kelvin-sign-matches-ascii-k"),
    pytest.param(r"(?:ignore|\d+)|забудь", re.IGNORECASE, None, None, id="other-branch-without-words"),
    pytest.param(r"[€£]\d+|cost", re.IGNORECASE, ("cost", "£", "€"), ("cost",), id="non-ascii-class-dropped"),
]


@pytest.mark.parametrize(("pattern", "flags", "anywhere", "in_ascii"), REQUIRED_IN_ASCII)
def test_required_words_in_an_ascii_text(
    pattern: str, flags: int, anywhere: tuple[str, ...] | None, in_ascii: tuple[str, ...] | None
) -> None:
    compiled = re.compile(pattern, flags)
    assert required_words(compiled) == anywhere
    assert required_words(compiled, ascii_text=True) == in_ascii


# (text, what find_all takes): earlier cues win overlaps, later cues fill the gaps between them
# (expectations worked out by checking each span against every span taken before it).
TABLE = CueTable((cue("a", r"cd"), cue("b", r"bcde|ef"), cue("c", r"[a-z]")))
FIND_ALL = [
    pytest.param("cdef", [("a", "cd"), ("b", "ef")], id="later-cue-after-an-earlier-span"),
    pytest.param("bcdef", [("a", "cd"), ("c", "b"), ("c", "e"), ("c", "f")], id="overlap-lost-gaps-filled"),
    pytest.param("xy", [("c", "x"), ("c", "y")], id="ungated-cue-alone"),
    pytest.param("CD EF", [("a", "CD"), ("b", "EF")], id="any-case"),
]


@pytest.mark.parametrize(("text", "expected"), FIND_ALL)
def test_find_all_takes_spans_by_cue_order(text: str, expected: list[tuple[str, str]]) -> None:
    taken = [(item.id, found.group()) for item, found in TABLE.find_all(text)]
    assert sorted(taken) == sorted(expected)
    assert all(taken[n][0] <= taken[n + 1][0] for n in range(len(taken) - 1))


def test_analysis_reads_a_long_message_only_up_to_its_cap() -> None:
    pasted = "we rolled back. " + "ERROR upstream timed out " * 4000
    assert len(normalise(pasted)) <= ANALYSED_CHARS
    assert sentences(pasted)[0] == "we rolled back."
    assert len(" ".join(sentences(pasted))) <= ANALYSED_CHARS


def test_inside_an_analysis_a_text_is_split_once_and_outside_it_is_not_kept() -> None:
    text = "checkout is down. rolling back"
    with analysis():
        assert sentences(text) is sentences(text)
    assert sentences(text) == ("checkout is down.", "rolling back")
    assert sentences(text) is not sentences(text)


# (text, what a table whose cues all need a digit finds): a text without one is not scanned.
NEEDS_DIGIT = CueTable((cue("n", r"\d+ users|many users"),), needs=re.compile(r"\d"))
NEEDS = [
    pytest.param("40 users saw errors", [("n", "40 users")], id="digit-scanned"),
    pytest.param("many users saw errors, 3 of them", [("n", "many users")], id="digit-elsewhere-scanned"),
    pytest.param("many users saw errors", [], id="no-digit-not-scanned"),
]


@pytest.mark.parametrize(("text", "expected"), NEEDS)
def test_a_table_needing_a_character_skips_texts_without_it(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(item.id, found.group()) for item, found in NEEDS_DIGIT.find_all(text)] == expected
    hit = NEEDS_DIGIT.search(text)
    assert ([(hit[0].id, hit[1].group())] if hit else []) == expected
