"""A model behind the ``Rewriter`` protocol: one schema-constrained call per flagged sentence.

Verification is part of the answer's validation: a rewrite that still blames, or that loses a
time, number, identifier or system name of the original, is sent back to the model with the
reasons (instructor's re-ask), and after the re-asks it is a ``ModelOutputError``. ``reword``
verifies again before offering anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationInfo, model_validator

from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.rewrite import Rewrite
from postmortem_writer.lint.verify import verify_rewrite
from postmortem_writer.llm.backend import Request
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.prompts import DATA_CLOSE, DATA_OPEN, data_block, load_prompt
from postmortem_writer.models import Finding
from postmortem_writer.redact import Redaction

REWORD_PROMPT = ("reword", "v1")


class CheckedRewrite(Rewrite):
    """A rewrite that must pass the verifier against the original in the validation context."""

    @model_validator(mode="after")
    def _verified(self, info: ValidationInfo) -> CheckedRewrite:
        context = info.context or {}
        original = context.get("original")
        if isinstance(original, str):
            verdict = verify_rewrite(original, self.text, config=context.get("config"))
            if not verdict.ok:
                raise ValueError("the rewrite is rejected: " + "; ".join(verdict.problems))
        return self


class ModelRewriter:
    """Rewrites flagged sentences through ``caller``'s model (cached and logged like every call).

    With a ``redaction``, the model sees the sentence with its secrets and personal data replaced,
    and the rewrite it returns gets the values back: the model checks wording, it need not see a
    customer's address to do so.
    """

    def __init__(self, caller: Caller, config: LintConfig | None = None, redaction: Redaction | None = None) -> None:
        self.caller = caller
        self.config = config or LintConfig()
        self.redaction = redaction

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        """A verified rewrite of ``sentence``; ``ModelError`` when the model cannot produce one."""
        if self.redaction is not None:
            hidden = self.redaction.text(sentence)
            matches = [f.model_copy(update={"match": self.redaction.text(f.match)}) for f in findings]
            rewrite = ModelRewriter(self.caller, self.config).rewrite(hidden, matches)
            return rewrite.model_copy(update={"text": self.redaction.restore(rewrite.text)})
        prompt = load_prompt(*REWORD_PROMPT)
        lines = [f"SENTENCE: {sentence}", "FINDINGS:"]
        lines += [f"- {f.category}: {f.message} (matched {f.match!r})" for f in findings]
        request = Request(
            prompt=prompt.ref,
            messages=prompt.messages(data=data_block(lines), data_open=DATA_OPEN, data_close=DATA_CLOSE),
            response_model=CheckedRewrite,
            context={"original": sentence, "config": self.config},
            label="reword",
            remember_invalid=True,  # no verified rewrite is an answer: a re-run should not pay for it again
        )
        return self.caller.call(request).value
