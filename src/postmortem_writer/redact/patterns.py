"""What counts as a secret or personal data: our own patterns, as data, beside the library's detectors.

detect-secrets knows the vendors' credential formats (``detect.LIBRARY_DETECTORS``); these rows
cover what it does not: whole private-key blocks (it flags only the ``BEGIN`` line), bearer and
basic authorization headers, passwords and keys written as ``key=value`` in connection strings
and config, token formats it predates, and the personal data of a chat (emails, card numbers,
IP addresses). Every row has a stable id that ``tests/redact/test_patterns.py`` covers with
cases that must and must not match.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The placeholder family a value is replaced with (``[SECRET-1]``, ``[EMAIL-3]``)."""

    SECRET = "secret"
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IP = "ip"

    @property
    def label(self) -> str:
        """The placeholder's prefix: ``SECRET``."""
        return self.value.upper()


PRIORITY = (Kind.SECRET, Kind.CARD, Kind.EMAIL, Kind.IP, Kind.PHONE)
"""Which detection wins where two overlap: ``postgres://app:hunter2@db`` hides a password, not an email."""


@dataclass(frozen=True)
class Pattern:
    """One rule: the value is ``group`` of each ``regex`` match that passes ``check``.

    ``hints``: the regex runs only on texts holding one of these (lower-cased) substrings; most chat
    lines hold none, and a substring test costs a fraction of a regex scan.
    """

    id: str
    kind: Kind
    regex: re.Pattern[str]
    group: int | str | tuple[int | str, ...] = 0  # a tuple: whichever of these groups matched
    check: Callable[[str], bool] | None = None
    hints: tuple[str, ...] = ()


def _luhn(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _card(value: str) -> bool:
    # Issuer prefixes of the networks people paste (Visa 4, Mastercard 51-55/2221-2720, Amex 34/37,
    # Discover 6011/65, JCB 35, Diners 36/38): a Luhn check alone passes one random number in ten.
    digits = "".join(c for c in value if c.isdigit())
    prefix = int(digits[:4])
    known = digits[0] == "4" or 5100 <= prefix <= 5599 or 2221 <= prefix <= 2720 or digits[:2] in {"34", "37"}
    known = known or digits.startswith(("6011", "65", "35", "36", "38"))
    return 13 <= len(digits) <= 19 and known and _luhn(digits)


def _ip(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    # "::" and "0.0.0.0" say "any address", not which one.
    return not address.is_unspecified


def _random(value: str) -> bool:
    """Whether a ``key=value`` value looks like a credential rather than a word ("token=expired")."""
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return (has_digit and has_alpha and len(value) >= 8) or len(value) >= 24


def _p(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# Characters a token may hold: base64, base64url, hex, and the separators vendors use.
_TOKEN = r"[A-Za-z0-9_\-.~+/]+=*"
_KEY_WORDS = (
    r"api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token"
    r"|access[_-]?token|refresh[_-]?token|private[_-]?token|session[_-]?token|token|x-api-key"
    r"|sig|signature|credential"  # pre-signed URLs: Azure SAS ?sig=, S3 X-Amz-Signature / X-Amz-Credential
)
# Words that follow "password:" in a sentence about passwords rather than in front of one.
_NOT_PASSWORDS = frozenset(
    [
        "is",
        "was",
        "are",
        "were",
        "the",
        "a",
        "an",
        "for",
        "and",
        "or",
        "to",
        "of",
        "in",
        "on",
        "reset",
        "rotated",
        "expired",
        "changed",
        "required",
        "updated",
        "manager",
        "policy",
        "field",
        "prompt",
        "protected",
        "incorrect",
        "wrong",
        "invalid",
        "missing",
        "set",
        "none",
        "null",
        "true",
        "false",
        "redacted",
        "hidden",
        "masked",
        "removed",
        "ok",
        "yes",
        "no",
    ]
)


def _password(value: str) -> bool:
    return value.casefold() not in _NOT_PASSWORDS and set(value) - set("*x•.<>") != set()


_DIGITS = tuple("0123456789")

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "private-key-block",
        Kind.SECRET,
        # A pasted key often arrives cut off; the rest of the message is still the key.
        _p(
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|.*\Z)",
            re.S,
        ),
        hints=("-----begin",),
    ),
    Pattern(
        "bearer-token",
        Kind.SECRET,
        _p(rf"(?i)\bbearer\s+({_TOKEN})"),
        group=1,
        check=lambda v: len(v) >= 8,
        hints=("bearer",),
    ),
    Pattern(
        "basic-authorization",
        Kind.SECRET,
        _p(r"(?i)\bauthorization:\s*basic\s+([A-Za-z0-9+/]{8,}=*)"),
        group=1,
        hints=("basic",),
    ),
    Pattern(
        "authorization-header",
        Kind.SECRET,
        # Any other scheme: "Authorization: token …", "Authorization: SSWS …", "X-Auth-Token: …".
        _p(
            r"(?i)\b(?:authorization|x-auth-token|api-key):\s*(?:(?!bearer\b|basic\b)[A-Za-z-]+\s+)?([A-Za-z0-9_\-.~+/]{8,}=*)"
        ),
        group=1,
        check=_random,
        hints=("authorization", "x-auth-token", "api-key"),
    ),
    Pattern(
        "url-password", Kind.SECRET, _p(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@"), group=1, hints=("://",)
    ),
    Pattern(
        "cli-user-password",
        Kind.SECRET,
        # curl -u user:password, wget --password is an assignment, mysql -pSECRET has no separator.
        _p(r"(?:^|\s)(?:-u|--user)[\s=]+['\"]?[^\s:'\"]+:([^\s'\"]+)|(?:^|\s)mysql\b[^\n]*?\s-p([^\s-][^\s]*)"),
        group=(1, 2),
        hints=("-u", "--user", "mysql"),
    ),
    Pattern(
        "password-assignment",
        Kind.SECRET,
        # A quoted value may hold spaces ("correct horse battery staple"); a bare one ends at a separator.
        _p(
            r"""(?i)(?:(?<![\w-])[\w-]*?(?:password|passwd|_pwd)|\bpass|\bpwd)\s*[=:]\s*"""
            r"""(?:"(?P<dq>[^"\n]{2,})"|'(?P<sq>[^'\n]{2,})'|(?P<value>(?:[^\s"';,&]|&(?![\w.-]+=)){2,}))"""
        ),
        group=("dq", "sq", "value"),
        check=_password,
        hints=("pass", "pwd"),
    ),
    Pattern(
        "key-assignment",
        Kind.SECRET,
        # The keyword may end a longer name: aws_secret_access_key, STRIPE_API_KEY, x-auth-token.
        _p(rf"""(?i)(?<![\w-])[\w-]*?(?:{_KEY_WORDS})["']?\s*[=:]\s*["']?(?P<value>{_TOKEN})"""),
        group="value",
        check=_random,
        hints=("key", "secret", "token", "sig", "credential"),
    ),
    Pattern(
        "github-fine-grained-token",
        Kind.SECRET,
        _p(r"\bgithub_pat_[A-Za-z0-9_]{22,255}"),
        hints=("github_pat_",),
    ),
    # App-level and refresh/session tokens, which detect-secrets' Slack pattern predates.
    Pattern(
        "slack-other-token",
        Kind.SECRET,
        _p(r"\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]+|\bxox[cde]-[A-Za-z0-9-]{20,}"),
        hints=("xapp-", "xoxc-", "xoxd-", "xoxe-"),
    ),
    Pattern("google-api-key", Kind.SECRET, _p(r"\bAIza[0-9A-Za-z_\-]{35}"), hints=("aiza",)),
    Pattern(
        "email",
        Kind.EMAIL,
        _p(r"(?<![\w.+-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"),
        hints=("@",),
    ),
    Pattern(
        "card-number",
        Kind.CARD,
        _p(r"(?<![\d.\-])\d(?:[ -]?\d){12,18}(?![\d.\-]|:\d)"),
        check=_card,
        hints=_DIGITS,
    ),
    # A dotted quad not inside a longer dotted number (version 1.2.3.4.5) nor after a "v" (v1.2.3.4).
    Pattern("ipv4", Kind.IP, _p(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"), check=_ip, hints=(".",)),
    Pattern(
        "ipv6",
        Kind.IP,
        # Anything of hex digits and at least two colons; the address check throws out times ("09:14:22").
        _p(r"(?<![\w:.])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?![\w:])"),
        check=_ip,
        hints=("::", ":"),
    ),
)
