"""The cue tables, driven by one table of example sentences with stable ids.

Each row names the table it exercises, a sentence, and the cue ids that table must report
(for figures, roles and causes also what the cue captured). An empty set is a hard negative.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from postmortem_writer.extract import cues

Classifier = Callable[[str], set[str]]


def _noise(text: str) -> set[str]:
    found = cues.noise_cue(text)
    return {found.id} if found else set()


def _timeline(text: str) -> set[str]:
    found = cues.timeline_cue(text)
    return {found[1].id} if found else set()


def _first_per_sentence(table: cues.CueTable, group: str | None = None) -> Classifier:
    def classify(text: str) -> set[str]:
        ids = set()
        for sentence in cues.sentences(text):
            hit = table.search(sentence)
            if hit is not None:
                captured = hit[1].groupdict().get(group) if group else None
                ids.add(f"{hit[0].id}={captured.rstrip('.')}" if captured else hit[0].id)
        return ids

    return classify


def _all_per_sentence(table: cues.CueTable, group: str | None = None) -> Classifier:
    def classify(text: str) -> set[str]:
        found = set()
        for sentence in cues.sentences(text):
            for item, match in table.find_all(sentence):
                captured = match.groupdict().get(group) if group else match.group(0)
                found.add(f"{item.id}={captured}" if captured else item.id)
        return found

    return classify


def _single(item: cues.Cue) -> Classifier:
    return lambda text: {item.id} if item.pattern.search(cues.normalise(text)) else set()


CLASSIFIERS: dict[str, Classifier] = {
    "noise": _noise,
    "timeline": _timeline,
    "cause": _first_per_sentence(cues.CAUSES, "cause"),
    "category": _first_per_sentence(cues.FACTOR_CATEGORIES),
    "gap": _first_per_sentence(cues.DETECTION_GAPS),
    "action": _first_per_sentence(cues.ACTIONS),
    "question": _first_per_sentence(cues.QUESTIONS),
    "figure": _all_per_sentence(cues.FIGURES),
    "role": _all_per_sentence(cues.ROLES, "name"),
    "deploy-rollback": _single(cues.DEPLOY_ROLLBACK),
    "escalation-timeout": _single(cues.ESCALATION_TIMEOUT),
    "declared": _single(cues.DECLARED),
}

TABLES: dict[str, list[cues.Cue]] = {
    "noise": list(cues.NOISE.cues),
    "timeline": [item for table in cues.TIMELINE_CUES.values() for item in table.cues],
    "cause": list(cues.CAUSES.cues),
    "category": list(cues.FACTOR_CATEGORIES.cues),
    "gap": list(cues.DETECTION_GAPS.cues),
    "action": list(cues.ACTIONS.cues),
    "question": list(cues.QUESTIONS.cues),
    "figure": list(cues.FIGURES.cues),
    "role": list(cues.ROLES.cues),
    "deploy-rollback": [cues.DEPLOY_ROLLBACK],
    "escalation-timeout": [cues.ESCALATION_TIMEOUT],
    "declared": [cues.DECLARED],
}

NEGATIVES: dict[str, list[cues.Cue]] = {
    "timeline": [item for table in cues.TIMELINE_CUES.values() for item in table.negatives],
    "cause": list(cues.CAUSES.negatives),
    "gap": list(cues.DETECTION_GAPS.negatives),
    "action": list(cues.ACTIONS.negatives),
}

# (id, table, sentence, expected cue ids)
EXAMPLES: list[tuple[str, str, str, set[str]]] = [
    # chat noise: nothing but acknowledgements, reactions and housekeeping
    ("noise-looking", "noise", "looking", {"noise.looking"}),
    ("noise-looking-eyes", "noise", "looking 👀", {"noise.looking"}),
    ("noise-on-it", "noise", "on it", {"noise.on-it"}),
    ("noise-plus-one", "noise", "+1", {"noise.plus-one"}),
    ("noise-plus-one-emoji", "noise", ":+1:", {"noise.plus-one"}),
    ("noise-emoji-codes", "noise", ":eyes: :pray:", {"noise.emoji"}),
    ("noise-emoji-only", "noise", "🙏🙏", {"noise.emoji"}),
    ("noise-ack", "noise", "ack", {"noise.ack"}),
    ("noise-thanks", "noise", "thanks all 🙏", {"noise.thanks"}),
    ("noise-lol", "noise", "lol", {"noise.lol"}),
    ("noise-joined", "noise", "Sam Okafor has joined the channel", {"noise.joined"}),
    ("noise-take-a-look", "noise", "I'll take a look", {"noise.take-a-look"}),
    ("noise-ok", "noise", "ok, will do", {"noise.ok"}),
    ("noise-neg-substance", "noise", "looking at the redis pool metrics now", set()),
    ("noise-neg-ack-with-content", "noise", ":+1: on it — auto-sync off for `checkout`", set()),
    ("noise-neg-ack-rolling-back", "noise", "ack, rolling back now", set()),
    # timeline: detection
    ("det-alert-fired", "timeline", "alert fired for checkout p99", {"det.alert-fired"}),
    ("det-firing", "timeline", "[FIRING:1] CheckoutP99LatencyHigh", {"det.alert-fired"}),
    ("det-triggered", "timeline", "PagerDuty incident triggered for checkout", {"det.triggered"}),
    ("det-paged", "timeline", "just got paged for checkout latency", {"det.paged"}),
    ("det-seeing-errors", "timeline", "seeing 5xx errors on checkout", {"det.seeing-errors"}),
    ("det-latency-spike", "timeline", "p99 latency spiked to 2.4s in eu-west-1", {"det.latency-spike"}),
    ("det-customers-report", "timeline", "customers report failed payments", {"det.customers-report"}),
    ("det-is-x-broken", "timeline", "is checkout broken?", {"det.is-x-broken"}),
    ("det-seeing-spike", "timeline", "seeing a spike in 502s on the api gateway, anyone else?", {"det.seeing-errors"}),
    ("det-spike-in", "timeline", "big spike in 5xx on eu-west-1", {"det.spike-in"}),
    ("chg-went-out", "timeline", "orders-api 1.8.2 went out at 1:58", {"chg.went-out"}),
    ("chg-rolled-out", "timeline", "we rolled out the new pool config to all regions", {"chg.rolled-out"}),
    ("chg-shipped-version", "timeline", "shipped 1.42.0 to eu-west-1 this morning", {"chg.shipped-version"}),
    ("chg-neg-not-yet", "timeline", "the fix has not been deployed yet", set()),
    ("chg-neg-question", "timeline", "was 1.42.0 deployed to us-east too?", set()),
    ("det-neg-no-alert", "timeline", "no alert fired for the pool exhaustion", set()),
    ("det-neg-not-paged", "timeline", "the on-call wasn't paged", set()),
    ("det-neg-triggered-by", "timeline", "the spike was triggered by the 09:02 deploy", set()),
    # timeline: diagnosis
    ("diag-root-cause", "timeline", "Root-cause candidate: Redis pool config in 1.42.0", {"diag.root-cause"}),
    ("diag-looks-like", "timeline", "looks like the pool max_idle dropped to 4", {"diag.looks-like"}),
    ("diag-found", "timeline", "found it, the pool config changed in PR #4812", {"diag.found"}),
    ("diag-suspect", "timeline", "Suspect Redis pool config shipped in checkout 1.42.0", {"diag.suspect"}),
    ("diag-caused-by", "timeline", "the latency is caused by pool waits", {"diag.caused-by"}),
    ("diag-the-issue-is", "timeline", "the issue is the new max_idle value", {"diag.the-issue-is"}),
    # timeline: decision
    ("dec-decision", "timeline", "*Decision*: roll back checkout to 1.41.3", {"dec.decision"}),
    ("dec-we-will", "timeline", "we're going to roll back checkout", {"dec.we-will"}),
    ("dec-lets", "timeline", "let's roll back to 1.41.3", {"dec.lets"}),
    ("dec-agreed", "timeline", "we agreed to fail over to us-east-1", {"dec.agreed"}),
    # timeline: mitigation
    ("mit-rolling-back", "timeline", "rolling back checkout now", {"mit.rolling-back"}),
    ("mit-rolled-back", "timeline", "rolled back to 1.41.3", {"mit.rolled-back"}),
    ("mit-rollback-applied", "timeline", "rollback applied — 6/6 pods ready", {"mit.rollback-applied"}),
    ("mit-failover", "timeline", "failover to us-east-1 complete", {"mit.failover"}),
    ("mit-scaled-up", "timeline", "scaled up the redis pool to 64", {"mit.scaled-up"}),
    ("mit-restarted", "timeline", "restarted the checkout pods", {"mit.restarted"}),
    ("mit-disabled", "timeline", "disabled the new-cache feature flag", {"mit.disabled"}),
    ("mit-reverted", "timeline", "reverted PR #4812", {"mit.reverted"}),
    ("mit-hotfix", "timeline", "hotfix deployed to prod", {"mit.hotfix"}),
    ("mit-neg-not-yet", "timeline", "we have not rolled back yet", set()),
    # timeline: resolution
    ("res-resolved", "timeline", "incident resolved", {"res.resolved"}),
    ("res-recovered", "timeline", "checkout has fully recovered", {"res.recovered"}),
    ("res-recovery-confirmed", "timeline", "Recovery confirmed 09:55 UTC", {"res.recovery-confirmed"}),
    ("res-back-to-normal", "timeline", "latency is back to normal", {"res.back-to-normal"}),
    ("res-all-clear", "timeline", "all clear from the payments side", {"res.all-clear"}),
    ("res-metric-back", "timeline", "error rate back under 0.1%", {"res.metric-back"}),
    ("res-neg-not-yet", "timeline", "not resolved yet, still seeing errors", {"det.seeing-errors"}),
    ("res-neg-question", "timeline", "is it resolved?", set()),
    # timeline: escalation
    ("esc-im-ic", "timeline", "I'm IC. Sam was paged but hasn't acked", {"esc.im-ic"}),
    ("esc-incident-commander", "timeline", "IC: Priya", {"esc.incident-commander"}),
    ("esc-paging", "timeline", "paging the database team", {"esc.paging"}),
    ("esc-escalate", "timeline", "escalating to the payments on-call", {"esc.escalate"}),
    ("esc-pulling-in", "timeline", "pulling in Marco from the platform team", {"esc.pulling-in"}),
    ("esc-declared", "timeline", "INC-2025-0304 declared, sev 2", {"esc.declared"}),
    # timeline: communication
    ("com-status-page", "timeline", "status page updated: investigating elevated latency", {"com.status-page"}),
    ("com-customers-notified", "timeline", "customers notified by email", {"com.customers-notified"}),
    ("com-update-posted", "timeline", "update posted to #announcements", {"com.update-posted"}),
    ("com-comms", "timeline", "I'll own comms to the support team", {"com.comms"}),
    # timeline: hard negatives
    ("tl-neg-git-blame", "timeline", "the git blame shows the line came from PR #4812", set()),
    ("tl-neg-dashboard", "timeline", "error rate dashboard link", set()),
    ("tl-neg-chatter", "timeline", "np, the right dashboard is in the channel bookmarks", set()),
    ("tl-neg-escalation-noun", "timeline", "the escalation to level 2 only happens after 5 minutes", set()),
    # causes people state (the capture is the cause phrase)
    (
        "cause-root-cause",
        "cause",
        "Root-cause candidate: Redis pool config in checkout 1.42.0 (PR #4812).",
        {"cause.root-cause=Redis pool config in checkout 1.42.0 (PR #4812)"},
    ),
    ("cause-caused-by", "cause", "the latency is caused by pool waits", {"cause.caused-by=pool waits"}),
    (
        "cause-because",
        "cause",
        "latency climbed because the pool max_idle dropped to 4",
        {"cause.because=the pool max_idle dropped to 4"},
    ),
    ("cause-due-to", "cause", "timeouts due to pool exhaustion", {"cause.due-to=pool exhaustion"}),
    (
        "cause-triggered-by",
        "cause",
        "the spike was triggered by the 09:02 deploy",
        {"cause.triggered-by=the 09:02 deploy"},
    ),
    (
        "cause-as-a-result-of",
        "cause",
        "errors rose as a result of the config push",
        {"cause.as-a-result-of=the config push"},
    ),
    ("cause-led-to", "cause", "the max_idle change led to pool exhaustion", {"cause.led-to=the max_idle change"}),
    ("cause-neg-personal", "cause", "sorry, late because I was driving", set()),
    ("cause-neg-not-because", "cause", "it is not because of the deploy", set()),
    ("cause-neg-question", "cause", "is this because of the deploy?", set()),
    ("cause-neg-git-blame", "cause", "the git blame shows the line came from PR #4812", set()),
    # factor categories
    ("cat-change", "category", "Redis pool config in checkout 1.42.0", {"cat.change"}),
    ("cat-testing", "category", "the canary only runs in staging", {"cat.testing"}),
    ("cat-monitoring", "category", "there is no alert on pool wait time", {"cat.monitoring"}),
    ("cat-capacity", "category", "the connection pool was exhausted", {"cat.capacity"}),
    ("cat-dependency", "category", "the upstream payment provider timed out", {"cat.dependency"}),
    ("cat-neg-other", "category", "something odd happened", set()),
    # detection gaps
    ("gap-no-alert", "gap", "no alert fired for pool exhaustion", {"gap.no-alert"}),
    ("gap-alert-didnt-fire", "gap", "the alert didn't fire", {"gap.no-alert"}),
    ("gap-didnt-alert", "gap", "the pool-wait metric didn't alert", {"gap.no-alert"}),
    ("gap-not-paged", "gap", "we weren't paged until customers complained", {"gap.not-paged"}),
    ("gap-did-not-page", "gap", "the SLO burn did not page anyone", {"gap.not-paged"}),
    ("gap-no-monitoring", "gap", "there is no monitoring on the redis pool", {"gap.no-monitoring"}),
    ("gap-slept-through", "gap", "sorry all — slept through the first page (1:10am here)", {"gap.page-not-acked"}),
    ("gap-missed-page", "gap", "missed the first page, phone was on silent", {"gap.page-not-acked"}),
    ("gap-canary", "gap", "the canary didn't catch the config change", {"gap.canary"}),
    ("gap-neg-question", "gap", "the canary didn't catch this?", set()),
    ("gap-neg-alert-fired", "gap", "alert fired at 09:10", set()),
    # action items
    ("act-i-file", "action", "I'll file a ticket to add a pool-wait alert", {"act.i-file"}),
    ("act-i-will-file", "action", "I will file a bug for config validation", {"act.i-file"}),
    ("act-i-create-ticket", "action", "I'll create a ticket for the runbook update", {"act.i-file"}),
    ("act-i-own", "action", "I'll own the pool-wait alert follow-up", {"act.i-own"}),
    ("act-follow-up", "action", "follow-up: add config validation to CI", {"act.follow-up"}),
    ("act-follow-up-space", "action", "Follow up: document the rollback steps", {"act.follow-up"}),
    ("act-action-item", "action", "Action item: add a pool-wait alert", {"act.action-item"}),
    ("act-todo", "action", "TODO: add a max_idle bounds check", {"act.todo"}),
    ("act-ai", "action", "AI: add a pool panel to the dashboard", {"act.ai"}),
    ("act-we-should", "action", "we should add a canary for config changes", {"act.we-should"}),
    ("act-we-need-to", "action", "we need to alert on pool wait time", {"act.we-should"}),
    ("act-lets-add", "action", "let's add a pool-wait alert", {"act.lets-add"}),
    ("act-neg-take-a-look", "action", "I'll take a look", set()),
    ("act-neg-should-be-fine", "action", "we should be fine now", set()),
    ("act-neg-own-comms", "action", "I'll own comms to the support team", set()),
    ("act-neg-in-incident", "action", "we need to roll back now", set()),
    ("act-neg-question", "action", "we should add a canary, right?", set()),
    ("act-neg-no-colon", "action", "Zoë, Marco, Sam: action items go in the PM doc.", set()),
    ("act-neg-ai-word", "action", "the ai: model picked it up", set()),
    # questions
    ("q-why", "question", "why didn't the canary catch this?", {"q.why"}),
    ("q-how-come", "question", "how come staging didn't show it?", {"q.why"}),
    ("q-what", "question", "what changed at 09:02?", {"q.clarifying"}),
    ("q-who", "question", "who owns the redis pool config?", {"q.clarifying"}),
    ("q-did", "question", "did the rollback finish?", {"q.clarifying"}),
    ("q-lead-in", "question", "which dashboard? and is it all regions?", {"q.clarifying"}),
    ("q-neg-statement", "question", "why the pool shrank is still unclear", set()),
    ("q-neg-request", "question", "@Marco can you pull latency graphs?", set()),
    # impact figures (the capture is the figure as written)
    ("fig-orders", "figure", "about 1,800 checkouts failed", {"fig.orders=about 1,800 checkouts"}),
    ("fig-failed-orders", "figure", "failed checkouts: 1,200 so far", {"fig.orders=failed checkouts: 1,200"}),
    ("fig-users", "figure", "roughly 12k users saw errors", {"fig.users=roughly 12k users"}),
    ("fig-users-adjective", "figure", "3,400 EU customers could not pay", {"fig.users=3,400 EU customers"}),
    ("fig-error-rate", "figure", "error rate peaked at 12%", {"fig.error-rate=error rate peaked at 12%"}),
    ("fig-5xx", "figure", "5xx < 0.1%", {"fig.error-rate=5xx < 0.1%"}),
    ("fig-share-of-requests", "figure", "8% of requests failed", {"fig.error-rate=8% of requests failed"}),
    (
        "fig-share-of-attempts",
        "figure",
        "roughly 12% of EU checkout attempts failed",
        {"fig.error-rate=roughly 12% of EU checkout attempts"},
    ),
    ("fig-latency", "figure", "p99 went 180ms → 2.4s starting ~09:04", {"fig.latency=p99 went 180ms → 2.4s"}),
    ("fig-latency-simple", "figure", "latency hit 3.2s", {"fig.latency=latency hit 3.2s"}),
    ("fig-revenue", "figure", "estimated $42,000 in lost sales", {"fig.revenue=$42,000"}),
    ("fig-revenue-eur", "figure", "about 15k EUR in refunds", {"fig.revenue=about 15k EUR"}),
    ("fig-requests", "figure", "1.2m requests failed", {"fig.requests=1.2m requests"}),
    ("fig-neg-dashboard", "figure", "error rate dashboard link", set()),
    ("fig-neg-ids", "figure", "Deploy train #1187 shipped PR #4812 at 09:02", set()),
    ("fig-neg-ready", "figure", "RS checkout-5c6b7f9d88 6/6 ready", set()),
    # responders' roles (the capture is the person named, empty for the speaker)
    ("role-ic-self", "role", "I'm IC.", {"role.ic-self"}),
    ("role-ic-named", "role", "IC: @Priya Natarajan · PagerDuty: #4821", {"role.ic-named=Priya Natarajan"}),
    ("role-ic-topic", "role", "INC-2025-0304 | IC: Priya | Status: investigating", {"role.ic-named=Priya"}),
    ("role-comms", "role", "I'll own comms to the support team", {"role.comms-self"}),
    ("role-assigned", "role", "Assigned to Sam Okafor.", {"role.assigned=Sam Okafor"}),
    ("role-notified", "role", "Notified Sam Okafor via phone call.", {"role.notified=Sam Okafor"}),
    ("role-acknowledged", "role", "Acknowledged by Priya Natarajan.", {"role.acknowledged=Priya Natarajan"}),
    ("role-neg-topic", "role", "Topic: checkout latency", set()),
    ("role-neg-queue", "role", "assigned to the payments queue", set()),
    # single cues
    ("rollback-deploy", "deploy-rollback", "Rollback to Argo CD history 40 (e3d9a77)", {"deploy.rollback"}),
    ("rollback-neg-deploy", "deploy-rollback", "Deploy train #1187: checkout 1.42.0", set()),
    ("timeout-escalated", "escalation-timeout", "Escalated to level 2 (timeout).", {"gap.escalation-timeout"}),
    ("timeout-neg-manual", "escalation-timeout", "Escalated to level 2 by Priya Natarajan.", set()),
    ("declared-line", "declared", ":rotating_light: *INC-2025-0304 declared* — checkout p99", {"title.declared"}),
]


@pytest.mark.parametrize(("table", "text", "expected"), [row[1:] for row in EXAMPLES], ids=[row[0] for row in EXAMPLES])
def test_cue_tables_classify_examples(table: str, text: str, expected: set[str]) -> None:
    assert CLASSIFIERS[table](text) == expected


def test_every_cue_has_an_example_and_every_negative_a_hard_negative() -> None:
    assert len({row[0] for row in EXAMPLES}) == len(EXAMPLES), "example ids must be unique"
    covered = {entry.split("=")[0] for row in EXAMPLES for entry in row[3]}
    missing = [item.id for items in TABLES.values() for item in items if item.id not in covered]
    assert missing == []
    unexercised = [
        negative.id
        for table, negatives in NEGATIVES.items()
        for negative in negatives
        if not any(
            negative.pattern.search(sentence)
            for row in EXAMPLES
            if row[1] == table
            for sentence in cues.sentences(row[2])
        )
    ]
    assert unexercised == []
