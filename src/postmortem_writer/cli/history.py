"""``postmortem history``: the search index of earlier postmortems, and the --history option of ``draft``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from postmortem_writer.cli.groups import config_option
from postmortem_writer.config import HistoryConfig, load_config
from postmortem_writer.history.index import HistoryIndex, open_index
from postmortem_writer.llm.cache import CACHE_ENV, default_cache_dir
from postmortem_writer.text import trim


def history_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--history DIR (repeatable): folders of earlier postmortems, added to the settings' ``[history] dirs``."""
    return click.option(
        "--history",
        "history_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Folder of earlier postmortems (our JSON drafts, Markdown by people) to list related incidents from "
        "(repeatable; added to [history] dirs of the settings file).",
    )(func)


def open_history(dirs: tuple[Path, ...], config: HistoryConfig, cache_dir: Path | None) -> HistoryIndex | None:
    """The index of the given folders and the settings' ones (built once, then read from the cache); None if none."""
    folders = list(dict.fromkeys([*(Path(folder) for folder in config.dirs), *dirs]))
    if not folders:
        return None
    index = open_index(folders, cache_dir or default_cache_dir())
    state = "read from the cache" if index.cached else "indexed"
    click.echo(f"history: {len(index.incidents)} earlier postmortem(s) {state}", err=True)
    return index


@click.command("history")
@click.argument("dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--query", "-q", help="Rank the history for this text and show the best five with their scores.")
@click.option(
    "--eval",
    "queries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Labelled queries (YAML, see evals/history/queries.yaml): report precision at 3 of the ranking.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=CACHE_ENV,
    help=f"Where the index is kept [env: {CACHE_ENV}; default: ~/.cache/postmortem-writer].",
)
@config_option
def history(
    dirs: tuple[Path, ...], query: str | None, queries: Path | None, cache_dir: Path | None, config: Path | None
) -> None:
    """Show the search index of earlier postmortems that drafts list related incidents from.

    DIRS are folders of earlier postmortems: our JSON drafts (`postmortem draft --format json`) and
    Markdown postmortems written by people, with any headings. They are indexed once (BM25) into the
    cache folder; an unchanged history is read back from there. Without DIRS, the folders of the
    settings file's [history] table.

    \b
    Examples:
      postmortem history fixtures/history
      postmortem history fixtures/history --query "redis connection pool exhausted in checkout"
      postmortem history fixtures/history --eval evals/history/queries.yaml
      postmortem draft fixtures/incidents/inc-2025-0304/sources --history fixtures/history -o pm.md
    """
    settings = load_config(config)
    index = open_history(dirs, settings.history, cache_dir)
    if index is None:
        raise click.UsageError("give a folder of earlier postmortems, or set [history] dirs in the settings file")
    click.echo(f"index: {index.location}")
    if queries is not None:
        # Imported here: only the evaluation needs the pipeline that drafts source queries.
        from postmortem_writer.evaluation.history import evaluate, load_queries, report

        labelled = load_queries(queries)
        click.echo(report(evaluate(index, labelled, base=Path.cwd()), labelled))
        return
    if query is not None:
        for past, score in index.scores(query)[:5]:
            click.echo(f"{score:7.3f}  {past.date or '----------'}  {past.path}  {trim(past.title, 80)}")
        return
    for past in index.incidents:
        click.echo(
            f"{past.date or '----------'}  {past.path}  {trim(past.title, 80)}  "
            f"({len(past.factors)} factor(s), {len(past.actions)} action item(s))"
        )
