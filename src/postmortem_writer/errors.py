"""The exception tree of postmortem-writer.

Every error the tool raises on purpose derives from one base, so the CLI can turn it into one
clear line and a non-zero exit code instead of a traceback::

    PostmortemError                  base; never raised directly
    ├── UserError                    the user can fix it: exit code 2
    │   ├── InputError               a source file is unreadable, malformed or of no known format
    │   ├── UsageError               options that contradict each other or name unknown things
    │   └── OutputExistsError        refusing to overwrite an existing file without --force
    └── InternalError                a bug or a broken installation (missing template): exit code 3
        └── GroundingError           a draft cites an unknown event or mistimes an entry (a bug)

Model misbehaviour (invalid output after retries, dangling evidence ids) will get its own branch
beside ``UserError`` when the LLM path lands, because it is neither the user's fault nor a bug.
"""

from __future__ import annotations


class PostmortemError(Exception):
    """Base of every error the tool raises on purpose."""

    exit_code = 1


class UserError(PostmortemError):
    """Something the user can fix: bad input, bad options, an output that already exists."""

    exit_code = 2


class InputError(UserError):
    """A source that cannot be read; names the file and, where it applies, the position in it."""

    def __init__(self, message: str, *, path: str | None = None, position: str | None = None):
        self.message = message
        self.path = path
        self.position = position
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ":".join(part for part in (self.path, self.position) if part)
        return f"{where}: {self.message}" if where else self.message


class UsageError(UserError):
    """Options that cannot work together or that name something unknown."""


class OutputExistsError(UserError):
    """An output file exists and ``--force`` was not given."""


class InternalError(PostmortemError):
    """A bug or a broken installation, such as a template missing from the package."""

    exit_code = 3


class GroundingError(InternalError):
    """A draft cites an event id that does not exist, or an entry's time is not its evidence's."""
