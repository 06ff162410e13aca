"""``postmortem review``: a draft as one self-contained HTML page to review it in a browser."""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_writer.cli.lint import read_text
from postmortem_writer.cli.options import SourceFlags, force_option, read_sources, source_options
from postmortem_writer.cli.scope import scope_options
from postmortem_writer.output import write_atomic
from postmortem_writer.review import check_stream, read_draft, render_review
from postmortem_writer.sources.scope import Scope


@click.command()
@click.argument("draft_path", metavar="DRAFT.json", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the page here instead of stdout.")
@click.option(
    "--sources",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="The sources the draft was made from (repeat for each): the page shows each cited message "
    "with its neighbours in the channel, not only the other cited ones.",
)
@source_options
@scope_options
@force_option
def review(
    draft_path: Path,
    output: Path | None,
    sources: tuple[Path, ...],
    source_flags: SourceFlags,
    scope: Scope,
    force: bool,
) -> None:
    """Write the review page of a draft: every claim beside the events it cites.

    DRAFT.json is a draft written by `postmortem draft --format json`. The page is one HTML file
    that fetches nothing (open it from disk or attach it to a ticket). Select a claim or an
    evidence id to read the cited events with the messages around them; accept, edit or reject
    each claim, take the suggested blameless rewordings, then download the reviewed Markdown or
    the decisions as review.json (fold them into a later draft with `postmortem apply`).

    \b
    Examples:
      postmortem draft fixtures/incidents/inc-2025-0304/sources --format json -o draft.json
      postmortem review draft.json -o review.html
      postmortem review draft.json --sources fixtures/incidents/inc-2025-0304/sources -o review.html
    """
    draft = read_draft(str(draft_path), read_text(draft_path))
    stream = None
    if sources:
        stream = list(read_sources(sources, source_flags, scope).stream)
        check_stream(draft, stream)
    event_count = len(stream) if stream is not None else sum(i.events for i in draft.provenance.inputs)
    page = render_review(draft, event_count=event_count, stream=stream)
    if output is None:
        click.echo(page, nl=False)
    else:
        write_atomic(output, page, force=force)
        click.echo(f"Wrote the review page of {len(draft.evidence_index)} cited events to {output}", err=True)
