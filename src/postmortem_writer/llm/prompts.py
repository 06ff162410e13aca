"""Versioned prompt templates from ``prompts/<id>/<version>.{system,user}.j2``, rendered with jinja2.

Event text enters a prompt only inside the data block that ``data_block`` builds, where anything
that could close the block early is neutralised, so a message cannot pose as an instruction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import jinja2

from postmortem_writer.errors import InternalError
from postmortem_writer.injection import neutralise
from postmortem_writer.llm.backend import PromptRef
from postmortem_writer.resources import resource_dir

DATA_OPEN = "<<<INCIDENT_DATA"
DATA_CLOSE = "INCIDENT_DATA>>>"


@dataclass(frozen=True)
class Prompt:
    """One released prompt version: its reference and its two templates."""

    ref: PromptRef
    system: jinja2.Template
    user: jinja2.Template

    def messages(self, **values: object) -> list[dict[str, str]]:
        """System and user messages with ``values`` filled in (an unknown name is an error)."""
        return [
            {"role": "system", "content": self.system.render(**values).strip()},
            {"role": "user", "content": self.user.render(**values).strip()},
        ]


@cache
def load_prompt(prompt_id: str, version: str) -> Prompt:
    """The prompt ``prompt_id`` at ``version``, with a hash of both template files."""
    folder = resource_dir("prompts") / prompt_id
    files = [folder / f"{version}.system.j2", folder / f"{version}.user.j2"]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise InternalError(f"prompt file(s) missing from this installation: {', '.join(missing)}")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    system, user = (env.from_string(path.read_text(encoding="utf-8")) for path in files)
    return Prompt(PromptRef(prompt_id, version, digest.hexdigest()), system, user)


def data_block(lines: list[str]) -> str:
    """``lines`` fenced as data, each one line, neutralised so that nothing in them closes the block."""
    safe = [neutralise(" ⏎ ".join(line.splitlines())) for line in lines]
    return "\n".join([DATA_OPEN, *safe, DATA_CLOSE])
