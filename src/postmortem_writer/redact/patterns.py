"""What counts as a secret or personal data: our own patterns, as data, beside the library's detectors.

detect-secrets knows the vendors' credential formats (``detect.LIBRARY_DETECTORS``); these rows
cover what it does not: whole private-key blocks (it flags only the ``BEGIN`` line), bearer and
basic authorization headers, passwords and keys written as ``key=value`` in connection strings,
config and command lines, token formats it predates, a last-resort rule for random-looking tokens
of no known shape, and the personal data of a chat (emails, card numbers, IBANs, US social
security numbers, street addresses, IP addresses). Every row has a stable id that
``tests/redact/test_patterns.py`` covers with cases that must and must not match.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise


class Kind(StrEnum):
    """The placeholder family a value is replaced with (``[SECRET-1]``, ``[EMAIL-3]``)."""

    SECRET = "secret"
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"
    SSN = "ssn"
    IP = "ip"
    ADDRESS = "address"

    @property
    def label(self) -> str:
        """The placeholder's prefix: ``SECRET``."""
        return self.value.upper()


PRIORITY = (Kind.SECRET, Kind.CARD, Kind.IBAN, Kind.SSN, Kind.EMAIL, Kind.IP, Kind.ADDRESS, Kind.PHONE)
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
    """Whether a ``key=value`` value looks like a credential rather than a word ("token=expired").

    Two of: digits, lower case, upper case past the first letter, punctuation ("-", "_", "." and
    "/" join words and do not count); or 24 characters of anything. A reference to a variable or a
    template ("${DB_PASSWORD}", "{{ .Values.token }}") is not a value.
    """
    if _REFERENCE.fullmatch(value):
        return False
    classes = (
        any(c.isdigit() for c in value),
        any(c.islower() for c in value),
        any(c.isupper() for c in value[1:]),
        any(not c.isalnum() and c not in "-_./" for c in value),
    )
    return (len(value) >= 8 and sum(classes) >= 2 and any(c.isalpha() for c in value)) or len(value) >= 24


_REFERENCE = re.compile(r"\$\{?[A-Za-z_]\w*\}?|\$\(.*\)|\{\{.*\}\}|<[^<>]*>|%\w+%")


def _iban(value: str) -> bool:
    # ISO 13616: the country and check digits moved to the end, letters as 10..35, mod 97 is 1.
    compact = value.replace(" ", "").upper()
    return 15 <= len(compact) <= 34 and int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1


def _ssn(value: str) -> bool:
    # Never issued: area 000, 666 or 900-999, group 00, serial 0000.
    area, group, serial = value.split("-")
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def _private_key_b64(value: str) -> bool:
    head = value[:64]
    try:
        return b"PRIVATE KEY" in base64.b64decode(head[: len(head) - len(head) % 4])
    except ValueError:
        return False


# Vendors' public object ids (Stripe's charges, customers, requests…): random, but no secret.
_OBJECT_ID = re.compile(
    r"(?:ch|py|pi|cus|req|evt|in|ii|sub|si|pm|seti|src|txn|re|po|tr|acct|price|prod|cs_live|cs_test)_"
)


def _high_entropy(value: str) -> bool:
    """Whether a run of token characters reads as random: a key, not a word, a name or a hex id.

    One stretch between separators must mix upper case, lower case and digits, and the whole must
    change between the three often: a random base62 string does so at about 6 characters of 10, a
    CamelCase name, a path or a pod name at 1 to 3. Hex (SHAs, UUIDs, trace ids, digests) has one
    case and so never passes.
    """
    core = value.rstrip("=")
    alnum = [c for c in core if c.isalnum()]
    if len(core) < 20 or len(alnum) < 16 or _OBJECT_ID.match(core):
        return False
    if not any(_mixed_case(piece) for piece in _SEPARATORS.split(core)):
        return False
    kinds = [0 if c.isdigit() else 1 if c.islower() else 2 for c in alnum]
    changes = sum(a != b for a, b in pairwise(kinds))
    return changes / (len(kinds) - 1) >= 0.4


_SEPARATORS = re.compile(r"[/_\-+.]")


def _mixed_case(piece: str) -> bool:
    return (
        len(piece) >= 6
        and any(c.isupper() for c in piece)
        and any(c.islower() for c in piece)
        and any(c.isdigit() for c in piece)
    )


def _p(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# Characters a token may hold: base64, base64url, hex, and the separators vendors use.
_TOKEN = r"[A-Za-z0-9_\-.~+/]+=*"
_KEY_WORDS = (
    r"api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token"
    r"|access[_-]?token|refresh[_-]?token|private[_-]?token|session[_-]?token|token|x-api-key"
    r"|sig|signature|credential"  # pre-signed URLs: Azure SAS ?sig=, S3 X-Amz-Signature / X-Amz-Credential
    r"|[_-]key|private[_-]?key[_-]?id"  # any *_KEY (DD_APP_KEY, ENCRYPTION_KEY); a GCP key file's key id
)
# A character of an assigned value: it runs to a space, quote or separator; "&" ends it only where
# a query's next "name=" starts, so "$", "!", "#" and "&" inside a secret stay part of it.
_VALUE_CHAR = r"""(?:[^\s"'`;,&()<>\[\]{}]|&(?![\w.-]+=))"""
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
        "url-password",
        Kind.SECRET,
        # The password may hold "/" and "@": it ends at the last "@" that a host name follows.
        _p(r"""\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]*:([^\s?#"'<>]+)@(?=[\w.\-\[\]:]+(?:[/?#\s"'<>]|\Z))"""),
        group=1,
        hints=("://",),
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
        "cli-password-flag",
        Kind.SECRET,
        # docker login -p, sshpass -p, redis-cli -a, mongo/mongosh -p: the flag's argument, quoted or not.
        _p(
            r"""\b(?:docker\s+login|sshpass|redis-cli|mongo(?:sh)?)\b[^\n|;]*?\s(?:-p|-a|--pass(?:word)?)(?:\s+|=)"""
            r"""(?:'(?P<sq>[^'\n]+)'|"(?P<dq>[^"\n]+)"|(?P<value>[^\s'"]+))"""
        ),
        group=("sq", "dq", "value"),
        hints=("docker", "sshpass", "redis-cli", "mongo"),
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
        _p(
            rf"""(?i)(?<![\w-])[\w-]*?(?:{_KEY_WORDS})["']?\s*[=:]\s*["']?(?P<value>{_VALUE_CHAR}+?)\.?(?!{_VALUE_CHAR})"""
        ),
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
    Pattern("npm-token", Kind.SECRET, _p(r"\bnpm_[A-Za-z0-9]{36}\b"), hints=("npm_",)),
    Pattern(
        "openai-key",
        Kind.SECRET,
        _p(r"\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\-]{20,}"),
        hints=("sk-",),
    ),
    Pattern("anthropic-key", Kind.SECRET, _p(r"\bsk-ant-[a-z]+\d*-[A-Za-z0-9_\-]{20,}"), hints=("sk-ant-",)),
    Pattern("vault-token", Kind.SECRET, _p(r"\bhv[sbr]\.[A-Za-z0-9_\-]{20,}"), hints=("hvs.", "hvb.", "hvr.")),
    Pattern(
        "terraform-cloud-token",
        Kind.SECRET,
        _p(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{40,}"),
        hints=(".atlasv1.",),
    ),
    Pattern(
        "discord-webhook",
        Kind.SECRET,
        _p(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]{20,}"),
        hints=("/api/webhooks/",),
    ),
    Pattern(
        "twilio-auth-token",
        Kind.SECRET,
        # Twilio's auth token is 32 hex digits, which alone reads as any hash: "auth" before it says which.
        _p(r"(?i)\bauth(?:[\s_-]?token)?(?:\s+is)?\s*[=:]?\s*[\"']?([0-9a-f]{32})\b"),
        group=1,
        hints=("auth",),
    ),
    Pattern(
        "private-key-base64",
        Kind.SECRET,
        # A PEM private key encoded once more (kubeconfig client-key-data, Kubernetes secrets):
        # "LS0tLS1CRUdJTi" is "-----BEGIN " in base64.
        _p(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]*=*"),
        check=_private_key_b64,
        hints=("ls0tls1crudjti",),
    ),
    Pattern(
        "cookie-header",
        Kind.SECRET,
        # Session cookies: the whole header value, every name=value pair in it.
        _p(r"""(?i)\b(?:set-)?cookie:[ \t]*(?P<value>[^\r\n'"]*[^\s'"])"""),
        group="value",
        check=lambda v: "=" in v,
        hints=("cookie:",),
    ),
    Pattern(
        "registry-auth",
        Kind.SECRET,
        # docker config.json: "auth" is base64 of user:password; identity and registry tokens too.
        _p(r"""(?i)"(?:auth|identitytoken|registrytoken)"\s*:\s*"(?P<value>[A-Za-z0-9+/=_\-.]{8,})(?=")"""),
        group="value",
        hints=('"auth"', "identitytoken", "registrytoken"),
    ),
    Pattern(
        "high-entropy-token",
        Kind.SECRET,
        # The last resort for a secret of no known shape: a random-looking run of token characters.
        # Lower-case words before or after it in a path ("document/d/…/edit") are not part of it.
        _p(
            r"(?<![A-Za-z0-9+/=_\-])(?:[a-z]{1,16}/)*(?P<token>[A-Za-z0-9+/_\-]{20,}?={0,2})"
            r"(?:/[a-z]{1,16})*(?![A-Za-z0-9+/=_\-])"
        ),
        group="token",
        check=_high_entropy,
    ),
    Pattern(
        "email",
        Kind.EMAIL,
        _p(r"(?<![\w.+-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"),
        hints=("@",),
    ),
    Pattern(
        "card-number",
        Kind.CARD,
        _p(r"(?<![\d.\-])\d(?:[ .\-]?\d){12,18}(?![\d.\-]|:\d)"),
        check=_card,
        hints=_DIGITS,
    ),
    Pattern(
        "iban",
        Kind.IBAN,
        _p(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"),
        check=_iban,
        hints=_DIGITS,
    ),
    Pattern("us-ssn", Kind.SSN, _p(r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])"), check=_ssn, hints=("-",)),
    Pattern(
        "street-address",
        Kind.ADDRESS,
        # A house number, one to three capitalised words and a street type; the town, state and ZIP
        # code after it when they follow.
        _p(
            r"\b\d{1,5}[A-Za-z]? (?:[A-Z][a-z]+ ){1,3}"
            r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Way"
            r"|Parkway|Pkwy|Highway|Hwy|Circle|Square|Sq)\b\.?"
            r"(?:,? (?:Apt|Suite|Unit|#) ?\w+)?(?:, (?:[A-Z][a-z]+ ?){1,3}(?:, [A-Z]{2}(?: \d{5}(?:-\d{4})?)?)?)?"
        ),
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
