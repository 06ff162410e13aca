"""`postmortem lint --model`: the model judges only the sentences the offline lint is unsure of."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.errors import EndpointError
from postmortem_writer.lint import classifier
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import blame_probability, lint_text
from postmortem_writer.lint.model_judge import UNSURE_BAND, JudgedRun, ModelJudge, lint_with_model
from postmortem_writer.llm.backend import Request
from postmortem_writer.llm.cache import Cache
from postmortem_writer.llm.calls import Caller
from postmortem_writer.testing.fake import FunctionBackend, ScriptItem
from postmortem_writer.testing.loopback import Answer, Fault, LoopbackServer

CLEAR: dict[str, Any] = {"blame_prone": False, "category": "", "span": "", "why": "describes a system"}
UNSURE = "He isn't a details person."

# (id, sentence, sent to the model, why)
SENDING = [
    ("no-finding-in-band", UNSURE, True, "nothing fired, the classifier is near its threshold"),
    ("no-finding-in-band-2", "Didn\u2019t even build it.", True, "nothing fired, near the threshold"),
    (
        "classifier-finding-in-band",
        "Contributing to the accident was his delayed decision to initiate a go-around.",
        True,
        "only the classifier flagged it, just above its threshold",
    ),
    (
        "classifier-finding-far-above",
        "He removed the tape holding it in, and removed the sticker saying DO NOT UNPLUG.",
        False,
        "the classifier is sure",
    ),
    ("far-below", "That happens every day in \u2018startups\u2019.", False, "the classifier is sure it is clean"),
    ("neutral-timeline", "The deploy went out at 14:02.", False, "far below the band"),
    ("cue-rule", "Simply because he didn't check.", False, "a cue rule decided it"),
    ("agent-analysis", "And he had just executed a destructive command on it.", False, "the agent analysis decided it"),
]


def judge_with(answer: Any, *, cache: Cache | None = None, config: LintConfig | None = None) -> ModelJudge:
    """A judge over a FunctionBackend answering ``answer(request)``."""
    backend = FunctionBackend(answer, model="judge-model")
    return ModelJudge(Caller(backend, cache=cache), config or LintConfig())


def requests_of(judge: ModelJudge) -> list[Request[Any]]:
    backend = judge.caller.backend
    assert isinstance(backend, FunctionBackend)
    return backend.requests


def sent_text(request: Request[Any]) -> str:
    """The data line of a judge request: the sentence as the model saw it."""
    return request.messages[1]["content"].splitlines()[1]


def run(text: str, judge: ModelJudge, config: LintConfig | None = None) -> JudgedRun:
    return lint_with_model([("doc.md", text)], config or LintConfig(), judge)


@pytest.mark.parametrize(("sentence", "sent"), [pytest.param(s, sent, id=i) for i, s, sent, _ in SENDING])
def test_only_unsure_sentences_are_sent(sentence: str, sent: bool) -> None:
    judge = judge_with(lambda request: CLEAR)
    run(sentence, judge)
    in_band = abs(blame_probability(sentence, LintConfig()) - classifier.model().threshold) <= UNSURE_BAND
    assert [sent_text(r) for r in requests_of(judge)] == ([sentence] if sent else [])
    if sent:
        assert in_band, "a sentence is sent only when the classifier is unsure of it"


def test_a_clearing_verdict_replaces_the_classifier_finding() -> None:
    sentence = SENDING[2][1]
    assert [f.source for f in lint_text(sentence)] == ["classifier"]
    assert run(sentence, judge_with(lambda request: CLEAR)).findings == [[]]


def test_a_model_finding_explains_itself() -> None:
    answer = {
        "blame_prone": True,
        "category": "judgmental_characterization",
        "span": "isn't a details person",
        "why": "judges the person's character",
    }
    result = run(f"# Summary\n\n{UNSURE}\n", judge_with(lambda request: answer))
    [finding] = result.findings[0]
    assert finding.rule_id == "blame.model.judgmental_characterization"
    assert finding.category == "judgmental_characterization"
    assert finding.source == "model"
    assert finding.match == "isn't a details person"
    assert (finding.line, finding.column) == (3, 4)
    assert "judged by judge-model: judges the person's character" in finding.message
    assert finding.suggestions, "the category's templates come with it"
    assert result.warning() is None


def test_disabling_model_rules_sends_nothing() -> None:
    judge = judge_with(lambda request: CLEAR)
    run(UNSURE, judge, LintConfig().with_rules({"blame.model": False}))
    assert requests_of(judge) == []


# (id, the answers in turn, whether a finding results, requests sent)
GROUNDING = [
    ("span-not-in-sentence", [{"span": "not a team player"}] * 3, False, 3),
    ("span-empty", [{"span": ""}] * 3, False, 3),
    ("unknown-category", [{"category": "laziness"}] * 3, False, 3),
    ("re-asked-then-grounded", [{"span": "isnt a details person"}, {}], True, 2),
]


@pytest.mark.parametrize(("answers", "found", "sent"), [pytest.param(a, f, n, id=i) for i, a, f, n in GROUNDING])
def test_an_ungrounded_answer_is_re_asked_then_dropped(answers: list[dict[str, Any]], found: bool, sent: int) -> None:
    good = {"blame_prone": True, "category": "judgmental_characterization", "span": "a details person", "why": "w"}
    script = iter(answers)
    judge = judge_with(lambda request: good | next(script))
    result = run(UNSURE, judge)
    assert len(requests_of(judge)) == sent
    assert [f.match for f in result.findings[0]] == (["a details person"] if found else [])
    assert (result.warning() is None) == found
    if not found:
        assert "did not judge 1 of 1 unsure sentence(s)" in (result.warning() or "")


def test_the_cache_makes_a_re_run_free(tmp_path: Path) -> None:
    answer = {"blame_prone": True, "category": "judgmental_characterization", "span": "a details person", "why": "w"}
    text = f"{UNSURE} Didn\u2019t even build it."
    cache = Cache(tmp_path / "answers.sqlite3")
    first = judge_with(lambda request: answer if "details" in sent_text(request) else CLEAR, cache=cache)
    before = run(text, first)
    assert len(requests_of(first)) == 2
    again = judge_with(lambda request: pytest.fail("answered from the cache"), cache=cache)
    after = run(text, again)
    assert after.findings == before.findings
    assert (again.caller.totals.calls, again.caller.totals.cached) == (0, 2)
    cache.close()


def test_a_dropped_answer_is_not_paid_for_twice(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "answers.sqlite3")
    bad = {"blame_prone": True, "category": "individual_as_cause", "span": "nobody", "why": "w"}
    run(UNSURE, judge_with(lambda request: bad, cache=cache))
    again = judge_with(lambda request: pytest.fail("answered from the cache"), cache=cache)
    assert run(UNSURE, again).warning() is not None
    cache.close()


def test_a_refusal_leaves_the_offline_findings_with_one_warning() -> None:
    text = "\n\n".join(case[1] for case in SENDING)

    def refuse(request: Request[Any]) -> ScriptItem:
        raise EndpointError("127.0.0.1 refused the request: HTTP 403")

    result = run(text, judge_with(refuse))
    assert result.findings == [lint_text(text, path="doc.md")]
    warning = result.warning() or ""
    assert "\n" not in warning
    assert warning.startswith("model judge-model did not judge 3 of 3 unsure sentence(s) (127.0.0.1 refused")


def test_the_model_sees_placeholders_and_labels_and_the_span_maps_back() -> None:
    sentence = "Kevin mailed jane@example.com the wrong key, said Priya Raman."
    seen: list[str] = []

    def answer(request: Request[Any]) -> ScriptItem:
        seen.append(sent_text(request))
        return {"blame_prone": True, "category": "individual_as_cause", "span": "Person 1 mailed [EMAIL-1]", "why": "w"}

    config = LintConfig().with_people(["Priya Raman"])
    verdict = judge_with(answer, config=config).judge(sentence)
    assert seen == ["Person 1 mailed [EMAIL-1] the wrong key, said Person 2."]
    assert sentence[verdict.start : verdict.end] == "Kevin mailed jane@example.com"


def lint_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def judge_answer(body: dict[str, Any]) -> Answer:
    """What a loopback model says: blame-prone when the sentence judges a person's character."""
    data = body["messages"][-1]["content"].splitlines()[1]
    if "details person" in data:
        return Answer({"blame_prone": True, "category": "judgmental_characterization", "span": "a details person",
                       "why": "judges a person"})  # fmt: skip
    return Answer(CLEAR)


def test_lint_with_a_model_endpoint(tmp_path: Path) -> None:
    doc = tmp_path / "pm.md"
    doc.write_text(f"{UNSURE}\n\nThe deploy went out at 14:02.\n", encoding="utf-8")
    with LoopbackServer(responder=judge_answer) as server:
        endpoint = ["--base-url", server.url, "--model", "tiny", "--mode", "tools", "--cache-dir", str(tmp_path)]
        code, out, err = lint_cli(str(doc), *endpoint)
        sent = len(server.requests)
        assert lint_cli(str(doc), *endpoint)[2].count("(0 model calls, 1 cached)") == 1
        sarif = json.loads(lint_cli(str(doc), *endpoint, "--format", "sarif")[1])["runs"][0]
        assert len(server.requests) == sent == 1
    [result] = sarif["results"]
    assert sarif["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert result["ruleId"] == "blame.model.judgmental_characterization"
    assert code == 1, err
    assert "blame.model.judgmental_characterization" in out
    assert "judged by tiny" in out
    assert "model tiny: 1 unsure sentence(s) asked about (1 model calls, 0 cached)" in err


def test_lint_with_a_refusing_endpoint_keeps_the_offline_result(tmp_path: Path) -> None:
    doc = tmp_path / "pm.md"
    doc.write_text("\n\n".join(case[1] for case in SENDING) + "\n", encoding="utf-8")
    offline = lint_cli(str(doc))
    with LoopbackServer([Fault(401, message="Incorrect API key provided")]) as server:
        code, out, err = lint_cli(
            str(doc), "--base-url", server.url, "--model", "tiny", "--mode", "tools", "--cache-dir", str(tmp_path)
        )
        assert len(server.requests) == 1, "a refusal costs one request"
    assert (code, out) == offline[:2]
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        next(line for line in err.splitlines() if "did not judge 3 of 3" in line)
    ]
    assert "Traceback" not in err


def test_eval_reports_both_paths(tmp_path: Path) -> None:
    cases = tmp_path / "set.jsonl"
    rows = [
        {"id": "a", "text": UNSURE, "labels": ["judgmental_characterization"], "split": "dev", "source": "s"},
        {"id": "b", "text": "The deploy went out at 14:02.", "labels": [], "split": "dev", "source": "s"},
        {"id": "c", "text": "Didn\u2019t even build it.", "labels": [], "split": "other", "source": "s"},
    ]
    cases.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with LoopbackServer(responder=judge_answer) as server:
        code, out, err = lint_cli(
            "--eval", str(cases), "--split", "dev", "--base-url", server.url, "--model", "tiny", "--mode", "tools"
        )
    assert code == 0, err
    table = [line for line in out.splitlines() if line.startswith(("| path", "| offline", "| with"))]
    assert table == [
        "| path | sent to the model | sentence P | R | F1 | category P | R | F1 |",
        "| offline | — | — | 0.00 | — | — | 0.00 | — |",
        "| with tiny | 1 | 1.00 | 1.00 | 1.00 | 1.00 | 1.00 | 1.00 |",
    ]
