"""Ranking quality of the history index on labelled queries: precision at k, and what the draft lists.

A query is a text, or a folder of sources that the rules draft and ``related.query_of`` turns into
the query a draft makes. Relevant postmortems are named by file name, so the labels hold whatever
folder the history is passed as. Besides precision at k of the ranking, the figures say the
ceiling the labels allow (a query with one relevant postmortem can reach 1/k at most) and, for
source queries, the precision of the related incidents the draft would list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from postmortem_writer.errors import InputError
from postmortem_writer.history.index import HistoryIndex
from postmortem_writer.history.related import query_of, related_incidents
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions


class Query(BaseModel):
    """One labelled query: a text or a folder of sources, and the file names of the relevant postmortems."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str | None = None
    sources: str | None = None
    relevant: tuple[str, ...]

    @model_validator(mode="after")
    def _one_query(self) -> Query:
        if (self.text is None) == (self.sources is None):
            raise ValueError("give either text or sources")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    queries: list[Query]


@dataclass(frozen=True)
class QueryResult:
    """How one query ranked: its top k file names, how many are relevant, and what the draft listed."""

    id: str
    top: tuple[str, ...]
    hits: int
    relevant: int
    listed: tuple[str, ...] | None  # for a sources query: the related incidents the draft lists


def load_queries(path: Path) -> list[Query]:
    """The labelled queries of ``path`` (YAML); a bad file is an ``InputError`` naming the entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _File.model_validate(data).queries
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the queries ({exc})", path=str(path)) from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InputError(f"{where}: {error['msg']}", path=str(path)) from None


def evaluate(index: HistoryIndex, queries: list[Query], *, base: Path, k: int = 3) -> list[QueryResult]:
    """Rank the history for every query; sources are read relative to ``base``."""
    results: list[QueryResult] = []
    for query in queries:
        listed: tuple[str, ...] | None = None
        if query.sources is not None:
            draft = draft_from(ingest([base / query.sources], SourceOptions()))
            text = query_of(draft)
            listed = tuple(Path(item.path).name for item in related_incidents(draft, index))
        else:
            text = query.text or ""
        top = tuple(Path(past.path).name for past, score in index.scores(text)[:k] if score > 0)
        hits = sum(1 for name in top if name in query.relevant)
        results.append(QueryResult(query.id, top, hits, len(query.relevant), listed))
    return results


def report(results: list[QueryResult], queries: list[Query], k: int = 3) -> str:
    """Per query and overall: precision at k, its ceiling under the labels, and the draft's listed precision."""
    labels = {query.id: set(query.relevant) for query in queries}
    lines = [f"{'query':<18} P@{k}   top {k}"]
    for result in results:
        lines.append(f"{result.id:<18} {result.hits / k:.2f}  {', '.join(result.top)}")
        if result.listed is not None:
            right = sum(1 for name in result.listed if name in labels[result.id])
            shown = f"{right}/{len(result.listed)}" if result.listed else "none listed"
            lines.append(f"{'':<18} listed in the draft: {shown} relevant ({', '.join(result.listed)})")
    precision = sum(r.hits for r in results) / (k * len(results)) if results else 0.0
    ceiling = sum(min(r.relevant, k) for r in results) / (k * len(results)) if results else 0.0
    first = sum(1 for r in results if r.top and r.top[0] in labels[r.id]) / len(results) if results else 0.0
    lines.append(
        f"precision@{k} {precision:.3f} over {len(results)} queries (ceiling under the labels {ceiling:.3f}); "
        f"best result relevant in {first:.0%}"
    )
    return "\n".join(lines)
