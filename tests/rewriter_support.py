"""A rewriter for tests: known rewrites of known sentences, the sentence back unchanged otherwise
(which the verifier rejects, as it still blames)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from postmortem_writer.lint import reword as reword_module
from postmortem_writer.lint.offline_rewriter import NoRewrite
from postmortem_writer.lint.reword import Rewrite
from postmortem_writer.models import Finding

# Each blame-prone sentence beside a rewrite that lints clean, keeps every fact of it and adds no
# word of its own (what ``verify_rewrite`` asks of any rewriter).
REWRITES = {
    "Dana forgot to renew the certificate, and checkout went down.": (
        "The certificate was not renewed, and checkout went down."
    ),
    "The on-call engineer should have noticed the alert sooner.": "The alert was not acted on sooner.",
    "The reviewer should have spotted the missing index.": "The missing index was not spotted.",
    "At 02:10 the on-call engineer should have noticed the disk alert on db-7.": (
        "At 02:10 the disk alert on db-7 was not acted on."
    ),
}


class KnownRewriter:
    """Satisfies ``Rewriter``: the rewrite its table holds for a sentence, else the sentence itself."""

    def __init__(self, table: Mapping[str, str] = REWRITES) -> None:
        self.table = dict(table)
        self.asked: list[str] = []

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        """The known rewrite of ``sentence``."""
        self.asked.append(sentence)
        return Rewrite(text=self.table.get(sentence, sentence), categories_addressed=[f.category for f in findings])


class NoOffline:
    """Stands in for the offline rewriter where a test checks what its own rewriter does alone."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        """Never a rewrite."""
        raise NoRewrite("the offline rewriter is off in this test")


def without_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the offline fallback off, so the rewriter under test is the only one."""
    monkeypatch.setattr(reword_module, "OfflineRewriter", NoOffline)
