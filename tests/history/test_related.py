"""Related incidents of the sample incident from the fixture history, with reasons, and the ranking's quality."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem_writer.evaluation.history import evaluate, load_queries
from postmortem_writer.history.index import HistoryIndex, open_index
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "fixtures" / "history"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> HistoryIndex:
    return open_index([HISTORY], tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def sample(index: HistoryIndex) -> Draft:
    return draft_from(
        ingest([ROOT / "fixtures" / "incidents" / "inc-2025-0304" / "sources"], SourceOptions()), history=index
    )


def test_the_sample_lists_the_related_incidents_and_no_decoy(sample: Draft) -> None:
    names = [Path(item.path).name for item in sample.related_incidents]
    assert sorted(names) == [
        "2024-06-11-payments-late-page.md",
        "2024-08-02-checkout-retries.json",
        "2024-11-18-checkout-redis-pool.md",
        "2025-01-20-checkout-eu-latency.md",
    ]


def test_every_related_incident_says_why_and_cites_this_incidents_events(sample: Draft) -> None:
    indexed = {event.id for event in sample.evidence_index}
    for item in sample.related_incidents:
        assert item.reasons
        assert item.evidence
        assert set(item.evidence) <= indexed
        assert item.title
        assert item.date
        assert "history/" in item.path
    pool = next(item for item in sample.related_incidents if item.path.endswith("checkout-redis-pool.md"))
    assert {"alert CheckoutP99LatencyHigh", "change redis.pool.max_idle"} <= set(pool.reasons)
    assert "Alert on Redis pool wait time" in pool.past_actions


def test_a_recurring_factor_is_flagged_and_warned_about_in_prevention(sample: Draft) -> None:
    late = next(item for item in sample.related_incidents if item.path.endswith("payments-late-page.md"))
    assert late.recurring == ["The first page was not acknowledged when it was sent"]
    assert any(action.startswith("Shorten the escalation timeout") for action in late.past_actions)
    warning = next(line for line in sample.prevention if "The first page was not acknowledged" in line.text)
    assert warning.text.startswith("Recurring process factor")
    assert warning.evidence == ["E12"]


def test_the_labelled_queries_rank_a_relevant_postmortem_first(index: HistoryIndex) -> None:
    queries = load_queries(ROOT / "evals" / "history" / "queries.yaml")
    results = evaluate(index, queries, base=ROOT)
    assert len(results) == len(queries) >= 12
    firsts = [result.top[0] in query.relevant for result, query in zip(results, queries, strict=True)]
    assert all(firsts)
