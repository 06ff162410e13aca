"""The exception tree of postmortem-writer.

Every error the tool raises on purpose derives from one base, so the CLI can turn it into one
clear line and a non-zero exit code instead of a traceback::

    PostmortemError                  base; never raised directly
    ├── UserError                    the user can fix it: exit code 2
    │   ├── InputError               a source file is unreadable, malformed or of no known format
    │   ├── UsageError               options that contradict each other or name unknown things
    │   ├── OutputExistsError        refusing to overwrite an existing file without --force
    │   └── EndpointError            the endpoint refuses the request (bad key, unknown model, mode): permanent
    ├── ModelError                   the model or its endpoint misbehaved: exit code 4
    │   ├── ModelOutputError         invalid output, still wrong after re-asks
    │   │   └── OutputCutOff         the answer hit the token limit (the chunk is halved and asked again)
    │   └── EndpointUnavailable      429/5xx/timeouts/dropped connections, still failing after retries
    │       └── TransientEndpointError  one such fault on one attempt, with the wait it asked for (retried)
    └── InternalError                a bug or a broken installation (missing template): exit code 3
        ├── GroundingError           a draft cites an unknown event or mistimes an entry (a bug)
        └── ScriptExhausted          the scripted fake backend was asked for more than its script holds

A backend classifies what the endpoint did (``TransientEndpointError`` or ``EndpointError``); the
caller's retry policy (``llm/retry.py``) decides whether to retry, how long to wait, and when to
give up with ``EndpointUnavailable``. Model misbehaviour is neither the user's fault nor a bug: a
chunk that raises a ``ModelError`` becomes a marked gap in the draft, and the raw response is kept
for the call log.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``), so a file name cannot forge an output line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


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
        where = ":".join(printable(part) for part in (self.path, self.position) if part)
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


class ScriptExhausted(InternalError):
    """The scripted fake backend ran out of responses: the test expected fewer calls."""


class EndpointError(UserError):
    """The endpoint rejected the request in a way retrying cannot fix (a 4xx, a 5xx validation error)."""


class ModelError(PostmortemError):
    """The model or its endpoint misbehaved; ``raw`` keeps the last response text, if any.

    ``reasons`` says why each attempt's answer was rejected, for the call log.
    """

    exit_code = 4

    def __init__(self, message: str, *, raw: str | None = None, attempts: int = 1, reasons: tuple[str, ...] = ()):
        self.message = message
        self.raw = raw
        self.attempts = attempts
        self.reasons = reasons
        super().__init__(message)


class ModelOutputError(ModelError):
    """Output that does not fit the schema or cites unknown events, even after re-asking."""


class OutputCutOff(ModelOutputError):
    """The answer stopped at the token limit (``finish_reason: length``)."""


class EndpointUnavailable(ModelError):
    """Rate limits, server errors, timeouts or dropped connections that outlasted the retries."""


class TransientEndpointError(EndpointUnavailable):
    """One attempt met a fault that may pass (429, 5xx, a timeout, a dropped connection).

    ``retry_after`` is the wait in seconds the endpoint asked for (``Retry-After``), if it asked;
    ``timed_out`` says the client gave up waiting, so the server may still be computing the answer.
    Backends raise it; the retry policy decides whether to wait and try again. Left unretried it is
    an ``EndpointUnavailable`` like any other.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, attempts: int = 1, timed_out: bool = False):
        super().__init__(message, attempts=attempts)
        self.retry_after = retry_after
        self.timed_out = timed_out
