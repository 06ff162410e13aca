"""The cue tables, driven by one table of example sentences with stable ids.

Each row names the table it exercises, a sentence, and the cue ids that table must report
(for figures, roles, causes and lists also what the cue captured). An empty set is a hard negative.
The ``message`` rows run the per-sentence classification of a whole chat message, and the ``post``
rows the alert and integration post classifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from postmortem_writer.extract import cues
from postmortem_writer.extract.classify import chat_cues
from postmortem_writer.people import ROLES
from postmortem_writer.text import BULLET, Cue, CueTable, lines, normalise, sentences

Classifier = Callable[[str], set[str]]


def _noise(text: str) -> set[str]:
    found = cues.noise_cue(text)
    return {found.id} if found else set()


def _timeline(text: str) -> set[str]:
    found = cues.timeline_cue(text)
    return {found[1].id} if found else set()


def _message(text: str) -> set[str]:
    found = chat_cues(text)
    return {found[0][1].id} if found else set()


def _post(text: str) -> set[str]:
    found = cues.alert_post_cue(text)
    return {found[1].id} if found else set()


def _per_line(*items: Cue, group: str) -> Classifier:
    def classify(text: str) -> set[str]:
        hits = ((item, item.pattern.search(line)) for line in lines(text) for item in items)
        return {f"{item.id}={hit[group] or hit.groupdict().get('mention')}" for item, hit in hits if hit is not None}

    return classify


def _first_per_sentence(table: CueTable, group: str | None = None) -> Classifier:
    def classify(text: str) -> set[str]:
        ids = set()
        for sentence in sentences(text):
            hit = table.search(sentence)
            if hit is not None:
                captured = hit[1].groupdict().get(group) if group else None
                ids.add(f"{hit[0].id}={captured.rstrip('.')}" if captured else hit[0].id)
        return ids

    return classify


def _all_per_sentence(table: CueTable, group: str | None = None) -> Classifier:
    def classify(text: str) -> set[str]:
        found = set()
        for sentence in sentences(text):
            for item, match in table.find_all(sentence):
                captured = match.groupdict().get(group) if group else match.group(0)
                found.add(f"{item.id}={captured}" if captured else item.id)
        return found

    return classify


def _single(item: Cue) -> Classifier:
    return lambda text: {item.id} if item.pattern.search(normalise(text)) else set()


CLASSIFIERS: dict[str, Classifier] = {
    "noise": _noise,
    "timeline": _timeline,
    "message": _message,
    "post": _post,
    "cause": _first_per_sentence(cues.CAUSES, "cause"),
    "category": _first_per_sentence(cues.FACTOR_CATEGORIES),
    "gap": _first_per_sentence(cues.DETECTION_GAPS),
    "gap-question": _first_per_sentence(cues.GAP_QUESTIONS),
    "action": _first_per_sentence(cues.ACTIONS),
    "late-action": _first_per_sentence(cues.LATE_ACTIONS),
    "action-header": _per_line(cues.ACTION_HEADER, group="header"),
    "bullet": _per_line(BULLET, group="item"),
    "owner": _per_line(cues.OWNER_SUFFIX, cues.OWNER_PREFIX, group="name"),
    "question": _first_per_sentence(cues.QUESTIONS),
    "question-tag": _single(cues.QUESTION_TAG),
    "open-question": _single(cues.OPEN_QUESTION),
    "figure": _all_per_sentence(cues.FIGURES),
    "alert-condition": _single(cues.ALERT_CONDITION),
    "role": _all_per_sentence(ROLES, "name"),
    "deploy-rollback": _single(cues.DEPLOY_ROLLBACK),
    "escalation-timeout": _single(cues.ESCALATION_TIMEOUT),
    "declared": _single(cues.DECLARED),
    "declaring": _single(cues.DECLARING),
    "severity": _single(cues.SEVERITY),
    "alert-shape": _single(cues.ALERT_SHAPE),
    "system-terms": _single(cues.SYSTEM_TERMS),
    "stated-trigger": _first_per_sentence(cues.STATED_TRIGGER),
    "data-loss": _single(cues.DATA_LOSS),
    "deploy-fix": _single(cues.DEPLOY_FIX),
}

TABLES: dict[str, list[Cue]] = {
    "noise": list(cues.NOISE.cues),
    "timeline": [item for table in cues.TIMELINE_CUES.values() for item in table.cues],
    "post": list(cues.ALERT_POSTS.cues),
    "cause": list(cues.CAUSES.cues),
    "category": list(cues.FACTOR_CATEGORIES.cues),
    "gap": list(cues.DETECTION_GAPS.cues),
    "gap-question": list(cues.GAP_QUESTIONS.cues),
    "action": list(cues.ACTIONS.cues),
    "late-action": list(cues.LATE_ACTIONS.cues),
    "action-header": [cues.ACTION_HEADER],
    "bullet": [BULLET],
    "owner": [cues.OWNER_SUFFIX, cues.OWNER_PREFIX],
    "question": list(cues.QUESTIONS.cues),
    "question-tag": [cues.QUESTION_TAG],
    "open-question": [cues.OPEN_QUESTION],
    "figure": list(cues.FIGURES.cues),
    "alert-condition": [cues.ALERT_CONDITION],
    "role": list(ROLES.cues),
    "deploy-rollback": [cues.DEPLOY_ROLLBACK],
    "escalation-timeout": [cues.ESCALATION_TIMEOUT],
    "declared": [cues.DECLARED],
    "declaring": [cues.DECLARING],
    "severity": [cues.SEVERITY],
    "alert-shape": [cues.ALERT_SHAPE],
    "system-terms": [cues.SYSTEM_TERMS],
    "stated-trigger": list(cues.STATED_TRIGGER.cues),
    "data-loss": [cues.DATA_LOSS],
    "deploy-fix": [cues.DEPLOY_FIX],
}

NEGATIVES: dict[str, list[Cue]] = {
    "timeline": [item for table in cues.TIMELINE_CUES.values() for item in table.negatives],
    "cause": list(cues.CAUSES.negatives),
    "gap": list(cues.DETECTION_GAPS.negatives),
    "action": list(cues.ACTIONS.negatives),
    "late-action": list(cues.LATE_ACTIONS.negatives),
    "figure": list(cues.FIGURES.negatives),
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
    (
        "det-reports-count",
        "timeline",
        "3 chats in the last couple min saying the page just spins",
        {"det.reports-count"},
    ),
    ("det-something-wrong", "timeline", "hey is something going on w product pages?", {"det.something-wrong"}),
    ("det-neg-reports-later", "timeline", "I'll write up the 3 tickets for the postmortem", set()),
    ("det-seeing-spike", "timeline", "seeing a spike in 502s on the api gateway, anyone else?", {"det.seeing-errors"}),
    ("det-spike-in", "timeline", "big spike in 5xx on eu-west-1", {"det.spike-in"}),
    ("det-customers-saying", "timeline", "cs: customers saying search is super slow", {"det.customers-report"}),
    ("det-is-down", "timeline", "checkout is down for real now", {"det.is-down"}),
    ("det-unreachable", "timeline", "orders-db primary unreachable, ec2 status check failed", {"det.is-down"}),
    ("det-throwing", "timeline", "orders-api is throwing disk full on inserts", {"det.throwing-errors"}),
    ("det-returning", "timeline", "the gateway is returning 502s for /cart", {"det.throwing-errors"}),
    ("det-500ing", "timeline", "12% of requests 500ing on payments-api", {"det.failing-state"}),
    ("det-timing-out", "timeline", "eu customers timing out on login", {"det.failing-state"}),
    ("det-slow", "timeline", "search is super slow for enterprise accounts", {"det.slow"}),
    ("det-nothing-since", "timeline", "hi, finance dashboards show no orders since friday??", {"det.nothing-since"}),
    ("det-packet-loss", "timeline", "packet loss 30-40% into fra1 from several ISPs", {"det.packet-loss"}),
    ("det-anyone-else", "timeline", "anyone else getting kicked out of the vpn?", {"det.anyone-else"}),
    ("det-flooded", "timeline", "we're getting flooded, ~400 tickets in 10 min", {"det.flooded"}),
    ("det-wrong-content", "timeline", "cdn-edge is serving stale assets in fra1", {"det.wrong-content"}),
    ("det-empty-results", "timeline", "search results are empty for a third of queries", {"det.wrong-content"}),
    ("det-since", "timeline", "yes — search-api 5xx at 12% since 09:55", {"det.since"}),
    ("det-failing-since", "timeline", "warehouse_load has been failing since sat 02:00 UTC", {"det.since"}),
    ("det-anyone-else-tail", "timeline", "checkout feels sluggish, anyone else?", {"det.anyone-else"}),
    ("det-queueing", "timeline", "purges are queueing", {"det.saturated"}),
    ("det-getting-errors", "timeline", "getting a bunch of alerts for kafka consumer lag", {"det.getting-errors"}),
    ("det-saturated", "timeline", "db connections are maxed out", {"det.saturated"}),
    ("det-disk-full", "timeline", "disk on kafka-3 is at 99%", {"det.saturated"}),
    ("det-metric-way-up", "timeline", "error rate on the gateway jumped to 15%", {"det.latency-spike"}),
    ("det-cant-connect", "timeline", "the mobile app can't connect to the backend", {"det.failing-state"}),
    ("det-site-down", "timeline", "site's down", {"det.is-down"}),
    ("det-neg-not-seeing", "timeline", "not seeing any errors on our side", set()),
    ("det-still-abnormal", "timeline", "latency on the search endpoints is still abnormal", {"det.latency-spike"}),
    ("det-neg-small-talk", "timeline", "lunch order is late because the delivery app is slow", set()),
    ("det-neg-coffee", "timeline", "the coffee machine is down again", set()),
    ("det-neg-heap-normal", "timeline", "es heap back to 55%", set()),
    ("det-neg-no-longer", "timeline", "requests are no longer timing out", set()),
    ("det-neg-down-to", "timeline", "error rate is down to 3% now", set()),
    ("det-neg-queue-draining", "timeline", "queue draining, 90k left", set()),
    ("chg-went-out", "timeline", "orders-api 1.8.2 went out at 1:58", {"chg.went-out"}),
    ("chg-rolled-out", "timeline", "we rolled out the new pool config to all regions", {"chg.rolled-out"}),
    # issue 16: mitigation said in present tense, symptoms reported in plain words
    ("mit-killing-id", "timeline", "Killing R-8821 now", {"mit.killed-id"}),
    ("mit-killing-pid", "timeline", "killing pid 4411", {"mit.killed-id"}),
    ("mit-going-to-roll-back-now", "timeline", "going to roll back now", {"mit.doing-now"}),
    ("mit-will-fail-over-now", "timeline", "we will fail over now", {"mit.doing-now"}),
    ("dec-neg-now-decision", "timeline", "decision: fail over now", {"dec.decision"}),
    ("mit-killed-id", "timeline", "R-8821 killed, primary cpu dropping", {"mit.killed-id"}),
    ("mit-stopped-flow", "timeline", "stopped the creation and propagation of new feature files", {"mit.stopped-flow"}),
    ("mit-good-version", "timeline", "deploying the good feature file globally now", {"mit.good-version"}),
    ("mit-corrected-config", "timeline", "applying the corrected configuration and restarting", {"mit.good-version"}),
    ("mit-bypass", "timeline", "implemented a bypass for Workers KV and Access", {"mit.bypass"}),
    ("mit-re-enabling", "timeline", "re-enabling the R2 Gateway from the control plane now", {"mit.re-enabled"}),
    ("mit-recreating", "timeline", "recreating idx_orders_created_at concurrently", {"mit.recreated"}),
    ("mit-restoring-values", "timeline", "restoring the correct token values by hand now", {"mit.restored"}),
    ("mit-bringing-traffic", "timeline", "bringing traffic back gradually", {"mit.traffic-shift"}),
    (
        "mit-partial-restored",
        "timeline",
        "most of the control plane is restored in the DR region",
        {"mit.partial-recovery"},
    ),
    ("mit-partial-most", "timeline", "most services are back in eu-west", {"mit.partial-recovery"}),
    ("mit-partial-count", "timeline", "12 of 40 shards are back", {"mit.partial-recovery"}),
    ("mit-coming-back", "timeline", "POPs are coming back in Europe", {"mit.partial-recovery"}),
    ("mit-errors-dropping", "timeline", "5xx dropping in us-east", {"mit.partial-recovery"}),
    ("mit-under-way", "timeline", "DR failover started, API first", {"mit.under-way"}),
    ("mit-fix-deploy-started", "timeline", "bug fix deploy has started", {"mit.under-way"}),
    ("mit-neg-fix-in-progress", "timeline", "the fix rollout is in progress", set()),
    ("mit-got-done", "timeline", "the vendor got the generators restarted", {"mit.got-done"}),
    ("res-neg-hoped", "timeline", "rolling restart done. telling support it should be resolved", {"mit.restarted"}),
    ("chg-released-to", "timeline", "access-api v2023.1.24 released to production", {"chg.released-to"}),
    ("det-experiencing", "timeline", "every customer was experiencing a 100% failure rate", {"det.experiencing"}),
    ("det-detected", "timeline", "we detected the incident at 22:01", {"det.experiencing"}),
    (
        "det-began-reporting",
        "timeline",
        "customers began reporting issues almost immediately",
        {"det.customers-report"},
    ),
    ("res-restoration", "timeline", "full service restoration was achieved at 22:54", {"res.restored"}),
    ("diag-looking-at", "timeline", "the team began looking at operational dashboards and logs", {"diag.looking-at"}),
    ("res-going-green", "timeline", "writes and reads are succeeding again, going green", {"res.stable"}),
    ("det-failing-everywhere", "timeline", "R2 writes are failing everywhere", {"det.failing"}),
    ("det-failing-for-some", "timeline", "WARP device enrollment failing for some customers", {"det.failing"}),
    ("det-halt", "timeline", "the site came to a halt", {"det.failing"}),
    ("det-seeing-long", "timeline", "seeing some service token auth failures", {"det.seeing-errors"}),
    ("det-neg-failing-over", "timeline", "the cluster is failing over to the replica", {"mit.failover"}),
    ("chg-shipped-version", "timeline", "shipped 1.42.0 to eu-west-1 this morning", {"chg.shipped-version"}),
    ("chg-deployed-service-version", "timeline", "Deployed billing-api v4.2.0 to production", {"chg.shipped-version"}),
    ("chg-neg-not-yet", "timeline", "the fix has not been deployed yet", set()),
    ("chg-neg-question", "timeline", "was 1.42.0 deployed to us-east too?", set()),
    ("chg-applied", "timeline", "infra-live PR #2231 got applied at 23:30 by the pipeline", {"chg.went-out"}),
    ("chg-rollout-percent", "timeline", "I bumped search-ranking-v2 to 100% at 3:05", {"chg.rollout-percent"}),
    ("chg-rollout-from-to", "timeline", "changed the percentage rollout from 25% to 100%", {"chg.rollout-percent"}),
    ("chg-version-bump", "timeline", "the deploy at 20:10 bumped grpc-java 1.62 -> 1.64", {"chg.version-bump"}),
    ("chg-flag-on", "timeline", "turned on the new-checkout flag for beta users", {"chg.flag-on"}),
    ("chg-ran", "timeline", "terraform apply ran at 02:00 and removed the SG rule", {"chg.ran"}),
    ("chg-neg-back-on", "timeline", "turning checkout_enabled back on", set()),
    (
        "chg-started-work",
        "timeline",
        "starting the postgres 14 -> 15 upgrade on the main cluster",
        {"chg.started-work"},
    ),
    ("chg-started-rotation", "timeline", "starting the storage credential rotation", {"chg.started-work"}),
    ("chg-work-done", "timeline", "old keys deleted, rotation done", {"chg.started-work"}),
    ("chg-neg-started-question", "timeline", "starting the upgrade now?", set()),
    ("chg-ran-tool", "timeline", "ran terraform init and terraform apply with the new module", {"chg.ran-tool"}),
    ("chg-ran-deploy", "timeline", "ran the helm deploy for billing", {"chg.ran-tool"}),
    ("chg-neg-ran-out", "timeline", "ran out of disk on the builder", set()),
    ("chg-committed", "timeline", "committed the prefix-list change on edge01", {"chg.committed"}),
    ("chg-pushed-config", "timeline", "pushed the haproxy config to the lbs", {"chg.committed"}),
    ("chg-neg-none-deployed", "timeline", "nothing was deployed tonight as far as I can see", set()),
    ("chg-neg-no-deploy", "timeline", "checked: no deploy since yesterday", set()),
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
    ("dec-approved", "timeline", "approved. cx impact is worse than the data risk", {"dec.approved"}),
    ("dec-do-it", "timeline", "do it", {"dec.approved"}),
    ("dec-plan", "timeline", "plan: drain eu-west-1 and shift traffic to us-east-1", {"dec.plan"}),
    ("dec-lets-try", "timeline", "lets try the fallback provider for 10%", {"dec.lets"}),
    ("dec-neg-approved-pr", "timeline", "the PR was approved yesterday", set()),
    # timeline: mitigation
    ("mit-rolling-back", "timeline", "rolling back checkout now", {"mit.rolling-back"}),
    ("mit-rolled-back", "timeline", "rolled back to 1.41.3", {"mit.rolled-back"}),
    ("mit-rollback-applied", "timeline", "rollback applied — 6/6 pods ready", {"mit.rollback-applied"}),
    (
        "mit-rollback-to-complete",
        "timeline",
        "Rollback to 1.8.1 complete. Connections back down",
        {"mit.rollback-applied"},
    ),
    ("mit-failover", "timeline", "failover to us-east-1 complete", {"mit.failover"}),
    ("mit-scaled-up", "timeline", "scaled up the redis pool to 64", {"mit.scaled-up"}),
    ("mit-restarted", "timeline", "restarted the checkout pods", {"mit.restarted"}),
    ("mit-restarted-neg-symptom", "timeline", "all 12 label-worker pods have restarted 40 times", set()),
    ("mit-restarted-neg-count", "timeline", "the consumer restarted 6 times overnight", set()),
    ("mit-setting-back", "timeline", "setting -Xmx1536m explicitly, limit back to 2Gi", {"mit.setting-back"}),
    ("mit-cancel-backend", "timeline", "pg_cancel_backend on the ALTER pid", {"mit.killed"}),
    ("mit-cancelling", "timeline", "cancelling the migration now", {"mit.killed"}),
    # Issue 16: an action said in the future tense and done "right now" is the mitigation starting.
    (
        "mit-going-to-now",
        "timeline",
        "we're going to disable checks on the api backend right now",
        {"mit.doing-now"},
    ),
    ("dec-going-to-later", "timeline", "we're going to disable checks on the api backend", {"dec.we-will"}),
    (
        "mit-restarting-now",
        "timeline",
        "restarting the api pods now",
        {"mit.restarted"},
    ),
    ("mit-revert-merging", "timeline", "revert PR #1192 approved, merging", {"mit.reverted"}),
    ("mit-flipped", "timeline", "flipping upload.region_failover=usw2 for 5% of upload sessions", {"mit.flipped"}),
    (
        "mit-rolling-to",
        "timeline",
        "rolling the new bundle to prod gw now, canary node first",
        {"mit.rolling-to"},
    ),
    ("mit-enabled", "timeline", "stale-if-error + serve-stale enabled on the storefront paths", {"mit.enabled"}),
    ("mit-neg-enabled-passive", "timeline", "the flag was enabled for everyone", {"chg.rollout-percent"}),
    (
        "chg-change-did",
        "timeline",
        "the november rack migration added 2 master-eligible nodes in rack B",
        {"chg.change-did"},
    ),
    ("mit-neg-option-cost", "timeline", "reverting by hand on a router at 100% cpu will be slow", set()),
    ("mit-neg-option-takes-hours", "timeline", "restoring from the snapshot would take hours", set()),
    ("mit-neg-nobody", "timeline", "nobody bumped minimum_master_nodes after the rack migration", set()),
    ("mit-neg-request", "timeline", "Mei can you buy us some time", set()),
    ("mit-neg-plan-is", "timeline", "plan is roll back to v4.17.2", set()),
    (
        "mit-neg-restarted-and",
        "timeline",
        "that's why the alert never refired, the exporter pod restarted and talks to the wrong master",
        set(),
    ),
    (
        "chg-earlier",
        "timeline",
        "fyi I rotated the DKIM keys for mail.finlo.in this morning at 10:30",
        {"chg.earlier"},
    ),
    ("mit-log-level", "timeline", "search-api LOG_LEVEL back to info, all 30 pods picked it up", {"mit.setting-live"}),
    ("mit-env-live", "timeline", "AUTH_JWT_IAT_LEEWAY_SEC=5 is live on all 24 validators", {"mit.setting-live"}),
    ("mit-config-applied", "timeline", "CONFIG SET maxmemory 20gb applied on all 6 primaries", {"mit.setting-live"}),
    ("mit-neg-live-on", "timeline", "almost certainly, sessions live on cache-prod", set()),
    ("mit-flag-now", "timeline", "otp_email_fallback now 100% in launchdarkly", {"mit.setting-live"}),
    ("mit-set-to", "timeline", "BodySizeLimit override action set to Count on the public acl", {"mit.setting-live"}),
    ("mit-put-back", "timeline", "attached media-svc-s3-rw back to media-svc-prod", {"mit.put-back"}),
    ("mit-neg-got-applied", "timeline", "the terraform change got applied by the pipeline", {"chg.went-out"}),
    ("mit-retries-back", "timeline", "setting braxton retries back to 0 via config", {"mit.setting-back"}),
    (
        "mit-neg-would-not-help",
        "timeline",
        "rolling back the api won't get rid of the ones already in the queue",
        set(),
    ),
    ("res-resolving", "timeline", "ok, resolving. leaving the override in place tonight", {"res.resolving"}),
    ("res-resolving-neg-mid", "timeline", "still working on resolving the backlog", set()),
    ("mit-disabled", "timeline", "disabled the new-cache feature flag", {"mit.disabled"}),
    ("mit-reverted", "timeline", "reverted PR #4812", {"mit.reverted"}),
    ("mit-hotfix", "timeline", "hotfix deployed to prod", {"mit.hotfix"}),
    ("mit-neg-not-yet", "timeline", "we have not rolled back yet", set()),
    ("mit-mitigated", "timeline", "mitigated, login success recovering", {"mit.mitigated"}),
    ("mit-buy-time", "timeline", "3Gi rolled out. buys us ~45 min per pod", {"mit.buy-time"}),
    ("mit-rolling-restart", "timeline", "rolling restart of payments-api", {"mit.restarted"}),
    ("mit-bounced", "timeline", "bounced the ingress controllers", {"mit.restarted"}),
    ("mit-reverts", "timeline", "PR #881 reverts the retention change", {"mit.reverted"}),
    ("mit-revert-merged", "timeline", "revert PR #2234 merged and applied", {"mit.reverted"}),
    ("mit-revert-pr-merged", "timeline", "revert PR merged", {"mit.reverted"}),
    ("mit-fix-out", "timeline", "the fix is out in all regions", {"mit.fix-out"}),
    ("mit-flag-off", "timeline", "feature flag checkout_enabled off", {"mit.flag-off"}),
    ("mit-targeting-off", "timeline", "turned targeting off for everyone", {"mit.flag-off"}),
    ("mit-maintenance", "timeline", "store shows the maintenance banner now", {"mit.maintenance"}),
    ("mit-cordoned", "timeline", "cordoned + drained the node", {"mit.cordoned"}),
    ("mit-bumped", "timeline", "bumping the memory limit to 3Gi", {"mit.bumped"}),
    ("mit-limit-raised", "timeline", "rate limit raised to 500/s by the vendor", {"mit.bumped"}),
    ("mit-restored", "timeline", "restored the attachments table from the 03:00 snapshot", {"mit.restored"}),
    ("mit-switched", "timeline", "switched svc_airflow to key-pair auth", {"mit.switched"}),
    ("mit-swapped", "timeline", "listener swapped to the new cert arn", {"mit.switched"}),
    ("mit-swapped-alone", "timeline", "swapped the certs on both listeners", {"mit.switched"}),
    ("mit-traffic-weights", "timeline", "gslb weights fra1 0 / ams1 100", {"mit.traffic-shift"}),
    ("mit-fallback", "timeline", "100% on fallback now", {"mit.fallback"}),
    ("mit-recreated", "timeline", "record recreated with TTL 60", {"mit.recreated"}),
    ("mit-copied-back", "timeline", "1,198,402 rows copied back", {"mit.recreated"}),
    ("mit-killed", "timeline", "killed the runaway queries on the primary", {"mit.killed"}),
    ("mit-paused", "timeline", "campaign paused at 4:51", {"mit.paused"}),
    ("mit-added-capacity", "timeline", "adding 2 more data nodes", {"mit.added-capacity"}),
    ("mit-grew-volume", "timeline", "growing the volume to 1TB", {"mit.grew-volume"}),
    ("mit-resize-done", "timeline", "EBS resize done, fs extended", {"mit.grew-volume"}),
    ("mit-reloaded", "timeline", "reloaded pgbouncer config on all hosts", {"mit.reloaded"}),
    ("mit-flushed", "timeline", "flushed the dns cache on the nodes", {"mit.reloaded"}),
    ("mit-rotated", "timeline", "rotated the leaked api keys", {"mit.rotated"}),
    ("mit-new-cert", "timeline", "new cert issued, importing into ACM", {"mit.rotated"}),
    ("mit-blocked", "timeline", "blocked traffic from the scraping ASN", {"mit.blocked"}),
    ("mit-redeployed", "timeline", "redeployed the previous image", {"mit.redeployed"}),
    ("mit-command-done", "timeline", "kubectl scale deploy/api --replicas=12 done", {"mit.command-done"}),
    ("mit-neg-planned", "timeline", "we could fail over to ams1", set()),
    ("mit-neg-will-revert", "timeline", "doing it by hand, will revert the PR right after", set()),
    ("mit-neg-throttled", "timeline", "we're being throttled by the provider", set()),
    ("mit-neg-uncordoned", "timeline", "uncordoned ip-10-3-4-17", set()),
    (
        "mit-neg-hypothesis",
        "timeline",
        "looks like the partner rotated their signing key at 13:50",
        {"diag.looks-like"},
    ),
    # timeline: resolution
    ("res-resolved", "timeline", "incident resolved", {"res.resolved"}),
    ("res-recovered", "timeline", "checkout has fully recovered", {"res.recovered"}),
    ("res-recovery-confirmed", "timeline", "Recovery confirmed 09:55 UTC", {"res.recovery-confirmed"}),
    ("res-back-to-normal", "timeline", "latency is back to normal", {"res.back-to-normal"}),
    ("res-all-clear", "timeline", "all clear from the payments side", {"res.all-clear"}),
    ("res-metric-back", "timeline", "error rate back under 0.1%", {"res.metric-back"}),
    ("res-neg-not-yet", "timeline", "not resolved yet, still seeing errors", {"det.seeing-errors"}),
    ("res-neg-question", "timeline", "is it resolved?", set()),
    ("res-recovery-complete", "timeline", "recovery is complete on all shards", {"res.recovery-complete"}),
    ("res-baseline", "timeline", "queue empty. we're at baseline", {"res.baseline"}),
    ("res-back-to-baseline", "timeline", "payments-api 5xx at 0.1%, back to baseline", {"res.baseline"}),
    ("res-closing", "timeline", "good q for the postmortem. closing the incident", {"res.closing"}),
    ("res-incident-over", "timeline", "incident is over, thanks everyone", {"res.closing"}),
    ("res-metrics-normal", "timeline", "error rates are normal", {"res.metrics-normal"}),
    ("res-metrics-healthy", "timeline", "metrics look healthy across regions", {"res.metrics-normal"}),
    ("res-stable", "timeline", "we're stable. keep monitoring", {"res.stable"}),
    ("res-all-green", "timeline", "fra1 100 again. all green", {"res.stable"}),
    ("res-errors-gone", "timeline", "the 502s are gone", {"res.errors-gone"}),
    ("res-restored", "timeline", "service fully restored for all tenants", {"res.restored"}),
    ("res-fixed", "timeline", "confirmed fixed by the customer", {"res.fixed"}),
    ("res-working-again", "timeline", "queue empty, fra1 serving fresh assets again", {"res.working-again"}),
    ("res-inserts-working", "timeline", "inserts working again", {"res.working-again"}),
    ("res-neg-not-fixed", "timeline", "it isn't fixed for android users", set()),
    ("res-neg-later", "timeline", "monitoring for 30 more min, then closing the incident", set()),
    ("res-neg-still", "timeline", "all green except eu, which is still failing", set()),
    # timeline: escalation
    ("esc-im-ic", "timeline", "I'm IC. Sam was paged but hasn't acked", {"esc.im-ic"}),
    ("esc-incident-commander", "timeline", "IC: Priya", {"esc.incident-commander"}),
    ("esc-paging", "timeline", "paging the database team", {"esc.paging"}),
    ("esc-escalate", "timeline", "escalating to the payments on-call", {"esc.escalate"}),
    ("esc-pulling-in", "timeline", "pulling in Marco from the platform team", {"esc.pulling-in"}),
    ("esc-pinging-oncall", "timeline", "pinging @sre-oncall for the db side", {"esc.pulling-in"}),
    ("esc-declared", "timeline", "INC-2025-0304 declared, sev 2", {"esc.declared"}),
    ("esc-take-ic", "timeline", "I'll take IC", {"esc.take-ic"}),
    ("esc-ic-me", "timeline", "IC me, Pablo on comms", {"esc.take-ic"}),
    ("sev-colon", "severity", "IC: @Priya · PagerDuty: #4821 · Sev: 2", {"sev.stated"}),
    ("sev-glued", "severity", "upgrading this to sev1", {"sev.stated"}),
    ("sev-dash", "severity", "SEV-3 declared for search", {"sev.stated"}),
    ("sev-neg-word", "severity", "several users report errors", set()),
    ("sev-neg-number", "severity", "seven pods restarted", set()),
    ("esc-severity", "timeline", "upgrading this to sev2", {"esc.severity"}),
    ("esc-severity-short", "timeline", "ok, sev3", {"esc.severity"}),
    ("esc-neg-customers", "timeline", "a few enterprise accounts escalating", set()),
    ("esc-call", "timeline", "opening an incident call, storage team please join", {"esc.call"}),
    ("esc-bridge-up", "timeline", "incident bridge is up, link in topic", {"esc.call"}),
    ("esc-priority", "timeline", "merging the two incidents, priority P1", {"esc.severity"}),
    ("com-status-post", "timeline", "status post is up, wording from the template", {"com.status-page"}),
    # timeline: communication
    ("com-status-page", "timeline", "status page updated: investigating elevated latency", {"com.status-page"}),
    ("com-customers-notified", "timeline", "customers notified by email", {"com.customers-notified"}),
    ("com-update-posted", "timeline", "update posted to #announcements", {"com.update-posted"}),
    ("com-comms", "timeline", "I'll own comms to the support team", {"com.comms"}),
    ("com-let-know", "timeline", "I'll let the enterprise customers know", {"com.let-know"}),
    ("com-neg-vendor", "timeline", "their status page is green", set()),
    # timeline: hard negatives
    ("tl-neg-git-blame", "timeline", "the git blame shows the line came from PR #4812", set()),
    ("tl-neg-dashboard", "timeline", "error rate dashboard link", set()),
    ("tl-neg-chatter", "timeline", "np, the right dashboard is in the channel bookmarks", set()),
    ("tl-neg-escalation-noun", "timeline", "the escalation to level 2 only happens after 5 minutes", set()),
    # whole chat messages, sentence by sentence (the first cue of the winning kind)
    (
        "msg-trailing-question",
        "message",
        "resolved. follow ups: can someone file a ticket to route failures to pagerduty?",
        {"res.resolved"},
    ),
    ("msg-ai-line", "message", "AI: alert when replica lag > 1MB so we know failover would be refused", set()),
    (
        "msg-review-question",
        "message",
        "why did it take us 15 min to decide on the failover? should be a runbook button",
        set(),
    ),
    ("msg-symptom-question", "message", "is checkout down for everyone?", {"det.is-x-broken"}),
    ("msg-open-question", "message", "why was the disk alert only at 95%? we had days of warning", set()),
    ("msg-tag-question", "message", "going to fail over to pg-replica-2, we'd lose 40MB of wal. ok?", {"dec.we-will"}),
    (
        "msg-list",
        "message",
        "closing the incident. follow ups:\n- restarted workers need a memory alert\n- disabled flags need an owner",
        {"res.closing"},
    ),
    ("msg-precedence", "message", "rolled back. still seeing errors on eu", {"mit.rolled-back"}),
    # alert and integration posts: the status shape decides, not the words inside
    # issue 16: code-host and CI notifications are changes, never a detection
    ("post-push", "post", "[pay-server:master] 1 new commit by rmeyer: Bump request logging", {"post.push"}),
    ("post-push-pr", "post", "Merged pull request #4411 into main: retry budget", {"post.push"}),
    ("post-push-build", "post", "Build #412 failed on main (3 tests)", {"post.push"}),
    ("post-alarm", "post", "CloudWatch Alarm | media-svc-prod-5xx-rate | us-east-1 | ALARM", {"post.alarm"}),
    (
        "post-alarm-state-line",
        "post",
        "CloudWatch Alarm | media-svc-5xx | us-east-1\nALARM since 18:06",
        {"post.alarm"},
    ),
    ("post-alarm-neg-ok", "post", "CloudWatch Alarm | media-svc-prod-5xx-rate | us-east-1 | OK", set()),
    ("post-opsgenie-priority", "post", "[Opsgenie] P2 auth-validator 401 rate above 2% (3.4%)", {"post.priority"}),
    ("post-new-issue-in", "post", "New issue in checkout-web UpstreamConnectionError", {"post.failed"}),
    ("post-resolved-tag", "post", "[RESOLVED] KubePodCrashLooping notifications (prod-eu)", {"post.resolved-tag"}),
    ("post-recovered", "post", "Recovered: checkout-api error rate > 10%", {"post.resolved-tag"}),
    ("post-resolved-quoting", "post", "*Resolved*: #3301 [FIRING:1] PostgresPrimaryDown", {"post.resolved-tag"}),
    ("post-up", "post", "*UP* www.example-shop.eu — all probes passing", {"post.resolved-tag"}),
    (
        "post-statuspage-resolved",
        "post",
        "Incident update — *Resolved*: This incident has been resolved.",
        {"post.resolved-tag"},
    ),
    ("post-closed-by", "post", "Alert #5521 closed by Dmitri Volkov", {"post.closed"}),
    ("post-auto-closed", "post", "Alert #7712 auto-closed: search-api p95 latency > 1500ms", {"post.closed"}),
    ("post-dag-succeeded", "post", ":large_green_circle: DAG run succeeded: warehouse_load", {"post.passing"}),
    ("post-checks-passing", "post", "all checks passing again for api.example.com", {"post.passing"}),
    (
        "post-status-update",
        "post",
        "Incident update — *Identified*: We have rerouted traffic and are monitoring.",
        {"post.status-update"},
    ),
    (
        "post-firing-restarted",
        "post",
        "[FIRING:4] KubePodCrashLooping\n*Description:* Pod has restarted 6 times",
        {"post.firing"},
    ),
    ("post-triggered", "post", "Triggered: [P1] Disk usage above 95% on pg-main-01", {"post.firing"}),
    ("post-alerting", "post", "[Alerting] DB CPU > 90% on reports-db-primary", {"post.firing"}),
    ("post-priority", "post", "[P2] auth-service: otp_send_failures > 200/min", {"post.priority"}),
    ("post-down", "post", "*DOWN* www.example-shop.eu — checks failing from 4 of 6 probes", {"post.down"}),
    ("post-task-failed", "post", ":red_circle: Task failed: dag=warehouse_load task=copy_into_orders", {"post.failed"}),
    ("post-new-issue", "post", "New issue: PG::DiskFull: No space left on device", {"post.failed"}),
    (
        "post-flag-off",
        "post",
        "Flag updated in *Production*\nsearch-ranking-v2\nMei turned targeting off",
        {"post.flag-off"},
    ),
    ("post-rollback", "post", ":leftwards_arrow_with_hook: Rollback: checkout-service → 1.41.3", {"post.rollback"}),
    (
        "post-flag-change",
        "post",
        "Flag updated in *Production*\nsearch-ranking-v2\nMei changed the percentage rollout from 25% to 100%",
        {"post.flag-change"},
    ),
    ("post-deploy", "post", ":white_check_mark: checkout-service 1.42.0 deployed to production", {"post.deploy"}),
    ("post-neg-escalated", "post", "Alert #5521 escalated to Ledger-Oncall", set()),
    ("post-neg-declared", "post", ":rotating_light: SEV1 declared: api.example.com TLS certificate expired", set()),
    # causes people state (the capture is the cause phrase)
    (
        "cause-root-cause",
        "cause",
        "Root-cause candidate: Redis pool config in checkout 1.42.0 (PR #4812).",
        {"cause.root-cause=Redis pool config in checkout 1.42.0 (PR #4812)"},
    ),
    (
        "cause-depends-on",
        "cause",
        "our admin tooling to re-enable it depends on R2 so it is down too",
        {"cause.depends-on"},
    ),
    ("cause-neg-my-train", "cause", "sorry late to standup, because my train was stuck again", set()),
    (
        "cause-neg-unrelated",
        "cause",
        "so the AS4755 announcement is unrelated, it only shows because we withdrew",
        set(),
    ),
    ("cause-neg-searching", "cause", "keeping the channel open while we look for the root cause", set()),
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
    (
        "cause-expired",
        "cause",
        "svc_airflow password expired. the rotation policy applies",
        {"cause.expired", "cause.policy"},
    ),
    ("cause-cert-expired", "cause", "curl says the certificate has expired", {"cause.expired"}),
    ("cause-never-done", "cause", "the slot was never dropped", {"cause.never-done"}),
    ("cause-never-used", "cause", "the fallback is wired up, never used it in prod tho", {"cause.never-done"}),
    ("cause-nobody", "cause", "it went to the old infra@ alias that nobody reads", {"cause.nobody"}),
    ("cause-refuses", "cause", "the replica is 40MB behind, so patroni refuses to promote", {"cause.refuses"}),
    ("cause-buried", "cause", "the diff was buried in a big helm chart bump", {"cause.buried"}),
    ("cause-policy", "cause", "the 90 day rotation policy applies to service users too", {"cause.policy"}),
    (
        "cause-wrong-destination",
        "cause",
        "the LD feed goes to #feature-flags, not #deploys",
        {"cause.wrong-destination"},
    ),
    ("cause-neg-expiry-question", "cause", "wasnt cert-manager supposed to renew this expired cert?", set()),
    # factor categories
    ("cat-change", "category", "Redis pool config in checkout 1.42.0", {"cat.change"}),
    ("cat-testing", "category", "the canary only runs in staging", {"cat.testing"}),
    ("cat-monitoring", "category", "there is no alert on pool wait time", {"cat.monitoring"}),
    ("cat-capacity", "category", "the connection pool was exhausted", {"cat.capacity"}),
    ("cat-dependency", "category", "the upstream payment provider timed out", {"cat.dependency"}),
    ("cat-process", "category", "nobody owns the rotation runbook", {"cat.process"}),
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
    ("gap-no-pager", "gap", "the airflow failure alerts only go to this channel, no pager", {"gap.not-paged"}),
    ("gapq-alert-fire", "gap-question", "why didn't the expiry alert fire?", {"gapq.alerting"}),
    ("gapq-threshold", "gap-question", "why was the disk alert only at 95%?", {"gapq.alerting"}),
    ("gapq-alerted", "gap-question", "why didn't anyone get alerted over the weekend?", {"gapq.alerting"}),
    ("gapq-review", "gap-question", "why didn't code review catch the cron expression?", {"gapq.review"}),
    ("gapq-canary", "gap-question", "why didn't the staging canary catch the leak?", {"gapq.review"}),
    ("gapq-how-did", "gap-question", "how did this get past review?", {"gapq.review"}),
    ("gapq-neg-process", "gap-question", "why did it take us 15 min to decide on the failover?", set()),
    ("gapq-neg-statement", "gap-question", "the disk alert fired at 95%", set()),
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
    ("act-i-arrange", "action", "I'll check with the network team whether our ROAs are published", {"act.i-arrange"}),
    ("act-i-audit", "action", "I'll audit the other service users for password auth", {"act.i-arrange"}),
    ("act-i-will-later", "action", "I'll remove the 2 extra data nodes tomorrow", {"act.i-will-later"}),
    ("act-will-later", "action", "will ship tomorrow with the grpc bump", {"act.will-later"}),
    ("act-follow-ups", "action", "follow ups: add retries to checkout-api", {"act.follow-up"}),
    ("act-someone-should", "action", "someone should check the invoice", {"act.someone-should"}),
    ("act-we-need-a", "action", "we need a load test gate before a flag goes past 25%", {"act.we-need"}),
    ("act-also-need", "action", "also need a rule that big campaigns get an infra heads-up", {"act.we-need"}),
    ("act-can-someone", "action", "can someone file a ticket to inventory the imported certs?", {"act.can-someone"}),
    ("act-ticket", "action", "can we get a ticket for the missing dashboard?", {"act.ticket"}),
    ("act-lets-make-sure", "action", "let's make sure we add a runbook entry", {"act.lets-add"}),
    ("act-neg-urgent", "action", "we need to add capacity right now", set()),
    ("act-neg-check", "action", "I'll check the replica lag", set()),
    ("act-neg-will-close", "action", "monitoring overnight. will close tomorrow", set()),
    ("act-neg-can-we", "action", "can we pause the campaign?", set()),
    # after recovery any "I'll …" or "can someone …" is follow-up work
    ("late-i-will", "late-action", "I'll take the slot alert", {"late.i-will"}),
    ("late-request", "late-action", "rollback was unnecessary, can someone redeploy 1.19.2?", {"late.request"}),
    ("late-neg-ic", "late-action", "I'll take IC", set()),
    ("late-neg-question", "late-action", "do we need more nodes?", set()),
    ("late-neg-watch", "late-action", "I'll keep an eye on it overnight", set()),
    # follow-up lists: a header line, then one item per line
    ("list-header", "action-header", "action items:", {"act.header=action items"}),
    ("list-header-mine", "action-header", "follow-ups from my side:", {"act.header=follow-ups from my side"}),
    ("list-header-after", "action-header", "closing the incident. follow ups:", {"act.header=follow ups"}),
    ("list-header-neg-inline", "action-header", "AI: add a pool alert", set()),
    ("list-header-neg-prose", "action-header", "Zoë, Marco: action items go in the PM doc.", set()),
    (
        "list-bullet-dash",
        "bullet",
        "- alert on inactive replication slots",
        {"act.bullet=alert on inactive replication slots"},
    ),
    ("list-bullet-number", "bullet", "2. alert on 429 rate", {"act.bullet=alert on 429 rate"}),
    ("list-bullet-dot", "bullet", "• we need a soak test", {"act.bullet=we need a soak test"}),
    ("list-bullet-neg-decimal", "bullet", "2.5 days stale", set()),
    ("list-owner", "owner", "TODO: recover the remaining rows from the binlog (Nur)", {"act.owner-suffix=Nur"}),
    (
        "list-owner-mention",
        "owner",
        "runtime config with sane bounds (@Devansh Malhotra)",
        {"act.owner-suffix=Devansh Malhotra"},
    ),
    (
        "list-owner-prefix",
        "owner",
        "@Marco Bellini: cdn changes need a second reviewer",
        {"act.owner-prefix=Marco Bellini"},
    ),
    ("list-owner-lowercase", "owner", "DLX + delivery limit on all label queues (lukas)", {"act.owner-suffix=lukas"}),
    ("list-owner-bare-prefix", "owner", "Li: idempotency key per order, not per attempt", {"act.owner-prefix=Li"}),
    ("list-owner-dash", "owner", "Kenji — stand up an internal PyPI proxy for CI", {"act.owner-prefix=Kenji"}),
    (
        "list-owner-mention-lead",
        "owner",
        "@Diego Alvarez keda trigger queries must fail loudly",
        {"act.owner-prefix=Diego Alvarez"},
    ),
    (
        "list-owner-dash-suffix",
        "owner",
        "exponential backoff w/ full jitter, max 3 attempts - Victor",
        {"act.owner-suffix=Victor"},
    ),
    ("list-owner-me", "owner", "alert when a backend has < 50% servers UP (me)", {"act.owner-suffix=me"}),
    ("list-owner-neg-note", "owner", "route airflow failures to pagerduty (low urgency)", set()),
    # questions
    ("q-why", "question", "why didn't the canary catch this?", {"q.why"}),
    ("q-bulleted", "question", "review qs:\n- why didnt the canary catch this?", {"q.why"}),
    ("q-how-come", "question", "how come staging didn't show it?", {"q.why"}),
    ("q-what", "question", "what changed at 09:02?", {"q.clarifying"}),
    ("q-who", "question", "who owns the redis pool config?", {"q.who-owns"}),
    ("q-did", "question", "did the rollback finish?", {"q.clarifying"}),
    ("q-lead-in", "question", "which dashboard? and is it all regions?", {"q.clarifying"}),
    ("q-neg-statement", "question", "why the pool shrank is still unclear", set()),
    ("q-neg-request", "question", "@Marco can you pull latency graphs?", set()),
    ("q-supposed-to", "question", "wasnt cert-manager supposed to renew this?", {"q.supposed-to"}),
    ("q-should-have", "question", "should we have caught this in staging?", {"q.supposed-to"}),
    ("q-how-did", "question", "how did this get past review?", {"q.why"}),
    ("q-who-owns", "question", "who owns svc_* users after the security change?", {"q.who-owns"}),
    ("q-do-we-know-if", "question", "do we know if the fallback provider charged premium rates?", {"q.do-we-know"}),
    ("q-do-we-have-any", "question", "do we have any SLA credits from the provider?", {"q.do-we-know"}),
    ("q-do-we-know-clarifying", "question", "do we know the blast radius?", {"q.clarifying"}),
    ("q-tag", "question-tag", "going to fail over, ok?", {"q.tag"}),
    ("q-tag-neg", "question-tag", "is it ok?", set()),
    ("q-open", "open-question", "how many users couldn't log in?", {"q.open"}),
    ("q-open-neg", "open-question", "is checkout down for everyone?", set()),
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
    (
        "fig-users-share",
        "figure",
        "roughly 26 min of hard outage for ~35% of eu users",
        {"fig.users-share=~35% of eu users", "fig.duration=roughly 26 min of hard outage"},
    ),
    ("fig-share-of-traffic", "figure", "~35% of eu traffic dropped", {"fig.error-rate=~35% of eu traffic"}),
    (
        "fig-latency-words",
        "figure",
        "p95 on search-api is 2.8s, normally ~300ms",
        {"fig.latency=p95 on search-api is 2.8s"},
    ),
    ("fig-duration-degraded", "figure", "so ~3 hours of degraded search", {"fig.duration=~3 hours of degraded search"}),
    ("fig-duration-worst", "figure", "worst delay 1h40m", {"fig.duration=worst delay 1h40m"}),
    ("fig-duration-stale", "figure", "finance reporting is 2.5 days stale", {"fig.duration=2.5 days stale"}),
    ("fig-requests-sends", "figure", "~14k failed otp sends", {"fig.requests=~14k failed otp sends"}),
    ("fig-requests-pushes", "figure", "~410k pushes delayed", {"fig.requests=~410k pushes"}),
    (
        "fig-requests-page-loads",
        "figure",
        "around 300 invoice page loads failed",
        {"fig.requests=around 300 invoice page loads"},
    ),
    ("fig-support", "figure", "~400 tickets in 10 min", {"fig.support=~400 tickets"}),
    ("fig-support-plus", "figure", "50+ chats already", {"fig.support=50+ chats"}),
    ("fig-data", "figure", "~1.2M attachment rows deleted", {"fig.data=~1.2M attachment rows"}),
    ("fig-neg-p95", "figure", "p95 on orders-api looks fine", set()),
    ("fig-neg-status", "figure", "textly api returning 429 Too Many Requests", set()),
    ("fig-neg-recovering", "figure", "p95 dropping fast, 600ms", set()),
    ("alert-condition", "alert-condition", "checkout-api error rate > 10%", {"fig.alert-condition"}),
    ("alert-condition-neg", "alert-condition", "error rate peaked at 12%", set()),
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
    ("role-ic-take", "role", "sev1 then. I'll take IC.", {"role.ic-self"}),
    ("role-ic-me", "role", "declaring sev2. IC me", {"role.ic-self"}),
    ("role-assigned-colon", "role", "Assigned to: Lena Vogt", {"role.assigned=Lena Vogt"}),
    # single cues
    ("deploy-fix", "deploy-fix", "Hotfix: trim post body with substring instead of the regex", {"deploy.fix"}),
    ("deploy-fix-neg", "deploy-fix", "Deploy train #1187: checkout 1.42.0", set()),
    ("rollback-deploy", "deploy-rollback", "Rollback to Argo CD history 40 (e3d9a77)", {"deploy.rollback"}),
    ("rollback-neg-deploy", "deploy-rollback", "Deploy train #1187: checkout 1.42.0", set()),
    ("timeout-escalated", "escalation-timeout", "Escalated to level 2 (timeout).", {"gap.escalation-timeout"}),
    ("timeout-neg-manual", "escalation-timeout", "Escalated to level 2 by Priya Natarajan.", set()),
    ("alert-shape-bracket", "alert-shape", "[FIRING:1] api-availability: API success rate < 90%", {"post.shape"}),
    ("alert-shape-caps", "alert-shape", "RECOVERY r2-gateway: availability SLO back above 99.9%", {"post.shape"}),
    ("alert-shape-neg-ok", "alert-shape", "OK so the primary is back", set()),
    ("alert-shape-neg-chat", "alert-shape", "critical: we need the dba here", set()),
    ("system-terms-index", "system-terms", "full table scan because of the missing index", {"cause.system-terms"}),
    ("system-terms-id", "system-terms", "it's R-8821 again", {"cause.system-terms"}),
    ("system-terms-neg-pizza", "system-terms", "it's cold because nobody ate it at 6", set()),
    (
        "trigger-what-started",
        "stated-trigger",
        "the migration dropped it, that's what started this",
        {"trig.what-started"},
    ),
    ("trigger-the-trigger", "stated-trigger", "the 21:48 topology change triggered it", {"trig.the-trigger"}),
    ("trigger-cause-is", "stated-trigger", "ok, cause is migration 0412 dropping the index", {"trig.cause-is"}),
    (
        "trigger-probably-caused",
        "stated-trigger",
        "found a code path that probably caused the failed election",
        {"trig.what-started"},
    ),
    ("trigger-neg-question", "stated-trigger", "is that what started this?", set()),
    (
        "trigger-triggers-bug",
        "stated-trigger",
        "a valid customer config triggers a latent bug from the May release",
        {"trig.the-trigger"},
    ),
    ("trigger-failed-at", "stated-trigger", "the primary of the orders cluster failed at 03:12", {"trig.failed-at"}),
    (
        "trigger-fault-at",
        "stated-trigger",
        "the colo says a transformer had a ground fault at 11:40 and the UPS went down too",
        {"trig.failed-at"},
    ),
    ("trigger-neg-failed-no-time", "stated-trigger", "the primary failed and the replica took over", set()),
    ("trigger-neg-job-failed-at", "stated-trigger", "the nightly export failed at 02:00 again", set()),
    ("data-loss-deleted", "data-loss", "2,000 rows were deleted", {"fig.data-loss"}),
    ("data-loss-neg-size", "data-loss", "a full table scan on orders (200M rows)", set()),
    ("declaring-incident", "declaring", "declaring an incident. token auth is failing", {"esc.declaring"}),
    ("declared-p1-incident", "declaring", "declared a P1 incident for checkout", {"esc.declaring"}),
    ("declaring-neg-variable", "declaring", "the handler declared a variable twice", set()),
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
            negative.pattern.search(sentence) for row in EXAMPLES if row[1] == table for sentence in sentences(row[2])
        )
    ]
    assert unexercised == []


# Messages made of noise words only: the pre-check must leave each to the noise cues, and with one
# word of substance it rules the message out. Each row: id, text, whether it may be noise.
MAYBE_NOISE = [
    ("words-ill", "ill take a look", True),
    ("words-going-to", "going to have a look now", True),
    ("words-gonna", "gonna take a look", True),
    ("words-looking-into-it", "Looking into it now", True),
    ("words-thank-you", "thank you, cheers", True),
    ("words-laugh", "hahaha lmao", True),
    ("words-replies", "OK kk yep yes yeah sure np, no problem, roger, same, brb", True),
    ("words-acknowledged", "acknowledged @sam.okafor", True),
    ("words-team", "thx team, ty folks", True),
    ("emoji-code-words", ":white_check_mark: :fire:", True),
    ("joined-any-name", "Dana Whitfield-Osei joined the call", True),
    ("non-ascii-left-to-cues", "ок", True),
    ("substance", "looking at the redis pool metrics now", False),
    ("substance-after-ack", "ack, rolling back now", False),
    ("substance-in-underscore", "ok_computer", False),
]


@pytest.mark.parametrize(("text", "maybe"), [row[1:] for row in MAYBE_NOISE], ids=[row[0] for row in MAYBE_NOISE])
def test_noise_pre_check_rules_out_only_substance(text: str, maybe: bool) -> None:
    assert cues.maybe_noise(normalise(text)) is maybe


@pytest.mark.parametrize("row", [row for row in EXAMPLES if row[1] == "noise" and row[3]], ids=lambda row: row[0])
def test_noise_pre_check_passes_every_noise_example(row: tuple[str, str, str, set[str]]) -> None:
    assert cues.maybe_noise(normalise(row[2]))


def test_every_figure_cue_needs_a_digit() -> None:
    # FIGURES.needs skips sentences without a digit: no example, its digits made letters, matches a figure cue.
    texts = [sentence for row in EXAMPLES for sentence in sentences(row[2])]
    undigited = [re.sub(r"\d", "x", text) for text in texts if re.search(r"\d", text)]
    assert len(undigited) > 50
    assert [(item.id, text) for text in undigited for item in cues.FIGURES.cues if item.pattern.search(text)] == []
