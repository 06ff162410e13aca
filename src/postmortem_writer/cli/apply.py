"""``postmortem apply``: a saved review (review.json) folded into a draft."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from postmortem_writer.cli.lint import read_text
from postmortem_writer.cli.options import force_option
from postmortem_writer.output import write_atomic
from postmortem_writer.render import render_json
from postmortem_writer.review import apply_review, draft_hash, read_draft, read_review, reviewed_markdown


@click.command()
@click.argument("draft_path", metavar="DRAFT.json", type=click.Path(path_type=Path))
@click.argument("review_path", metavar="REVIEW.json", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the result here instead of stdout.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="The reviewed postmortem in Markdown (the claims the review page showed), or the whole draft "
    "with the review applied, as JSON.",
)
@click.option("--strict", is_flag=True, help="Exit with code 2 when a decision's claim no longer stands.")
@force_option
def apply(
    draft_path: Path, review_path: Path, output: Path | None, output_format: str, strict: bool, force: bool
) -> None:
    """Fold a review into a draft: edits made, rejected claims gone, accepted factors confirmed.

    REVIEW.json comes from the review page (`postmortem review`). The draft may be a new one,
    drafted again after more sources came in: each decision is kept for the claim it was made on
    while that claim still stands (the same wording in the same section), and the decisions whose
    claims are gone are listed on stderr.

    \b
    Example:
      postmortem apply draft.json review.json -o postmortem.md
    """
    draft = read_draft(str(draft_path), read_text(draft_path))
    review = read_review(str(review_path), read_text(review_path))
    event_count = sum(i.events for i in draft.provenance.inputs)
    today = datetime.now(UTC).date().isoformat()
    if output_format == "json":
        applied = apply_review(draft, review)
        text = render_json(applied.draft)
    else:
        text, applied = reviewed_markdown(draft, review, event_count=event_count, today=today)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force=force)
    other = "" if review.draft_sha256 == draft_hash(draft) else " (the review was made on another draft)"
    click.echo(f"Applied {applied.kept} of {len(review.decisions)} decision(s){other}", err=True)
    for stale in applied.stale:
        click.echo(f"no longer stands: {stale}", err=True)
    if strict and applied.stale:
        raise click.exceptions.Exit(2)
