"""The agent analysis and the classifier: who did what, names without a list, and findings that explain themselves."""

from __future__ import annotations

import pytest

from postmortem_writer.lint import LintConfig, lint_text
from postmortem_writer.lint.agents import analyse, first_names, names_in
from postmortem_writer.lint.classifier import describe, features, model

# (id, sentence, kinds of structure the analysis must find; empty: it must find none)
AGENT_CASES: list[tuple[str, str, set[str]]] = [
    ("name-omission", "Lena skipped the canary before the deploy.", {"omission"}),
    ("role-post-modified", "The junior engineer on call panicked and rebooted the primary.", {"mistake"}),
    ("qualified-act", "Tom pushed the config straight to production without telling anyone.", {"act"}),
    ("possessive-name", "The incident was caused by Lena's typo in the firewall rule.", {"possessive"}),
    ("if-had-adverb", "If the reviewer had actually looked at the diff, this would never have shipped.", {"if_had"}),
    ("nobody-bothered", "Nobody on the team bothered to read the runbook.", {"nobody", "omission"}),
    ("mistake-by-role", "The outage was traced to a mistake by a single sysadmin.", {"passive"}),
    ("did-role-fail", "Did the crew fail to monitor the airspeed?", {"omission"}),
    ("role-did-not-any-verb", "The first officer did not cross-check the altitude.", {"omission"}),
    ("role-tripped-over", "The nephew tripped over the cords.", {"mistake"}),
    ("system-failed-to-quiet", "The health check failed to detect the stuck worker.", set()),
    ("system-subject-quiet", "The deploy pushed the config straight to production.", set()),
    ("neutral-act-quiet", "The on-call engineer restarted the primary at 14:05.", set()),
    ("we-voice-quiet", "We deployed the fix without waiting for the canary.", set()),
    ("pronoun-story-quiet", "I didn't walk away while the script was running.", set()),
    ("denied-quiet", "No one forgot the flag.", set()),
    ("about-blame-quiet", "Blaming the engineer who forgot the flag teaches nothing.", set()),
    ("missed-deadline-quiet", "The team missed the deadline by a day.", set()),
    ("could-have-helped-quiet", "Appointing an incident manager could have helped.", set()),
    ("error-handling-quiet", "Their error handling retried forever.", set()),
    # third round: the person acted on, a capability, advice to the reader, a person as the object of an -ing verb
    ("passive-not-told-quiet", "The operator was not told that the feed had moved.", set()),
    ("passive-not-shown-quiet", "The crew had not even been shown the new chart.", set()),
    ("did-not-believe-quiet", "My manager didn't believe the graph at first.", set()),
    ("capability-quiet", "She did everything she could have done to stop the job.", set()),
    ("advice-if-you-quiet", "Page the database team if you need a second opinion.", set()),
    ("gerund-object-quiet", "Suspending the contractor does not fix the ladder.", set()),
    ("if-you-had-still", "If you had checked the flag, the job would have stopped.", {"if_had"}),
    ("adjective-ing-still", "The reviewing engineer had made a mistake in the query.", {"mistake"}),
    ("careless-conduct", "The dispatcher was texting when the second call came in.", {"careless"}),
    ("fell-asleep", "The second officer fell asleep an hour into the watch.", {"mistake"}),
    ("qualified-medical-act", "The surgeon operated on the wrong knee.", {"act"}),
    ("by-failing-to", "The crew contributed to the collision by failing to call the tower.", {"omission"}),
    ("denied-finding-quiet", "The board did not conclude that the driver fell asleep.", set()),
    ("neither-nor", "Neither the radiologist nor the physician followed up on the scan.", {"nobody"}),
]


@pytest.mark.parametrize(("text", "kinds"), [c[1:] for c in AGENT_CASES], ids=[c[0] for c in AGENT_CASES])
def test_agent_analysis(text: str, kinds: set[str]) -> None:
    assert {agent.kind for agent in analyse(text)} == kinds


def test_agent_case_ids_are_unique() -> None:
    assert len({c[0] for c in AGENT_CASES}) == len(AGENT_CASES)


# (id, sentence, the names found)
NAME_CASES: list[tuple[str, str, list[str]]] = [
    ("census-first-name", "Lena pushed the change.", ["Lena"]),
    ("first-and-surname", "Kimberly Hiatt made a mathematical error.", ["Kimberly Hiatt"]),
    ("pronoun-refers-back", "Raj merged his own pull request.", ["Raj"]),
    ("handle-and-initials", "According to J.K., @nur restarted it.", ["J.K.", "@nur"]),
    ("title", "Mr. Smith did not provide guidance.", ["Mr. Smith"]),
    ("month-is-no-name", "May 5 was the day the certificate expired.", []),
    ("sentence-word-is-no-name", "The cluster lost quorum.", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in NAME_CASES], ids=[c[0] for c in NAME_CASES])
def test_names_without_a_list(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in names_in(text)] == expected


def test_first_names_come_from_the_census_lists() -> None:
    names = first_names()
    assert len(names) > 5000
    assert {"lena", "kevin", "priya"} & names == {"lena", "kevin"}  # a list, with the gaps of its source


def test_every_learned_finding_says_what_fired() -> None:
    for text in ("Mark skipped the canary because he was in a hurry.", "Support escalated far too late, as usual."):
        for finding in lint_text(text):
            assert finding.source in {"agent", "lexicon"}
            assert finding.end > finding.start
            if finding.source == "agent" and finding.category != "naming_individuals":
                assert "agent analysis:" in finding.message


def test_classifier_findings_name_their_features() -> None:
    text = "He removed the tape holding it in, and removed the sticker saying DO NOT UNPLUG."
    (finding,) = lint_text(text)
    assert finding.source == "classifier"
    assert "classifier p=" in finding.message
    assert "word" in finding.message
    assert finding.match


def test_rules_only_path_keeps_the_cue_rules_alone() -> None:
    text = "Lena skipped the canary before the deploy."
    assert lint_text(text, learned=False) == []
    assert {f.category for f in lint_text(text)} == {"counterfactual", "naming_individuals"}


def test_people_given_still_sharpen_names() -> None:
    text = "Zed skipped the canary before the deploy."  # not a census first name
    assert lint_text(text) == []
    # with the name given, the cue rules already find the person and the skip
    assert {f.category for f in lint_text(text, config=LintConfig(people=("Zed",)))} == {
        "individual_as_cause",
        "naming_individuals",
    }


def test_model_is_shipped_and_explains_in_words() -> None:
    shipped = model()
    assert 0 < shipped.threshold < 1
    assert len(shipped.weights) > 1000
    found = features("Bob forgot to run the migration.")
    assert {"w=<name>", "w=forgot", "c=PERSON_FAIL", "g=<for", "g=got>", "x=t to", "x=ot to"} <= found
    assert not {"x=forgot ", "x= to r"} & found  # letters across a gap have letters on both sides
    assert describe("b=forgot_to") == "words 'forgot to'"
    assert describe("c=PERSON_FAIL") == "word classes PERSON then FAIL"


def test_classifier_reasons_are_words_not_letter_groups() -> None:
    shipped = model()
    found = features("He removed the tape holding it in, and removed the sticker saying DO NOT UNPLUG.")
    reasons = shipped.reasons(found, top=len(found))
    assert reasons
    assert not [r for r in reasons if r.startswith(("g=", "x="))]
    # a word's push counts its letter groups: "unplug" itself was never seen, its letters were
    assert "w=unplug" not in shipped.weights
    assert "w=unplug" in reasons


@pytest.mark.parametrize("plan", ["Action items", "Prevention"])
def test_the_classifier_is_not_asked_about_plans(plan: str) -> None:
    # A plan to do something "instead of" something else reads like a slip to a model of accounts.
    sentence = "Drain one node at a time instead of restarting all of them at once."
    assert [f.source for f in lint_text(sentence)] == ["classifier"]
    found = lint_text(f"## {plan}\n\n- {sentence}\n", config=LintConfig())
    assert [f.rule_id for f in found if f.category != "structure"] == []
