"""The offline rewriter: each transformation on its own, the issue's sentences end to end, the reasons
it gives when it leaves a sentence alone, and ``reword --eval`` on a small rewrite set written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.lint import lint_text
from postmortem_writer.lint.offline_rewriter import EDITS, SAFEGUARDS, NoRewrite, OfflineRewriter, apply_edits
from postmortem_writer.lint.reword import reword
from postmortem_writer.lint.verify import verify_rewrite
from postmortem_writer.lint.wording import participle

# (id, sentence, rewrite the offline rewriter must give, and the verifier must pass)
REWRITES: list[tuple[str, str, str]] = [
    ("possessive-role", "The DBA's careless change took the cluster down for two hours.",
     "A change took the cluster down for two hours."),
    ("omission-name", "Dana forgot to renew the certificate, and checkout went down.",
     "The certificate was not renewed, and checkout went down."),
    ("act-by-mistake", "The outage happened because an engineer ran the script against production by mistake.",
     "The outage happened because the script was run against production."),
    ("counterfactual-noticing", "The on-call engineer should have noticed the alert at 02:10.",
     "The alert at 02:10 was not acted on."),
    ("counterfactual-own-verb", "The reviewer should have spotted the missing index.",
     "The missing index was not spotted."),
    ("safeguard-review", "Tom pushed the change to production without review.",
     "The change was pushed to production; the change did not require a review."),
    ("passive-by-person", "The config was deleted by an engineer on call.", "The config was deleted."),
    ("nobody", "Nobody on the team bothered to read the runbook.", "The runbook was not read."),
    ("irregular-participle", "The contractor mistakenly took the primary offline.", "The primary was taken offline."),
    ("plural-object", "The operator ignored the warnings from db-7.", "The warnings from db-7 were not acted on."),
    ("why-didnt", "Why didn't you test the migration?", "The migration was not tested."),
    ("by-person-acting", "The outage was caused by a junior developer executing a DROP command on the primary.",
     "The outage was caused by a DROP command executed on the primary."),
    ("gerund-after-preposition", "The outage was the result of a contractor who switched off the power supply.",
     "The outage was the result of the power supply being switched off."),
    ("coordinated-omission", "He wrote the code, and didn't test it at all.",
     "The code was written, and it was not tested at all."),
    ("never-with-past", "Lena never saw the page from db-7.", "The page from db-7 was never acted on."),
    ("verb-ending-in-ly", "The operator did not apply an adequate number of handbrakes.",
     "An adequate number of handbrakes were not applied."),
    ("reporter-kept", "The spokesman explained that an engineer chose the wrong option from a drop-down menu.",
     "The spokesman explained that the wrong option was chosen from a drop-down menu."),
    ("human-error", "The outage was caused by human error.", "The outage was caused by an error."),
    ("command-stays-lower-case", "An operator mistakenly executed rm -rf / on the replica.",
     "rm -rf / was executed on the replica."),
    ("after-joins-a-clause", "The site went down after a worker mistakenly cut a wrong line.",
     "The site went down after a wrong line was cut."),
    ("pronoun-after-that", "The report says that he accidentally deleted data from the primary.",
     "The report says that data was deleted from the primary."),
    ("particle-before-possessive", "He blew away his production database.", "The production database was blown away."),
    ("object-stops-at-adverb", "She could have paged the database owner much earlier.",
     "The database owner was not paged much earlier."),
    ("second-act-made", "This developer followed instructions and made a mistake.",
     "Instructions were followed and a mistake was made."),
    ("object-stops-at-upon", "You should not have taken those liberties upon yourself.",
     "Those liberties were taken upon yourself."),
    ("acronym-takes-an", "An engineer debugging an S3 issue mistakenly removed the servers.",
     "An engineer debugging an S3 issue removed the servers."),
    ("capital-after-quote", "\u201cI made a mistake,\u201d he said.", "\u201cA mistake was made,\u201d he said."),
    ("possessive-after-a-verb", "Contributing to the outage was the pilot\u2019s distraction.",
     "Contributing to the outage was a distraction."),
    ("possessive-with-article-and-modifier", "The problem was caused by an engineer\u2019s little mistake.",
     "The problem was caused by a little mistake."),
    ("possessive-after-an", "Damages were paid for an employee\u2019s mistake.", "Damages were paid for a mistake."),
    ("possessive-after-that", "We are sure that Bob's mistake was the only reason.",
     "We are sure that a mistake was the only reason."),
    ("two-verbs-one-object", "The pilots failed to monitor and maintain a safe airspeed.",
     "A safe airspeed was not monitored and maintained."),
    ("person-as-gerund-subject", "The trigger was the on-call engineer skipping a runbook step.",
     "The trigger was a runbook step being skipped."),
    ("head-noun-before-of", "Dave selected the wrong branch and deleted gigabytes of customer data.",
     "The wrong branch was selected and gigabytes of customer data were deleted."),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), [c[1:] for c in REWRITES], ids=[c[0] for c in REWRITES])
def test_offline_rewrite(sentence: str, expected: str) -> None:
    rewrite = OfflineRewriter().rewrite(sentence, lint_text(sentence))
    assert rewrite.text == expected
    assert verify_rewrite(sentence, rewrite.text).problems == []


# (edit id, text, text after the edits): one row per rule-like transformation of the table
EDIT_CASES: list[tuple[str, str, str]] = [
    ("judgement.by-mistake", "The script ran against production by mistake.", "The script ran against production."),
    ("judgement.of-course", "Of course, the flag was off.", "the flag was off."),
    ("judgement.which-clause", "The limit was raised, which is reckless.", "The limit was raised."),
    ("judgement.own-clause", "I was lazy, so the rows were deleted.", "the rows were deleted."),
    ("judgement.adverb", "The job obviously deleted the rows.", "The job deleted the rows."),
    ("judgement.adverb-last", "The rows were deleted, carelessly.", "The rows were deleted."),
    ("judgement.adjective", "A sloppy change broke the build.", "A change broke the build."),
    ("human-error.quoted", "It was a “simple human error” in the end.", "It was an error in the end."),
    ("human-error.plural", "Operator errors cause most outages.", "errors cause most outages."),
    ("human-error.determiner", "The human error was not caught.", "The error was not caught."),
    ("human-error", "The outage was caused by human error.", "The outage was caused by a error."),
    ("nobody.relative", "A flag that nobody removed stayed on.", "A flag that was not removed stayed on."),
    ("possessive.pronoun-slips", "He learned from his mistakes.", "He learned from the mistakes."),
    ("possessive.pronoun-slip", "It was his typo in the rule.", "It was a typo in the rule."),
    ("possessive.pronoun-act", "She reverted her own commit.", "She reverted the commit."),
]


@pytest.mark.parametrize(("edit_id", "text", "expected"), list(EDIT_CASES), ids=[c[0] for c in EDIT_CASES])
def test_edit_table(edit_id: str, text: str, expected: str) -> None:
    changed, applied = apply_edits(text, EDITS)
    assert applied == [edit_id]
    assert changed == expected


def test_every_edit_and_safeguard_has_a_case_and_a_unique_id() -> None:
    ids = [edit.id for edit in EDITS + SAFEGUARDS]
    assert len(ids) == len(set(ids))
    assert {case[0] for case in EDIT_CASES} == {edit.id for edit in EDITS}


def test_the_timeline_gives_the_time_until_which_an_alert_was_not_acted_on() -> None:
    sentence = "The on-call engineer should have noticed the alert at 02:10."
    rewrite = OfflineRewriter(times=["01:55", "02:10", "02:25", "03:00"]).rewrite(sentence, lint_text(sentence))
    assert rewrite.text == "The alert at 02:10 was not acted on until 02:25."


# (id, sentence, the reason the offline rewriter gives for leaving it alone)
NO_REWRITES: list[tuple[str, str, str]] = [
    ("only-judgement", "The engineer was careless.", "only a judgement of a person"),
    ("no-object", "Then the engineer on call panicked.", "cannot be taken out"),
    ("if-had", "If the reviewer had looked at the diff, this would never have shipped.", "a counterfactual 'if"),
    ("nothing-left-of-the-cause", "Bob Lindqvist caused the outage.", "nothing is said without the doer"),
    ("nothing-left-of-the-by-cause", "The outage was caused by a single maintenance worker.", "cannot be taken out"),
    ("modifier-before-doer", "Work crews cut an underground cable near Green Run.", "cannot be taken out"),
    ("number-before-doer", "Inspectors found two contractors opened the wrong flange.", "cannot be taken out"),
    ("clause-as-object", "The operator believed that there was too much water.", "cannot be taken out"),
    ("reflexive-object", "The developer described himself as confused.", "cannot be taken out"),
    (
        "second-act-without-object",
        "The contractor shrugged his shoulders and acted like he did not know.",
        "cannot be taken out",
    ),
    (
        "doer-in-a-list",
        "Nurses, anaesthetists, and surgeons failed to cross-check documentation.",
        "cannot be taken out",
    ),
    ("one-of-the-doers", "On 2021-08-03, one of our engineers made a bad database migration.", "cannot be taken out"),
    ("modifier-before-new-article", 'It was the result of "individual human error" at the desk.', "would not read"),
    (
        "by-phrase-not-the-person",
        "The delay was caused by a miscommunication between the dispatcher and the caller.",
        "cannot be taken out",
    ),
    ("two-objects", "The nurse gave a patient a medication.", "cannot be taken out"),
    (
        "people-after-by-acting",
        "The outage was caused by a contractor training employees at the plant.",
        "cannot be taken out",
    ),
    ("object-first-of-a-list", "Police filed charges of homicide, driving and endangerment.", "cannot be taken out"),
]


@pytest.mark.parametrize(("sentence", "reason"), [c[1:] for c in NO_REWRITES], ids=[c[0] for c in NO_REWRITES])
def test_no_rewrite_says_why(sentence: str, reason: str) -> None:
    with pytest.raises(NoRewrite, match=reason.replace("(", r"\(")):
        OfflineRewriter().rewrite(sentence, lint_text(sentence))


def test_a_doer_in_a_relative_clause_stays_when_the_main_clause_goes_on() -> None:
    sentence = "The employee who mistakenly launched the alarm was reassigned."
    item = reword(sentence, lint_text(sentence))
    assert item.offered is None
    assert item.reasons == [
        "offline rewrite 'The employee who launched the alarm was reassigned.' rejected: "
        "still blame.person_focused_remediation: 'was reassigned'"
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The DBA's careless change took the cluster down for two hours.",
         "A change took the cluster down for two hours."),
        ("Dana forgot to renew the certificate, and checkout went down.",
         "The certificate was not renewed, and checkout went down."),
        ("The outage happened because an engineer ran the script against production by mistake.",
         "The outage happened because the script was run against production."),
    ],
    ids=["careless-change", "forgot-to-renew", "ran-by-mistake"],
)  # fmt: skip
def test_the_issues_sentences_on_the_command_line(sentence: str, expected: str) -> None:
    result = CliRunner().invoke(cli, ["reword", sentence])
    assert result.exit_code == 0, result.output
    assert f"rewrite (offline, verified): {expected}" in result.stdout
    assert "template, not a rewrite" not in result.stdout


def test_reword_a_file_in_json_says_the_source_and_why_not(tmp_path: Path) -> None:
    draft = tmp_path / "pm.md"
    draft.write_text("Dana forgot to renew the certificate.\n\nThe engineer was careless.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["reword", "--file", str(draft), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["sentences"]
    assert [(row["source"], row["rewrite"] and row["rewrite"]["text"]) for row in rows] == [
        ("offline", "The certificate was not renewed."),
        (None, None),
    ]
    assert rows[1]["why_no_rewrite"][0].startswith("offline: only a judgement of a person")


# (id, rewrite of ORIGINAL, the problem the verifier must report)
ORIGINAL = "At 02:10 Dana forgot to renew the `api-cert` certificate for checkout, a 45 minutes outage."
REJECTIONS = [
    ("lost-fact", "At 02:10 the certificate for checkout was not renewed, a 45 minutes outage.",
     "lost identifier '`api-cert`'"),
    ("new-content-word", "At 02:10 the `api-cert` certificate for checkout expired, a 45 minutes outage.",
     "new word 'expired'"),
    ("still-blame", "At 02:10 Dana neglected to renew the `api-cert` certificate for checkout, a 45 minutes outage.",
     "still blame.counterfactual: 'neglected to'"),
    ("lost-duration", "At 02:10 the `api-cert` certificate for checkout was not renewed, an outage.",
     "lost duration '45 minutes'"),
]  # fmt: skip


@pytest.mark.parametrize(("rewrite", "problem"), [c[1:] for c in REJECTIONS], ids=[c[0] for c in REJECTIONS])
def test_verification_rejects(rewrite: str, problem: str) -> None:
    verdict = verify_rewrite(ORIGINAL, rewrite)
    assert not verdict.ok
    assert problem in verdict.problems


def test_verification_passes_the_offline_rewrite_of_it() -> None:
    rewrite = OfflineRewriter().rewrite(ORIGINAL, lint_text(ORIGINAL))
    assert rewrite.text == "At 02:10 the `api-cert` certificate was not renewed for checkout, a 45 minutes outage."
    assert verify_rewrite(ORIGINAL, rewrite.text).ok


SET = [
    {"id": "r1", "text": "Dana forgot to renew the certificate, and checkout went down.", "split": "dev",
     "reference": "The certificate was not renewed, and checkout went down.", "facts": ["certificate", "checkout"],
     "removed": ["Dana", "forgot"]},
    {"id": "r2", "text": "The engineer was careless.", "split": "dev", "reference": None, "facts": [],
     "removed": ["careless"]},
    {"id": "r3", "text": "The cache expired at 02:10.", "split": "test", "reference": "The cache expired at 02:10.",
     "facts": ["02:10"], "removed": []},
]  # fmt: skip


def test_reword_eval_scores_each_part(tmp_path: Path) -> None:
    labelled = tmp_path / "rewrites.jsonl"
    labelled.write_text("".join(json.dumps(row) + "\n" for row in SET), encoding="utf-8")
    result = CliRunner().invoke(cli, ["reword", "--eval", str(labelled), "--split", "dev", "--show", "2"])
    assert result.exit_code == 0, result.output
    assert "| dev | 2 | 2 | 1 | 50% | 1/1 (100%) | 0 | 2/2 (100%) | 100% | 1.00 (0.63) |" in result.stdout
    assert "| test |" not in result.stdout
    assert "  rewrite:   The certificate was not renewed, and checkout went down." in result.stdout
    assert "  no rewrite: offline: only a judgement of a person" in result.stdout
    data = json.loads(CliRunner().invoke(cli, ["reword", "--eval", str(labelled), "--format", "json"]).stdout)
    assert [(p["split"], p["flagged"], p["offered"]) for p in data["parts"]] == [("dev", 2, 1), ("test", 0, 0)]


def test_reword_eval_names_a_malformed_row(tmp_path: Path) -> None:
    labelled = tmp_path / "rewrites.jsonl"
    labelled.write_text(json.dumps(SET[0]) + "\n" + '{"id": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["reword", "--eval", str(labelled)])
    assert result.exit_code == 2
    assert f"{labelled}:line 2: not a rewrite-set row (missing or malformed field 'text')" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("form", "past"),
    [("renew", False), ("commit", False), ("forget", False), ("apply", False), ("read", False), ("ran", True),
     ("took", True), ("saw", True), ("broke", True), ("set", True), ("left", True), ("found", True)],
)  # fmt: skip
def test_the_exported_verb_forms_agree_with_lemminflect(form: str, past: bool) -> None:
    lemminflect = pytest.importorskip("lemminflect")
    lemma = lemminflect.getAllLemmas(form, upos="VERB")["VERB"][0] if past else form
    expected = lemminflect.getInflection(lemma, tag="VBN")[0]
    assert participle(form, past=past) == expected
