"""Finding secrets and personal data in a text: the library's detectors, our patterns, phone numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

import phonenumbers

from postmortem_writer.redact.patterns import PATTERNS, PRIORITY, Kind, Pattern

SUPPORTED_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)
"""Country codes ``phone_region`` accepts."""

LIBRARY_DETECTORS = (
    ("artifactory", "ArtifactoryDetector"),
    ("aws", "AWSKeyDetector"),
    ("azure_storage_key", "AzureStorageKeyDetector"),
    ("basic_auth", "BasicAuthDetector"),
    ("cloudant", "CloudantDetector"),
    ("discord", "DiscordBotTokenDetector"),
    ("github_token", "GitHubTokenDetector"),
    ("gitlab_token", "GitLabTokenDetector"),
    ("ibm_cloud_iam", "IbmCloudIamDetector"),
    ("ibm_cos_hmac", "IbmCosHmacDetector"),
    ("jwt", "JwtTokenDetector"),
    ("mailchimp", "MailchimpDetector"),
    ("npm", "NpmDetector"),
    ("openai", "OpenAIDetector"),
    ("pypi_token", "PypiTokenDetector"),
    ("sendgrid", "SendGridDetector"),
    ("slack", "SlackDetector"),
    ("softlayer", "SoftlayerDetector"),
    ("square_oauth", "SquareOAuthDetector"),
    ("stripe", "StripeDetector"),
    ("telegram_token", "TelegramBotTokenDetector"),
    ("twilio", "TwilioKeyDetector"),
)
"""detect-secrets' credential detectors we run (module, class). Left out: the entropy detectors
(they flag every commit SHA and trace id an incident cites), the keyword detector (tuned for source
code; ``patterns`` has our ``key=value`` rows), the private-key detector (it flags only the
``BEGIN`` line; ``private-key-block`` takes the whole block) and public IPs (``ipv4``/``ipv6``).
Only ``analyze_string`` is called: the detectors' ``verify`` would send the value to its vendor."""

# A detector may report a prefix of a token (detect-secrets' JWT pattern stops before the
# signature): the replaced span runs on to the token's end.
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_\-+/=.]*")
# Every credential the library knows holds a run of a dozen token characters mixing letters and
# digits (passwords in URLs, which may be short, are ``url-password``'s): a text without one skips
# the two dozen detectors, which is most chat.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-+/=]{12,}")
# Seven digits with only phone punctuation between them; only such runs go to libphonenumber.
_PHONE_RUN = re.compile(r"\+?\(?\d(?:[\s().\-/]{0,3}\d){6,16}")
# libphonenumber reads "2024-12-03 05" as a US number; an incident channel is full of dates and times.
_DATE_OR_TIME = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d:\d\d")


_RANK = {kind: index for index, kind in enumerate(PRIORITY)}


class _Plugin(Protocol):
    def analyze_string(self, string: str) -> Iterator[str]: ...


@dataclass(frozen=True, order=True)
class Hit:
    """One value found: ``text[start:end]``, what kind, and which rule found it."""

    start: int
    end: int
    kind: Kind
    rule: str


class Detector:
    """Every detection over a text, overlaps resolved so each character is in at most one hit.

    ``keep`` kinds are left as they are; ``allow`` values are never replaced (a shared test
    account's address, a documentation IP); ``phone_region`` reads numbers written without a
    country code the way that country writes them (``None``: only ``+``-prefixed numbers).
    """

    def __init__(
        self,
        *,
        keep: Iterable[Kind] = (),
        allow: Iterable[str] = (),
        phone_region: str | None = "US",
        extra: Iterable[Pattern] = (),
    ) -> None:
        self.keep = frozenset(keep)
        self.allow = frozenset(value.casefold() for value in allow)
        self.phone_region = phone_region
        self.patterns = tuple(p for p in (*PATTERNS, *extra) if p.kind not in self.keep)
        self._plugins: list[tuple[str, _Plugin]] = []
        if Kind.SECRET not in self.keep:
            for module, name in LIBRARY_DETECTORS:
                plugin = getattr(import_module(f"detect_secrets.plugins.{module}"), name)()
                self._plugins.append((f"detect-secrets:{name}", plugin))

    def find(self, text: str) -> list[Hit]:
        """The hits in ``text``, in text order."""
        found = [*self._library(text), *self._patterns(text), *self._phones(text)]
        taken: list[Hit] = []
        # Secrets claim their characters first, then cards, emails, addresses, phones; within a
        # kind the longer hit wins.
        for hit in sorted(found, key=lambda h: (_RANK[h.kind], h.start - h.end, h.start)):
            if text[hit.start : hit.end].casefold() in self.allow:
                continue
            if all(hit.end <= other.start or hit.start >= other.end for other in taken):
                taken.append(hit)
        return sorted(taken)

    def _library(self, text: str) -> Iterator[Hit]:
        if not any(_mixed(run) for run in _TOKEN_RUN.findall(text)):
            return
        for rule, plugin in self._plugins:
            for value in set(plugin.analyze_string(text)):
                if not value:
                    continue
                start = text.find(value)
                while start != -1:
                    tail = _TOKEN_TAIL.match(text, start + len(value))
                    end = tail.end() if tail else start + len(value)
                    # A sentence's full stop is not part of the token.
                    while end > start + len(value) and text[end - 1] == ".":
                        end -= 1
                    yield Hit(start, end, Kind.SECRET, rule)
                    start = text.find(value, start + 1)

    def _patterns(self, text: str) -> Iterator[Hit]:
        lowered = text.lower()
        for pattern in self.patterns:
            if pattern.hints and not any(hint in lowered for hint in pattern.hints):
                continue
            for match in pattern.regex.finditer(text):
                names = pattern.group if isinstance(pattern.group, tuple) else (pattern.group,)
                group = next((name for name in names if match.group(name)), None)
                if group is None:
                    continue
                value = match.group(group)
                if pattern.check is None or pattern.check(value):
                    yield Hit(match.start(group), match.end(group), pattern.kind, pattern.id)

    def _phones(self, text: str) -> Iterator[Hit]:
        if Kind.PHONE in self.keep:
            return
        for run in _PHONE_RUN.finditer(text):
            # The matcher reads a little around the run to judge where a number starts and ends.
            at = max(0, run.start() - 2)
            window = text[at : run.end() + 2]
            matcher = phonenumbers.PhoneNumberMatcher(window, self.phone_region, leniency=phonenumbers.Leniency.VALID)
            for match in matcher:
                # A bare run of digits in incident data is an id (a deployment, an order), not a number to call.
                bare = match.raw_string.isdigit()
                if not bare and not _DATE_OR_TIME.search(match.raw_string):
                    yield Hit(at + match.start, at + match.end, Kind.PHONE, "phone-number")


def _mixed(run: str) -> bool:
    return any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
