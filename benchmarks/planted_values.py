"""How many planted secrets and personal values reach a model request: values planted / values sent.

Generates values of every kind issue 13 lists (seeded, so the same run gives the same values), each
written into a realistic context (a chat line, a kubeconfig, a shell command, an env dump, a config
file), one Slack message per context. Drafts the channel through the loopback server twice: with
``--no-redact`` (the control: every value must reach a request, or the count means nothing) and
with the default redaction. A value counts as sent when it appears verbatim in a request body (as
sent, JSON-escaped, or as the message text the model reads), and as sent in part when a stretch of
12 of its characters (half, of a shorter value) does but the whole does not.

``--set development`` is the set the patterns were built against; ``--set held-out`` was written
after the patterns were frozen, with other contexts and another seed, to measure what the patterns
catch on values they were not tuned to.

    python benchmarks/planted_values.py [--set development|held-out] [--show-missed]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder

_B62 = string.ascii_letters + string.digits
_B64 = _B62 + "+/"
_URL64 = _B62 + "-_"
_HEX = "0123456789abcdef"


@dataclass(frozen=True)
class Planted:
    """One value of one kind, and the message text that carries it."""

    kind: str
    value: str
    text: str


class Values:
    """Generators of realistic values, all drawn from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def chars(self, alphabet: str, n: int) -> str:
        """``n`` characters of ``alphabet``, with an upper, a lower case letter and a digit where possible."""
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(n))
            classes = [
                any(c.isupper() for c in value),
                any(c.islower() for c in value),
                any(c.isdigit() for c in value),
            ]
            wanted = [any(c.isupper() for c in alphabet), any(c.islower() for c in alphabet), True]
            if classes == wanted or n < 8:
                return value

    def aws_secret(self) -> str:
        return self.chars(_B64, 40)

    def npm(self) -> str:
        return "npm_" + self.chars(_B62, 36)

    def openai(self) -> str:
        return "sk-proj-" + self.chars(_URL64, 56) + "T3BlbkFJ" + self.chars(_URL64, 56)

    def hex(self, n: int) -> str:
        return "".join(self.rng.choice(_HEX) for _ in range(n))

    def card_dotted(self) -> str:
        digits = [4, *(self.rng.randrange(10) for _ in range(14))]
        total = 0
        for index, digit in enumerate(reversed(digits)):
            doubled = digit * 2 if index % 2 == 0 else digit
            total += doubled - 9 if doubled > 9 else doubled
        number = "".join(map(str, digits)) + str((10 - total % 10) % 10)
        return ".".join(number[i : i + 4] for i in range(0, 16, 4))

    def b64_bytes(self, n: int) -> str:
        return base64.b64encode(bytes(self.rng.randrange(256) for _ in range(n))).decode()

    def pem_b64(self) -> str:
        body = base64.b64encode(bytes(self.rng.randrange(256) for _ in range(90))).decode()
        pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
        return base64.b64encode(pem.encode()).decode()

    def password(self) -> str:
        words = ["Summer", "Winter", "Falcon", "Orange", "Tiger", "Rocket", "Maple", "Harbor"]
        marks = "!@#$%&*/"
        return self.rng.choice(words) + str(self.rng.randrange(10, 9999)) + self.rng.choice(marks) + self.chars(_B62, 3)

    def special(self) -> str:
        pieces = [self.chars(_B62, 5), self.rng.choice("$!#&"), self.chars(_B62, 4), self.rng.choice("$!#&")]
        return "".join(pieces) + self.chars(_B62, 5)

    def vault(self) -> str:
        return "hvs." + self.chars(_URL64, 24 if self.rng.random() < 0.5 else 90)

    def discord_webhook(self) -> str:
        snowflake = str(self.rng.randrange(10**17, 10**18))
        return f"https://discord.com/api/webhooks/{snowflake}/{self.chars(_URL64, 68)}"

    def anthropic(self) -> str:
        return "sk-ant-api03-" + self.chars(_URL64, 93) + "AA"

    def terraform(self) -> str:
        return self.chars(_B62, 14) + ".atlasv1." + self.chars(_B62, 67)

    def cookie(self) -> str:
        return self.chars(_URL64, 32)

    def docker_auth(self) -> str:
        return base64.b64encode(f"ci-bot:{self.password()}".encode()).decode()

    def iban(self) -> str:
        country, length = self.rng.choice([("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14), ("ES", 20)])
        if country == "GB":
            bban = "NWBK" + "".join(self.rng.choice(string.digits) for _ in range(14))
        elif country == "NL":
            bban = "ABNA" + "".join(self.rng.choice(string.digits) for _ in range(10))
        else:
            bban = "".join(self.rng.choice(string.digits) for _ in range(length))
        numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
        check = 98 - int(numeric) % 97
        compact = f"{country}{check:02d}{bban}"
        if self.rng.random() < 0.5:
            return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
        return compact

    def ssn(self) -> str:
        return f"{self.rng.randrange(1, 666):03d}-{self.rng.randrange(1, 100):02d}-{self.rng.randrange(1, 10000):04d}"

    def address(self) -> str:
        streets = [
            "Maple Street",
            "Oak Avenue",
            "Sunset Boulevard",
            "Elm St",
            "Harbor Drive",
            "Mill Road",
            "Cedar Lane",
        ]
        towns = ["Springfield, IL 62704", "Portland, OR 97205", "Austin, TX 78701", "Madison, WI 53703"]
        number = self.rng.randrange(2, 9999)
        street = self.rng.choice(streets)
        return f"{number} {street}, {self.rng.choice(towns)}" if self.rng.random() < 0.6 else f"{number} {street}"

    def entropy(self) -> str:
        return self.chars(_B64, self.rng.randrange(22, 44)) + "=" * self.rng.randrange(3)


# Development set: kind, value generator, the contexts a value is written into ({v}: the value).
Template = tuple[str, Callable[[Values], str], tuple[str, ...]]
DEVELOPMENT: tuple[Template, ...] = (
    (
        "aws-secret-bare",
        Values.aws_secret,
        (
            "here's the old IAM user's secret {v} - rotate it",
            "AKIAQ3EGRVXJ7KPL2WMN\n{v}",
            "creds from the runbook: {v}",
            "aws_access_key_id = AKIAQ3EGRVXJ7KPL2WMN\n{v}",
        ),
    ),
    (
        "npm-bare",
        Values.npm,
        ("publishing with {v} from my laptop", "the CI used {v} until 09:40", "NODE_AUTH_TOKEN={v}"),
    ),
    (
        "openai-project-key",
        Values.openai,
        ("summariser broke, key was {v}", "OPENAI_KEY={v}", "curl api -H 'x-key: {v}'", "openai:\n  key: {v}"),
    ),
    (
        "twilio-auth-token",
        lambda values: values.hex(32),
        (
            "twilio sid ACe2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7 auth {v}",
            "the SMS sender auth is {v}",
            "auth {v}",
            "twilio auth token {v}",
        ),
    ),
    (
        "card-dotted",
        Values.card_dotted,
        ("card: {v}", "customer card {v} was double charged", "refund {v} please", "pan={v} exp=04/27"),
    ),
    (
        "prefixed-key-assignment",
        lambda values: values.hex(40),
        ("DD_APP_KEY={v}", "export SIGNING_SECRET={v}", "env: HMAC_KEY={v} in the pod", "SENTRY_AUTH_TOKEN={v}"),
    ),
    (
        "prefixed-key-assignment",
        lambda values: values.b64_bytes(32),
        ("ENCRYPTION_KEY={v}", "MASTER_KEY: {v}", "WEBHOOK_SECRET={v} was in the logs", "  COOKIE_KEY: {v}"),
    ),
    (
        "kubeconfig-client-key",
        Values.pem_b64,
        (
            "kubeconfig I used:\nusers:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJU\n"
            "    client-key-data: {v}",
            "client-key-data: {v}",
            "kubectl config set users.admin.client-key-data {v}",
        ),
    ),
    (
        "url-password-slash-at",
        lambda values: values.chars(_B62, 6) + values.rng.choice("/@") + values.chars(_B62, 6),
        (
            "DSN was postgres://checkout:{v}@db.internal:5432/orders",
            "REDIS_URL=redis://default:{v}@cache-1:6379/0",
            "amqp://app:{v}@mq.acme.example/vhost",
            "mongodb+srv://admin:{v}@cluster0.acme.example/?retryWrites=true",
        ),
    ),
    (
        "special-character-value",
        Values.special,
        (
            "client_secret={v}",
            "api_key: {v}",
            "oauth: client_secret={v} scope=read",
            "set api_key: {v} in helm",
            'CLIENT_SECRET="{v}"',
            "?api_key={v}&page=2",
        ),
    ),
    (
        "vault-token",
        Values.vault,
        (
            "VAULT_TOKEN={v} vault kv get secret/db",
            "vault login {v}",
            "export VAULT_TOKEN='{v}'",
            "root token: {v}",
            "X-Vault-Token: {v}",
        ),
    ),
    (
        "discord-webhook",
        Values.discord_webhook,
        ("alerts go to {v}", "curl -X POST {v} -d @msg.json", "webhook url {v} posted spam", "DISCORD_WEBHOOK={v}"),
    ),
    ("anthropic-key", Values.anthropic, ("ANTHROPIC_API_KEY={v}", "claude key {v} revoked", "x-api-key: {v}")),
    (
        "terraform-token",
        Values.terraform,
        ('credentials "app.terraform.io" {{ token = "{v}" }}', "TFC token is {v}", "TF_TOKEN_app_terraform_io={v}"),
    ),
    (
        "cli-password",
        Values.password,
        (
            "docker login -u ci -p {v} registry.acme.example",
            "sshpass -p '{v}' ssh deploy@bastion",
            "sshpass -p {v} scp dump.sql backup:",
            "redis-cli -h cache-1 -a {v} INFO memory",
            "mongo mongodb://db-2/admin -u root -p {v} --eval 'rs.status()'",
            "docker login --username ci --password {v} ghcr",
            "redis-cli -a '{v}' --no-auth-warning keys '*'",
        ),
    ),
    (
        "session-cookie",
        Values.cookie,
        (
            "Cookie: session={v}; theme=dark",
            "request headers:\nHost: shop\nCookie: sid={v}\nAccept: */*",
            "curl -H 'Cookie: _app_session={v}' https://shop/cart",
        ),
    ),
    (
        "docker-config-auth",
        Values.docker_auth,
        (
            '{{"auths": {{"registry.acme.example": {{"auth": "{v}"}}}}}}',
            'config.json has "auth": "{v}"',
            '~/.docker/config.json:\n{{\n  "auths": {{\n    "ghcr": {{\n      "auth": "{v}"\n    }}\n  }}\n}}',
        ),
    ),
    (
        "iban",
        Values.iban,
        ("refund to {v} today", "IBAN: {v}", "customer account {v} was debited twice", "payout failed for {v}"),
    ),
    (
        "us-ssn",
        Values.ssn,
        ("SSN {v} showed up in the error log", "payload had ssn={v}", "ticket quotes {v}", "ssn: {v}"),
    ),
    (
        "street-address",
        Values.address,
        ("ship to {v}", "the customer at {v} got 3 parcels", "billing address: {v}", "deliveries to {v} failed"),
    ),
    (
        "gcp-private-key-id",
        lambda values: values.hex(40),
        (
            '"private_key_id": "{v}",',
            "service account json: private_key_id: {v}",
            '{{"type": "service_account", "private_key_id": "{v}"}}',
        ),
    ),
    (
        "high-entropy-token",
        Values.entropy,
        (
            "the value in the header was {v}",
            "X-Partner-Sig {v}",
            "paste: {v}",
            "found {v} in the bucket policy",
            "{v}",
            "ok so it's {v} right?",
        ),
    ),
)


def planted(templates: tuple[Template, ...], seed: int) -> list[Planted]:
    """Every template's contexts, each with a fresh value of its kind."""
    values = Values(seed)
    return [
        Planted(kind, value, context.format(v=value))
        for kind, make, contexts in templates
        for context in contexts
        for value in [make(values)]
    ]


def write_channel(items: list[Planted], folder: Path) -> Path:
    """A Slack export day file with one message per planted context, a minute apart."""
    messages = [
        {"type": "message", "user": f"U0{index % 3}", "text": item.text, "ts": f"{1741079000 + 60 * index}.000100"}
        for index, item in enumerate(items)
    ]
    path = folder / "2025-03-04.json"
    path.write_text(json.dumps(messages, indent=1), encoding="utf-8")
    return path


def sent_text(path: Path, *args: str) -> str:
    """Everything the requests of one draft of ``path`` carried (bodies and message texts)."""
    out = path.parent / "draft.json"
    with LoopbackServer(responder=citing_responder()) as server:
        env = {"OPENAI_BASE_URL": server.url, "POSTMORTEM_MODEL": "m"}
        command = ["draft", str(path), "-o", str(out), "--force", "--format", "json", "--no-cache", *args]
        result = CliRunner().invoke(cli, [*command, "--tz", "UTC", "--context-tokens", "32768"], env=env)
        if result.exit_code != 0:
            raise SystemExit(result.output)
        requests: list[dict[str, Any]] = list(server.requests)
    texts = [str(message.get("content")) for body in requests for message in body.get("messages", [])]
    return json.dumps(requests) + "\n".join(texts)


def in_part(value: str, sent: str) -> bool:
    """Whether a stretch of ``value`` was sent: 12 characters, or half of a shorter value."""
    size = min(12, max(4, len(value) // 2))
    return any(value[i : i + size] in sent for i in range(len(value) - size + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["development", "held-out"], default="development")
    parser.add_argument("--show-missed", action="store_true")
    options = parser.parse_args()
    templates, seed = (DEVELOPMENT, 13) if options.set == "development" else (HELD_OUT, 1313)
    items = planted(templates, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_channel(items, Path(tmp))
        control = sent_text(path, "--no-redact")
        unreached = [item for item in items if item.value not in control]
        if unreached:
            raise SystemExit(f"control run: {len(unreached)} values never reached a request, e.g. {unreached[0]}")
        sent = sent_text(path)
    whole = [item for item in items if item.value in sent]
    part = [item for item in items if item.value not in sent and in_part(item.value, sent)]
    print(f"{options.set}: {len(items)} values planted, {len(whole)} reached a request verbatim, {len(part)} in part")
    kinds = sorted({item.kind for item in items})
    print("\n| kind | planted | sent | in part |\n| --- | ---: | ---: | ---: |")
    for kind in kinds:
        row = [sum(item.kind == kind for item in group) for group in (items, whole, part)]
        print(f"| {kind} | {row[0]} | {row[1]} | {row[2]} |")
    if options.show_missed:
        for item in whole + part:
            print(f"missed {item.kind}: {item.text!r}")


# Held-out set: written after the patterns were frozen, in other contexts (CI files, Helm values,
# HTTP dumps, log lines, tickets) and with another seed; never used to tune a pattern.
HELD_OUT: tuple[Template, ...] = (
    (
        "aws-secret-bare",
        Values.aws_secret,
        ("[default]\naws_access_key_id=AKIAZ7XK3LQ2M4N8P6RT\nsecret={v}", "leaked in build log: {v}"),
    ),
    ("npm-bare", Values.npm, ("- run: npm publish\n  env:\n    NODE_AUTH_TOKEN: {v}",)),
    ("openai-project-key", Values.openai, ('llm:\n  provider: openai\n  api: "{v}"',)),
    ("twilio-auth-token", lambda values: values.hex(32), ("Twilio console -> Auth Token: {v}",)),
    ("card-dotted", Values.card_dotted, ("Jira SUP-1182: cardholder says {v} charged twice",)),
    (
        "prefixed-key-assignment",
        lambda values: values.b64_bytes(24),
        ("helm upgrade app . --set env.SESSION_KEY={v}", "2025-03-04T09:14:22Z INFO boot config APP_SECRET={v}"),
    ),
    ("kubeconfig-client-key", Values.pem_b64, ("kind: Secret\ndata:\n  tls.key: {v}",)),
    (
        "url-password-slash-at",
        lambda values: values.chars(_B62, 5) + "@" + values.chars(_B62, 4) + "/" + values.chars(_B62, 3),
        ("psql 'postgresql://report:{v}@replica-3.internal/analytics'",),
    ),
    ("special-character-value", Values.special, ("stripe:\n  api_key: {v}\n  mode: live",)),
    ("vault-token", Values.vault, ("curl -H 'X-Vault-Token: {v}' https://vault.internal/v1/sys/health",)),
    ("discord-webhook", Values.discord_webhook, ("notify.py: WEBHOOK = '{v}'",)),
    ("anthropic-key", Values.anthropic, ("headers = {{'x-api-key': '{v}'}}",)),
    ("terraform-token", Values.terraform, ("terraform login stored {v} in credentials.tfrc.json",)),
    (
        "cli-password",
        Values.password,
        ("ran: docker login --password {v} -u bot registry.internal", "redis-cli --pass {v} -h cache-2 DEBUG SLEEP 0"),
    ),
    ("session-cookie", Values.cookie, ("> GET /account HTTP/1.1\n> Cookie: connect.sid={v}\n> User-Agent: curl",)),
    ("docker-config-auth", Values.docker_auth, ('kubectl get secret regcred -o yaml shows {{"auth":"{v}"}}',)),
    ("iban", Values.iban, ("Payout to {v} bounced (Zendesk #88121)",)),
    ("us-ssn", Values.ssn, ("WARN validation failed field=ssn value={v} user=4412",)),
    ("street-address", Values.address, ("Order 55120 shipping address {v} flagged by fraud rules",)),
    ("gcp-private-key-id", lambda values: values.hex(40), ("key file sa-deployer.json, private_key_id={v}",)),
    (
        "high-entropy-token",
        Values.entropy,
        ("X-Signature: {v}", "ERROR invalid signature {v} for partner acme", "2025-03-04 09:15 wrote {v} to /tmp/k"),
    ),
)


if __name__ == "__main__":
    main()
