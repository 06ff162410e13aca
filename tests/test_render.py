"""Rendering: the golden Markdown of the sample incident, and the template's table safety."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import UserError
from postmortem_writer.escape import markdown_cell
from postmortem_writer.models import Draft, Event, Provenance, Signal, SourceKind, TimelineEntry, TimelineKind
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.render import mermaid_text, render_json, render_markdown
from postmortem_writer.sources import SourceOptions

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "inc-2025-0304.md"


def _sample_markdown(sample_incident: Path) -> str:
    ingested = ingest([sample_incident], SourceOptions())
    return render_markdown(draft_from(ingested), event_count=len(ingested.stream))


def test_golden_render_of_the_sample_incident(sample_incident: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regenerate after an intended change with POSTMORTEM_UPDATE_GOLDEN=1, then review the diff."""
    # Relative paths, as in the README's command, so the golden file does not depend on the clone.
    monkeypatch.chdir(GOLDEN.parent.parent.parent)
    text = _sample_markdown(sample_incident.relative_to(Path.cwd()))
    if os.environ.get("POSTMORTEM_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
        pytest.skip("golden file regenerated; review its diff")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_render_is_deterministic(sample_incident: Path) -> None:
    assert _sample_markdown(sample_incident) == _sample_markdown(sample_incident)


def _tiny_draft(*times: datetime) -> Draft:
    events = [
        Event(
            id=f"E{n}",
            ts=t,
            source="chat.txt",
            format="chat-text",
            kind=SourceKind.CHAT,
            ref=f"line {n}",
            actor="Priya",
            text="rolled back | p99 ok\nsecond line",
        )
        for n, t in enumerate(times, start=1)
    ]
    timeline = [
        TimelineEntry(time=e.ts, kind=TimelineKind.MITIGATION, description=e.text, evidence=[e.id]) for e in events
    ]
    return Draft(
        title="T", timeline=timeline, evidence_index=events, provenance=Provenance(tool_version="0", extractor="rules")
    )


def test_timeline_shows_dates_only_when_the_incident_spans_days() -> None:
    one_day = render_markdown(_tiny_draft(datetime(2025, 3, 4, 23, 50, tzinfo=UTC)), event_count=1)
    assert "| 23:50:00 | mitigation |" in one_day
    assert "| Time (UTC) | Kind |" in one_day
    two_days = render_markdown(
        _tiny_draft(datetime(2025, 3, 4, 23, 50, tzinfo=UTC), datetime(2025, 3, 5, 0, 10, tzinfo=UTC)), event_count=2
    )
    assert "| 2025-03-05 00:10:00 | mitigation |" in two_days
    assert "| Date and time (UTC) | Kind |" in two_days


def test_table_cells_escape_pipes_and_newlines() -> None:
    assert markdown_cell("a | b\nc") == "a \\| b ⏎ c"
    text = render_markdown(_tiny_draft(datetime(2025, 3, 4, 9, 0, tzinfo=UTC)), event_count=1)
    row = next(line for line in text.splitlines() if line.startswith("| 09:00:00"))
    assert row.count(" | ") == 3  # four cells: the pipe inside the text is escaped


def test_citations_link_to_the_evidence_index() -> None:
    text = render_markdown(_tiny_draft(datetime(2025, 3, 4, 9, 0, tzinfo=UTC)), event_count=1)
    assert "[E1](#ev-e1)" in text
    assert '<a id="ev-e1"></a>E1' in text


def test_user_template(tmp_path: Path) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text("# {{ draft.title }} ({{ draft.timeline | length }} entries)\n", encoding="utf-8")
    assert render_markdown(_tiny_draft(datetime(2025, 3, 4, 9, 0, tzinfo=UTC)), event_count=1, template=template) == (
        "# T (1 entries)\n"
    )


def test_user_template_error_names_file_and_line(tmp_path: Path) -> None:
    template = tmp_path / "broken.md.j2"
    template.write_text("line one\n{{ draft.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"broken\.md\.j2"):
        render_markdown(_tiny_draft(datetime(2025, 3, 4, 9, 0, tzinfo=UTC)), event_count=1, template=template)


def test_json_render_round_trips() -> None:
    draft = _tiny_draft(datetime(2025, 3, 4, 9, 0, tzinfo=UTC))
    assert Draft.model_validate_json(render_json(draft)) == draft


# Source text that would break out of a Mermaid label, the chart or the code fence (ids: the way out).
_MERMAID_ESCAPES = {
    "fence": "done ``` \n# Injected heading",
    "tilde-fence": "done\n~~~\n<script>x</script>",
    "directive": "%%{init: {'securityLevel': 'loose'}}%%",
    "comment": "%% hidden",
    "new-task": "ok :crit, 2025-01-01 00:00:00, 1d\n    click E1 call alert(1)",
    "colon-hash-semicolon": "a:b#35;c;d",
    "html": '<img src=x onerror="alert(1)"> &amp; &#60;',
    "line-separators": "a\u2028section evil\u2029b\rc",
}


@pytest.mark.parametrize("text", _MERMAID_ESCAPES.values(), ids=list(_MERMAID_ESCAPES))
def test_no_source_text_breaks_out_of_the_mermaid_picture(text: str) -> None:
    draft = _tiny_draft(datetime(2025, 3, 4, 9, 0, tzinfo=UTC), datetime(2025, 3, 4, 9, 30, tzinfo=UTC))
    for event in draft.evidence_index:
        event.text, event.source, event.meta = text, f"{text}.csv", {"channel": text}
        event.kind, event.signal = SourceKind.DEPLOY, Signal.DEPLOY
    markdown = render_markdown(draft, event_count=2)
    block = markdown.split("```mermaid\n", 1)[1].split("\n```\n", 1)[0]
    fences = [line for line in markdown.splitlines() if line.lstrip().startswith(("```", "~~~"))]
    assert fences == ["```mermaid", "```"]
    task = re.compile(r"    [\w .,()/+\-…]+ :(?:milestone|crit|active)?[, ]*[\d\- :,]+m?")
    for line in block.splitlines()[3:]:
        assert line.startswith("    section ") or task.fullmatch(line), line
    assert re.fullmatch(r"[\w .,()/+\-…]*", mermaid_text(text))
