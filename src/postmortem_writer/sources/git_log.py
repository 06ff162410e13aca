"""``git log`` output: the default (medium) and fuller formats, and ``--pretty=format:`` records.

A commit is evidence of a change, not of when it shipped (a deploy record says that), so commits
carry the ``commit`` signal and stay off the timeline unless the draft cites them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event, Signal, SourceKind
from postmortem_writer.sources.base import UNKNOWN_ACTOR, Document, Parsed, SourceOptions, guess_actor_kind
from postmortem_writer.timeparse import parse_instant

_COMMIT = re.compile(r"^commit (?P<sha>[0-9a-f]{7,64})\b")
_HEADER = re.compile(r"^(?P<key>[A-Za-z]+):\s+(?P<value>.*)$")
_PERSON = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^>]*)>\s*$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_SHAS = re.compile(r"^[0-9a-f]{7,64}(?: [0-9a-f]{7,64})*$")
# %aI/%cI (strict ISO) or %ai/%ci ("2025-03-04 10:58:03 +0100"): a date field of a pretty record.
_ISO = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z| ?[+-]\d\d:?\d\d)?$")
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+$")
_RAW_DATE = re.compile(r"^(?P<epoch>\d{1,11}) (?P<offset>[+-]\d{4})$")
# --date=short and --date=relative ("2025-03-04", "2 hours ago") carry no clock time: read with a
# zone they would be midnight, a wrong time rather than a missing one.
_CLOCK = re.compile(r"\d:\d\d")
_SEPARATORS = ("\x1f", "\t", "|")


class GitLogAdapter:
    """Reads one event per commit, at its commit date when the output has one, else its author date."""

    name = "git-log"
    kind = SourceKind.DEPLOY
    description = (
        "git log output: the default or --pretty=fuller format, or --pretty=format: records with fields "
        "separated by unit separators, tabs or |"
    )
    hint = "text starting `commit <sha>`, or lines whose first field is a commit hash and which hold an ISO date"
    example = "git log --pretty=format:'%H%x1f%an%x1f%aI%x1f%cI%x1f%s%x1e' > git.log; postmortem ingest git.log"
    signature = (
        ("`commit <hash>` lines", r"^commit [0-9a-f]{7,64}", r"^[0-9a-f]{7,64}[\x1f\t|]"),
        (
            "`Author:`/`Date:` headers or ISO dates",
            r"^(Author|Date|AuthorDate|CommitDate):",
            r".*\d{4}-\d\d-\d\dT\d\d:",
        ),
    )

    def sniff(self, doc: Document) -> bool:
        """True for the medium/fuller layout, or when the first record is sha + ISO date fields."""
        try:
            first = next((line.lstrip("\ufeff") for line in doc.lines() if line.strip("\ufeff\r\n")), "")
        except InputError:
            return False
        if _COMMIT.match(first):
            return True
        fields = _split(first.split("\x1e", 1)[0])
        return len(fields) >= 3 and bool(_SHA.match(fields[0])) and any(_ISO.match(f) for f in fields)

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Commits oldest first; a malformed commit or record is skipped."""
        text = doc.text.lstrip("\ufeff")
        records = _medium(text) if _COMMIT.match(text.lstrip("\r\n")) else _pretty(text)
        parsed = Parsed()
        parsed.collect(records, lambda position, fields: self._event(doc.name, position, fields, options))
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, fields: dict[str, str], options: SourceOptions) -> Event:
        for key in ("authored", "committed"):
            if fields.get(key) and not _CLOCK.search(fields[key]):
                raise InputError(
                    f"git date {fields[key]!r} has no time of day; run git log with --date=iso-strict (or the default)",
                    path=path,
                    position=position,
                )
        authored, committed = (
            parse_instant(fields[key], tz=options.tz, path=path, position=position) if fields.get(key) else None
            for key in ("authored", "committed")
        )
        ts = committed or authored
        if ts is None:
            raise InputError("commit has no date", path=path, position=position)
        author = fields.get("author") or fields.get("email") or UNKNOWN_ACTOR
        subject = fields.get("subject") or "(no message)"
        sha = fields["sha"]
        return Event(
            ts=ts,
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({sha[:7]})",
            actor=author,
            actor_kind=guess_actor_kind(author),
            text=f"Commit {sha[:7]} by {author}: {subject}",
            signal=Signal.COMMIT,
            native_id=sha,
            meta={
                "time_is": "commit date" if committed else "author date",
                "authored": authored.isoformat() if authored else None,
                "committed": committed.isoformat() if committed else None,
                "parents": fields.get("parents") or None,
                "merge": len((fields.get("parents") or "").split()) > 1,
            },
        )


def _medium(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Commits of the medium/fuller layouts: headers, a blank line, the message indented four spaces."""
    fields: dict[str, str] = {}
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        commit = _COMMIT.match(line)
        if commit:
            if fields:
                yield f"line {start}", fields
            fields, start = {"sha": commit["sha"]}, number
            continue
        if not fields:
            continue
        if line.startswith("    "):
            if line.strip() and "subject" not in fields:
                fields["subject"] = line.strip()
            continue
        header = _HEADER.match(line)
        if header is None or "subject" in fields:
            continue
        key, value = header["key"].lower(), header["value"].strip()
        if key == "author":
            person = _PERSON.match(value)
            fields["author"] = person["name"] if person else value
            fields["email"] = person["email"] if person else ""
        elif key in ("date", "authordate"):
            fields["authored"] = _git_date(value)
        elif key == "commitdate":
            fields["committed"] = _git_date(value)
        elif key == "merge":
            fields["parents"] = value
    if fields:
        yield f"line {start}", fields


def _git_date(value: str) -> str:
    # "Tue Mar 4 10:58:03 2025 +0100" (the default --date) → ISO, so parse_instant keeps the offset.
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %Y %z").isoformat()
    except ValueError:
        pass
    # --date=raw: "1741082719 +0100", epoch seconds and the author's offset.
    raw = _RAW_DATE.match(value)
    if raw:
        offset = datetime.strptime(raw["offset"], "%z").tzinfo
        return datetime.fromtimestamp(int(raw["epoch"]), offset).isoformat()
    return value


def _split(record: str) -> list[str]:
    separator = next((s for s in _SEPARATORS if s in record), None)
    return [field.strip() for field in record.split(separator)] if separator else [record.strip()]


def _pretty(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """``--pretty=format:`` records: record separator \\x1e when used, else one per line.

    Fields are told by content, since the format string is not in the output: the first field is
    the hash, hashes after it the parents, the first date the author date and the second the
    committer date, an address the author's e-mail, the first other field the author's name, and
    the last field the subject.
    """
    if "\x1e" in text:
        for number, record in enumerate(text.split("\x1e"), start=1):
            if record.strip():
                yield f"record {number}", _classify(_split(record.strip("\r\n")))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield f"line {number}", _classify(_split(line))


def _classify(fields: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    if not fields or not _SHA.match(fields[0]) or len(fields) < 3:
        return {"sha": fields[0][:12] if fields else "?"}
    result["sha"], subject, middle = fields[0], fields[-1], fields[1:-1]
    result["subject"] = subject
    dates = [f for f in middle if _ISO.match(f)]
    if dates:
        result["authored"] = dates[0]
    if len(dates) > 1:
        result["committed"] = dates[1]
    for field in middle:
        if field in dates or not field:
            continue
        if _SHAS.match(field) and "parents" not in result:
            result["parents"] = field
        elif _EMAIL.match(field) and "email" not in result:
            result["email"] = field
        elif "author" not in result and not _SHAS.match(field) and not _EMAIL.match(field):
            result["author"] = field
    return result
