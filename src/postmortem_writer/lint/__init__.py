"""Blame-language lint and completeness checks for postmortems (``postmortem lint``).

``lint_text`` checks Markdown or plain text, ``lint_draft`` a ``Draft``'s own wording; the rules are
data in ``rules.py``; ``verify.verify_rewrite`` is the check every rewording must pass.
"""

from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_draft, lint_text

__all__ = ["LintConfig", "lint_draft", "lint_text"]
