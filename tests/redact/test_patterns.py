"""What the detector finds and what it leaves alone: one table of cases with stable ids.

Each case is a text and the values that must be replaced in it, with their kind; an empty list
means nothing may be replaced (the false positives an incident channel is full of).
"""

from __future__ import annotations

import pytest

from postmortem_writer.redact.detect import Detector
from postmortem_writer.redact.patterns import PATTERNS, Kind

S, E, P, C, IP = Kind.SECRET, Kind.EMAIL, Kind.PHONE, Kind.CARD, Kind.IP
IBAN, SSN, A = Kind.IBAN, Kind.SSN, Kind.ADDRESS
CASES: tuple[tuple[str, str, list[tuple[str, Kind]]], ...] = (
    # --- credentials the library knows
    ("aws-access-key", "leaked AKIAQ3EGRVXJ7KPL2WMN in the log", [("AKIAQ3EGRVXJ7KPL2WMN", S)]),
    (
        "github-classic",
        "ghp_Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0jK2lZ5c rotated",
        [("ghp_Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0jK2lZ5c", S)],
    ),
    ("gitlab-pat", "glpat-Xy7Qp2Lm9Zr4Tn6Vb8Wc", [("glpat-Xy7Qp2Lm9Zr4Tn6Vb8Wc", S)]),
    (
        "slack-bot-token-full-stop",
        "token is xoxb-2048011876-7736251934-QxLm9Zr4Tn6Vb8WcPa2s.",
        [("xoxb-2048011876-7736251934-QxLm9Zr4Tn6Vb8WcPa2s", S)],
    ),
    (
        "slack-webhook",
        "posting to https://hooks.slack.com/services/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 now",
        [("https://hooks.slack.com/services/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", S)],
    ),
    (
        "jwt-whole-token",
        "cookie eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaGVja291dCJ9.Q7r2VbN9kLm3xT8wYz1PaS4dF6g ok",
        [("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaGVja291dCJ9.Q7r2VbN9kLm3xT8wYz1PaS4dF6g", S)],
    ),
    ("stripe-live", "sk_live_51Hq7r2VbN9kLm3xT8wYz1Pa", [("sk_live_51Hq7r2VbN9kLm3xT8wYz1Pa", S)]),
    # --- our own credential rows
    (
        "private-key-block",
        "here:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----\nthanks",
        [("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", S)],
    ),
    (
        "private-key-cut-off",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B",
        [("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B", S)],
    ),
    ("bearer-header", "curl -H 'Authorization: Bearer tok_9f8e7d6c5b4a3928'", [("tok_9f8e7d6c5b4a3928", S)]),
    ("basic-header", "Authorization: Basic Y2hlY2tvdXQ6aHVudGVyMg==", [("Y2hlY2tvdXQ6aHVudGVyMg==", S)]),
    ("url-password", "DSN postgres://checkout:Hunter2Secret@db.internal:5432/orders", [("Hunter2Secret", S)]),
    ("url-short-password", "redis://:pw@cache:6379 and amqp://app:s3@mq", [("pw", S), ("s3", S)]),
    ("connection-string", "Server=db1;User Id=sa;Password=Tr0ub4dor&3;", [("Tr0ub4dor&3", S)]),
    ("password-quoted", 'set password: "correct horse"', [("correct horse", S)]),
    (
        "key-assignment-prefixed",
        "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT4LmNa",
        [("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT4LmNa", S)],
    ),
    ("key-assignment-env", "STRIPE_API_KEY: sk_test_abc123def456ghi", [("sk_test_abc123def456ghi", S)]),
    (
        "github-fine-grained",
        "github_pat_11AB2CD3E0xYzQ7r2VbN9k_Lm3xT8wYz1P",
        [("github_pat_11AB2CD3E0xYzQ7r2VbN9k_Lm3xT8wYz1P", S)],
    ),
    (
        "slack-app-token",
        "xapp-1-A02B3C4D5E6-1234567890123-abcdef0123456789",
        [("xapp-1-A02B3C4D5E6-1234567890123-abcdef0123456789", S)],
    ),
    ("google-api-key", "key=AIzaSyD4x9Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0", [("AIzaSyD4x9Q7r2VbN9kLm3xT8wYz1PaS4dF6gH0", S)]),
    ("pgpassword-env", "PGPASSWORD=Tr0ub4dor psql -h db", [("Tr0ub4dor", S)]),
    ("jdbc-password", "jdbc:postgresql://db/orders?user=app&password=s3&ssl=true", [("s3", S)]),
    ("authorization-token-scheme", "Authorization: token 9f8e7d6c5b4a39281706", [("9f8e7d6c5b4a39281706", S)]),
    ("x-auth-token", "X-Auth-Token: a1b2c3d4e5f6a7b8", [("a1b2c3d4e5f6a7b8", S)]),
    ("curl-user", "curl -u admin:S3cretPw https://api.internal/health", [("S3cretPw", S)]),
    ("mysql-p", "mysql -h db -u root -pS3cretPw orders", [("S3cretPw", S)]),
    (
        "presigned-url",
        "https://bucket.s3.amazonaws.com/x?X-Amz-Credential=AKIDEXAMPLE20250304&X-Amz-Signature=9f8e7d6c5b4a3928",
        [("AKIDEXAMPLE20250304", S), ("9f8e7d6c5b4a3928", S)],
    ),
    ("azure-sas", "?sv=2024-01-01&sig=Xy7Qp2Lm9Zr4Tn6Vb8Wc%3D", [("Xy7Qp2Lm9Zr4Tn6Vb8Wc%3D", S)]),
    (
        "slack-refresh-token",
        "xoxe-1-My0xLTIwNDgwMTE4NzYtNzczNjI1MTkzNA",
        [("xoxe-1-My0xLTIwNDgwMTE4NzYtNzczNjI1MTkzNA", S)],
    ),
    # --- issue 13: credentials that reached the endpoint
    (
        "aws-secret-key-bare",
        "old IAM user: AKIAQ3EGRVXJ7KPL2WMN\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT4LmNa",
        [("AKIAQ3EGRVXJ7KPL2WMN", S), ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9xT4LmNa", S)],
    ),
    (
        "npm-token-bare",
        "published with npm_R02nqBLpwXpLsBnPwBcuzDfeWcM6aPXtmCEJ from a laptop",
        [("npm_R02nqBLpwXpLsBnPwBcuzDfeWcM6aPXtmCEJ", S)],
    ),
    (
        "openai-project-key",
        "key was sk-proj-bmVs7TrSDKlGrqwnhsd7TW_0i4JRWpAPWj91Md5X09hkGBasPMA3LbAlT3BlbkFJoqiX",
        [("sk-proj-bmVs7TrSDKlGrqwnhsd7TW_0i4JRWpAPWj91Md5X09hkGBasPMA3LbAlT3BlbkFJoqiX", S)],
    ),
    (
        "twilio-auth-token",
        "twilio sid AC2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8 auth 4405295f6f072e322c5610c6ea4e5472",
        [("AC2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8", S), ("4405295f6f072e322c5610c6ea4e5472", S)],
    ),
    ("card-dotted", "customer card 4319.8640.1473.7008 was charged twice", [("4319.8640.1473.7008", C)]),
    (
        "key-assignment-any-prefix",
        "DD_APP_KEY=05a19d0d4d1b45bc79f603a51779bc900682743d",
        [("05a19d0d4d1b45bc79f603a51779bc900682743d", S)],
    ),
    (
        "key-assignment-encryption-key",
        "ENCRYPTION_KEY=FqEsS3aElrsP9C1awu3Ys9QyCoVaeiMECDbUeVho6F8=",
        [("FqEsS3aElrsP9C1awu3Ys9QyCoVaeiMECDbUeVho6F8=", S)],
    ),
    (
        "private-key-base64-kubeconfig",
        "users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF",
        [("LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF", S)],
    ),
    (
        "url-password-with-slash-and-at",
        "DSN postgres://checkout:p@ss/w0rd@db.internal:5432/orders",
        [("p@ss/w0rd", S)],
    ),
    ("key-assignment-special-characters", "client_secret=654Ya#dhpl$03Cjv", [("654Ya#dhpl$03Cjv", S)]),
    ("key-assignment-ampersand", "set api_key: i4CgP$eqnx&E9tjv in helm", [("i4CgP$eqnx&E9tjv", S)]),
    ("key-assignment-query", "GET /v1?api_key=Re8IS$UPZy#Kn2Jv&page=2", [("Re8IS$UPZy#Kn2Jv", S)]),
    (
        "vault-token",
        "vault login hvs.CAESIJ5rKx2bF9sQ7mW3pL8vN4tY",
        [("hvs.CAESIJ5rKx2bF9sQ7mW3pL8vN4tY", S)],
    ),
    (
        "discord-webhook",
        "alerts go to https://discord.com/api/webhooks/435692947122365164/Zr1kaMg5woRaOLOY99yCbg4ga184mFqjwtR now",
        [("https://discord.com/api/webhooks/435692947122365164/Zr1kaMg5woRaOLOY99yCbg4ga184mFqjwtR", S)],
    ),
    (
        "anthropic-key",
        "claude key sk-ant-api03-EUv-qiTmVdBSi1pA64TGPHu820TPBvut7k0QUOeFWz-2aQ40rmIQAA revoked",
        [("sk-ant-api03-EUv-qiTmVdBSi1pA64TGPHu820TPBvut7k0QUOeFWz-2aQ40rmIQAA", S)],
    ),
    (
        "terraform-cloud-token",
        "TFC token is K4VzI9S70Waf56.atlasv1.CKnDQ0jLQ1EKXlj7togHao5enFOAzg61iJNMIjAw9VzN",
        [("K4VzI9S70Waf56.atlasv1.CKnDQ0jLQ1EKXlj7togHao5enFOAzg61iJNMIjAw9VzN", S)],
    ),
    ("docker-login-p", "docker login -u ci -p Summer235/zPV registry.acme.example", [("Summer235/zPV", S)]),
    ("sshpass-quoted", "sshpass -p 'Harbor 7618%iSV' ssh deploy@bastion", [("Harbor 7618%iSV", S)]),
    ("redis-cli-a", "redis-cli -h cache-1 -a Harbor7919#THl INFO memory", [("Harbor7919#THl", S)]),
    ("mongo-p", "mongo mongodb://db-2/admin -u root -p hunter22 --eval 'rs.status()'", [("hunter22", S)]),
    (
        "cookie-header",
        "curl -H 'Cookie: _app_session=BBw8OGSYo7QVBjrqvqLQIXqy; theme=dark' https://shop/cart",
        [("_app_session=BBw8OGSYo7QVBjrqvqLQIXqy; theme=dark", S)],
    ),
    (
        "docker-config-auth",
        '{"auths": {"registry.acme.example": {"auth": "Y2ktYm90OlRpZ2VyNTgyOSZ5SEo="}}}',
        [("Y2ktYm90OlRpZ2VyNTgyOSZ5SEo=", S)],
    ),
    (
        "gcp-private-key-id",
        '"private_key_id": "e5a6ca7132d1c64e39f4617eb60beade5dbc7eea",',
        [("e5a6ca7132d1c64e39f4617eb60beade5dbc7eea", S)],
    ),
    (
        "high-entropy-bare",
        "the value in the header was dbcamWCovA018XMCp5UhWpc, then VBFw4DhtkjttuDeKAcFBIogP+qDvbFnRar5LNr==",
        [("dbcamWCovA018XMCp5UhWpc", S), ("VBFw4DhtkjttuDeKAcFBIogP+qDvbFnRar5LNr==", S)],
    ),
    (
        "high-entropy-in-a-path",
        "spec at https://docs.acme.example/document/d/1aBcD3fGhIjKlMnOpQrStUvWxYz0123456789/edit",
        [("1aBcD3fGhIjKlMnOpQrStUvWxYz0123456789", S)],
    ),
    # --- personal data
    ("email", "ping mei.zhang+oncall@acme.example please", [("mei.zhang+oncall@acme.example", E)]),
    ("phone-international", "bridge +44 20 7946 0958 pin 1234", [("+44 20 7946 0958", P)]),
    ("phone-us-local", "call (415) 555-0132", [("(415) 555-0132", P)]),
    ("card-visa-spaced", "card 4111 1111 1111 1111 declined", [("4111 1111 1111 1111", C)]),
    ("card-amex-dashed", "amex 3782-822463-10005", [("3782-822463-10005", C)]),
    ("iban-grouped", "refund to NL59 ABNA 6320 1904 74 today", [("NL59 ABNA 6320 1904 74", IBAN)]),
    ("iban-compact", "IBAN: DE89370400440532013000", [("DE89370400440532013000", IBAN)]),
    ("us-ssn", "SSN 078-05-1120 in the error log", [("078-05-1120", SSN)]),
    ("street-address", "ship to 123 Main St, Springfield, IL 62704 today", [("123 Main St, Springfield, IL 62704", A)]),
    ("street-address-bare", "the customer at 4002 Oak Avenue got 3 parcels", [("4002 Oak Avenue", A)]),
    ("ipv4-with-port", "node 10.0.3.14:9100 down", [("10.0.3.14", IP)]),
    ("ipv6", "from 2001:db8:85a3::8a2e:370:7334 only", [("2001:db8:85a3::8a2e:370:7334", IP)]),
    ("secret-wins-over-email", "amqp://app:Pw12345678@mq.acme.example", [("Pw12345678", S)]),
    # --- what must stay: an incident channel is full of numbers, hashes and times
    ("not-times-and-dates", "at 09:14:22 on 2025-03-04 (2025-03-04T09:14:22Z) p99 2300ms", []),
    ("not-epoch-and-ids", "ts 1741079942.590465, deployment 2048011876, order 1234567890", []),
    ("not-commit-sha", "reverted 9f8e7d6c3b2a19f0e4d5c6b7a8f9e0d1c2b3a4f5 (PR #4812)", []),
    ("not-versions", "rolled back v1.2.3.4 to 1.41.3 and 2.0.0.1.5", []),
    ("not-a-word-token", "the token: expired, password reset flow, api key rotation", []),
    ("not-luhn", "card 4111 1111 1111 1112", []),
    ("not-any-address", "listening on 0.0.0.0:8080 and [::]:443", []),
    ("not-a-percent-or-count", "error rate 12.5% over 123456789 requests", []),
    ("not-password-talk", "the password: was rotated at 09:14; password reset is required; bypass: true", []),
    ("not-masked-password", "password=******** in the log", []),
    ("not-a-short-flag", "kubectl logs -p checkout-7d9f -c app; tail -n 50", []),
    ("not-an-iban-check", "DE89 3704 0044 0532 0130 01 and GB00NWBK60161331926819", []),
    ("not-an-issued-ssn", "ids 000-12-3456, 666-12-3456, 900-12-3456 and 123-00-4567", []),
    ("not-a-street", "2 Availability Zones, the 3 Way handshake, HTTP 500 Internal Server Error", []),
    ("not-a-variable-reference", "token: ${GITHUB_TOKEN}, api_key: {{ .Values.apiKey }}, secret=$(vault read x)", []),
    ("not-a-cookie-sentence", "the session Cookie: it expired at 09:14", []),
    ("not-pod-or-replicaset", "Pod/checkout-7d9f8c6b5d-x2k9p and ReplicaSet/checkout-7d9f8c6b5d", []),
    ("not-an-azure-path", "/subscriptions/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e/resourceGroups/rg-checkout-prod/x", []),
    ("not-a-class-name", "CheckoutServiceV2Controller.handleRequest2 threw NullPointerException", []),
    ("not-vendor-object-ids", "charge ch_3OqL2bK9zXyW1vUt0sRqPoNm, pi_3OqL2bK9zXyW1vUt0sRqPoNm", []),
    (
        "not-a-digest",
        "ghcr.io/acme/checkout@sha256:9b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c",
        [],
    ),
    ("not-a-ulid-or-ray", "ULID 01HQ3K5Y7Z8M9N0P1Q2R3S4T5V, Cf-Ray: 8a1b2c3d4e5f6a7b-AMS", []),
    ("not-uuid", "trace 3f2c1a9e-4b7d-4c21-9a8e-2f6d1c0b7e5a", []),
)


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_detection(text: str, expected: list[tuple[str, Kind]]) -> None:
    hits = Detector().find(text)
    assert [(text[h.start : h.end], h.kind) for h in hits] == expected


def test_every_pattern_row_has_a_case_that_it_finds() -> None:
    detector = Detector()
    found = {hit.rule for _, text, _ in CASES for hit in detector.find(text)}
    assert {pattern.id for pattern in PATTERNS} - found == set()


def test_kept_kinds_and_allowed_values_stay() -> None:
    text = "ping ops@acme.example from 10.0.3.14 or 203.0.113.9"
    hits = Detector(keep=[Kind.EMAIL], allow=["203.0.113.9"]).find(text)
    assert [text[h.start : h.end] for h in hits] == ["10.0.3.14"]


def test_a_region_reads_local_numbers_its_own_way() -> None:
    text = "Rufbereitschaft 030 901820 bitte"
    assert [h.kind for h in Detector(phone_region="DE").find(text)] == [Kind.PHONE]
    assert Detector(phone_region=None).find(text) == []
