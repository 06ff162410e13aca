"""What a rewriter proposes, and the one-method protocol every rewriter (offline or a model) satisfies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from postmortem_writer.models import Finding


class Rewrite(BaseModel):
    """What a rewriter proposes for one flagged sentence."""

    text: str
    categories_addressed: list[str] = Field(default_factory=list)
    rationale: str = ""
    questions: list[str] = Field(
        default_factory=list, description="for the author, where why it made sense at the time is unknown"
    )


class Rewriter(Protocol):
    """Anything that rewrites a flagged sentence, e.g. a model behind a schema-constrained call."""

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        """A candidate blameless rewrite of ``sentence`` addressing ``findings``."""
        ...
