"""The cue-phrase tables the rules extractor runs on, kept as data.

Every cue has a stable id (``det.alert-fired``, ``act.we-should``) so a test table can name the
rule each example sentence is meant to trip, and a change to a pattern shows up as a changed
expectation rather than as a silent drift in drafts. Patterns are case-insensitive unless they
say otherwise; they run on ``normalise``-d text, one sentence at a time where the caller says so.

A table's ``negatives`` veto the whole table for that text: they hold the hard negatives
("we should be fine now" is not an action item, "no alert fired" is not a detection).

Every pattern here stands for a way responders or their tools write, not for one incident:
tests/extract/test_cues.py holds an example for every cue and a hard negative for every negative.
"""

from __future__ import annotations

import re

from postmortem_writer.models import TimelineKind
from postmortem_writer.text import EMOJI, Cue, CueTable, cue, normalise, once_per_text, strip_emoji

_QUESTION_END = cue("neg.question", r"\?\s*$")

# --- chat noise: a message is noise when nothing but these (and punctuation) is left -----------

NOISE = CueTable(
    (
        cue("noise.joined", r"^\S+(?:\s+\S+){0,3}\s+(?:has\s+)?joined(?:\s+the\s+(?:channel|call|bridge|room))?\W*$"),
        cue("noise.take-a-look", r"\b(?:i'?ll|i will|will|going to|gonna)\s+(?:take|have) a look\b|\btaking a look\b"),
        cue("noise.looking", r"\blooking(?:\s+(?:into it|at it|now))?\b"),
        cue("noise.on-it", r"\bon it\b"),
        cue("noise.plus-one", r"(?<![\w+]):?\+1:?(?!\d)"),
        cue("noise.ack", r"\back(?:nowledged)?\b"),
        cue("noise.thanks", r"\b(?:thanks|thank you|thx|ty|cheers)\b"),
        cue("noise.lol", r"\b(?:lol|lmao|ha(?:ha)+)\b"),
        # "all", "folks" and "team" only ever remain from "thanks all" and the like.
        cue("noise.ok", r"\b(?:ok|okay|kk|yep|yes|yeah|sure|np|no problem|will do|roger|same|brb|all|folks|team)\b"),
        cue("noise.emoji", EMOJI + "+"),
    ),
)

_MENTION = re.compile(r"@[\w.'-]+")
_WORD = re.compile(r"[^\W_]")

# --- timeline classification of chat, sentence by sentence --------------------------------------
# Every sentence is classified on its own and a message takes the highest-precedence kind any of
# its sentences gives; the dict order below is that precedence. Action items and questions give no
# timeline kind (except a question about a symptom, "is checkout down?", which is a detection).

_NOT_YET = r"\b(?:not|isn'?t|hasn'?t|haven'?t|never|until|once|before|if)\s+(?:\w+\s+)?"

# Work someone proposes, offers or may do: "we could fail over", "will revert the PR right after".
_CHANGE_DID = (
    r"^(?:the|a|an|that|this|our|their)\s+(?:[\w.-]+\s+){0,3}?(?:migration|deploy\w*|change|release|upgrade|update"
    r"|rollout|pr|commit|patch|config push)\s+(?:\w+\s+)?(?:added|removed|changed|set|dropped|bumped|deleted|moved"
    r"|replaced|renamed|disabled|enabled|introduced)\b"
)
_PLANNED = (
    r"\b(?:could|can|should|would|might|may|need to|needs to|want to|plan(?:ning)? to|ready to|about to|going to"
    r"|gonna|will|i'?ll|we'?ll|let'?s|whether to|if we|options?\s*:|plan\s*:|plan is|proposal\s*:?)\s+(?:\w+\s+){0,3}?"
)
_MITIGATION_VERBS = (
    r"(?:fail|roll|revert|restart|disable|scale|bump|drain|cordon|pause|suspend|kill|switch|swap|restore|redeploy"
    r"|rotate|renew|reload|block|raise|grow|resize|recreate|turn|flip|shift|add)\w*\b"
)
_SECRET = r"(?:certs?|certificates?|keys?|secrets?|passwords?|credentials?|creds|tokens?)"

TIMELINE_CUES: dict[TimelineKind, CueTable] = {
    TimelineKind.RESOLUTION: CueTable(
        (
            cue("res.recovery-confirmed", r"\brecovery (?:is )?confirmed\b"),
            cue("res.recovery-complete", r"\brecovery (?:is )?(?:complete[d]?|done|finished)\b"),
            cue("res.resolved", r"\bresolved\b"),
            cue("res.resolving", r"^\W*(?:ok\W+|okay\W+)?resolving\b"),
            cue("res.recovered", r"\b(?:fully )?recovered\b"),
            cue("res.back-to-normal", r"\bback to normal\b"),
            cue("res.baseline", r"\b(?:back (?:to|at)|at|returned to)\s+baseline\b"),
            cue("res.all-clear", r"\ball[- ]clear\b"),
            cue(
                "res.metric-back",
                r"\b(?:error rate|errors|5xx|latency|p\d{2,3}|traffic|throughput|success rate)\s+"
                r"(?:is\s+|are\s+|has\s+|have\s+)?(?:back|returned)\b",
            ),
            cue(
                "res.closing",
                r"\b(?:clos(?:ing|ed)|resolving)\s+(?:out\s+)?(?:the |this |our )?"
                r"(?:incident|inc|sev|war ?room|bridge)\b|\bincident (?:is |now )?(?:closed|over|ended)\b"
                r"|\bclos(?:e|ing|ed) (?:this|it) out\b|\bstand(?:ing)? down\b",
            ),
            cue(
                "res.metrics-normal",
                r"\b(?:error rates?|errors|latency|latencies|metrics|graphs|dashboards?|p\d{2,3}|traffic|everything"
                r"|things|all (?:metrics|graphs|checks|dashboards|probes))\s+(?:is |are |looks? |looking |seems? )?"
                r"(?:all )?(?:normal|healthy|nominal|green|good)\b|\b(?:which|that) is normal\b",
            ),
            cue(
                "res.stable",
                r"\bwe(?:'re| are) (?:stable|back|green|all good|in the clear|out of the woods)\b|\ball green\b"
                r"|\b(?:going|gone|turned|turning) green\b|\b(?:is|are) green again\b"
                r"|\beverything (?:is )?(?:green|stable|back up)\b",
            ),
            cue(
                "res.errors-gone",
                r"\b(?:errors?|5xx|4xx|[45]\d\ds|timeouts|crashes|ooms|packet loss)\s+(?:are |is |have |has )?"
                r"(?:all )?(?:gone|cleared|stopped)\b|\bno (?:more |new )?(?:errors|5xx|[45]\d\ds|timeouts|alerts"
                r"|failures|crashes|restarts|ooms)\s+(?:in|for|since)\s+(?:the\s+)?(?:last|past|\d|fix|rollback"
                r"|restart|failover)",
            ),
            cue(
                "res.restored",
                r"\b(?:service|services|access|connectivity|functionality|everything)\s+"
                r"(?:is |are |has been |have been |was |were )?(?:fully )?restored\b"
                r"|\b(?:full )?(?:service )?restoration (?:was |is |has been )?(?:achieved|complete[d]?)\b",
            ),
            cue(
                "res.working-again",
                r"\b(?:working|loading|flowing|serving(?:\s+\w+){0,2}|processing|succeeding|responding)\s+(?:fine\s+)?"
                r"(?:again|normally)\b|\bqueue (?:is )?(?:empty|drained)\b",
            ),
            cue(
                "res.fixed",
                r"\b(?:confirm(?:ed|s)?|is|are|looks?|seems?|now|all)\s+(?:\w+\s+)?fixed\b"
                r"|\bfixed (?:now|for (?:all|everyone|good))\b",
            ),
        ),
        (
            cue(
                "neg.res.not-yet",
                _NOT_YET + r"(?:resolved|recovered|restored|stable|fixed|back to (?:normal|baseline))\b",
            ),
            cue(
                "neg.res.later",
                r"\b(?:then|before|after|until|once|will|gonna|going to|about to|can|could|should|ok to|okay to"
                r"|ready to|plan to)\s+(?:\w+\s+)?clos(?:e|ing)\b",
            ),
            cue("neg.res.still", r"\bstill (?:not|no|seeing|erroring|failing|down|red|elevated|high|broken)\b"),
            # "bringing traffic back gradually" is the mitigation under way, not the recovery.
            # "telling support it should be resolved" hopes; the recovery is confirmed later.
            cue(
                "neg.res.hoped",
                r"\b(?:should|might|may|hopefully|probably) (?:be |now be )?(?:resolved|fixed|recovered)\b",
            ),
            cue("neg.res.bringing-back", r"\b(?:bring(?:ing)?|brought|ramp(?:ing)?|letting)\s+(?:\S+\s+){0,2}?back\b"),
            _QUESTION_END,
        ),
    ),
    TimelineKind.DECISION: CueTable(
        (
            cue("dec.decision", r"\bdecision\s*:"),
            cue(
                "dec.we-will",
                r"(?:\bwe(?:'re| are)?\s+|^(?:ok(?:ay)?,?\s+|so,?\s+)?(?:i'?m\s+|i am\s+)?)"
                r"(?:will|going to|gonna|about to)\s+(?:\w+\s+){0,3}?(?:roll ?back|revert|fail ?over|failover"
                r"|restart|disable|scale|pause|drain|redeploy)\b",
            ),
            cue(
                "dec.lets",
                r"\blet'?s\s+(?:roll ?back|revert|fail ?over|restart|disable|scale|try|do|go with|go ahead|use"
                r"|switch|pause|stop|drain|turn|flip|shift|block)\b",
            ),
            cue("dec.agreed", r"\b(?:agreed to|we agreed|decided to)\b"),
            cue(
                "dec.approved",
                r"^\W*(?:approved|go ahead|go for it|do it|ship it|green ?lit|greenlit"
                r"|(?:yes|ok|okay|sounds good),?\s+(?:do it|go ahead|go for it|please do))\b",
            ),
            cue("dec.plan", r"^(?:ok(?:ay)?,?\s+)?(?:the\s+)?plan(?:\s+is)?\s*[:\u2014\u2013-]\s*\S"),
        ),
        (
            _QUESTION_END,
            # "going to fail over now" starts the mitigation; "decision: fail over now" is still the decision.
            cue(
                "neg.dec.now",
                r"^(?!.*\b(?:decision|decided|agreed|plan)\b).*\b(?:now|right away|immediately|asap)\W*$",
            ),
        ),
    ),
    TimelineKind.MITIGATION: CueTable(
        (
            cue(
                "mit.rollback-applied",
                r"\b(?:rollback|roll-back|revert|redeploy|cutover|cut-over)\b(?:\s+\S+){0,3}?\s+"
                r"(?:is\s+|was\s+)?(?:applied|done|complete[d]?|finished|succeeded|successful)\b",
            ),
            cue("mit.rolling-back", r"\brolling back\b"),
            cue("mit.rolled-back", r"\brolled back\b"),
            cue(
                "mit.failover",
                r"\bfail(?:ed|ing) ?over\b|\bfail ?over (?:\S+\s+){0,4}?(?:done|complete[d]?|finished|succeeded)\b"
                r"|\bfailover (?:to|of)\b",
            ),
            cue("mit.mitigated", r"\bmitigated\b"),
            cue(
                "mit.buy-time",
                r"\bbuy(?:s|ing)? (?:us )?(?:some |more )?(?:time|headroom|~?\d+\s?(?:min\w*|h\w*))\b",
            ),
            cue("mit.scaled-up", r"\bscal(?:ed|ing) (?:up|out)\b|\bscaled\b(?:\s+\S+){0,5}?\s+to \d+"),
            cue(
                "mit.restarted",
                # An action on something ("restarted the pods"), not a symptom ("pods have restarted 40 times").
                r"(?<!have )(?<!has )(?<!had )\brestart(?:ed|ing)\s+(?!\d+\+?\s*(?:times|x)\b)"
                r"(?!(?:and|or|but|at|in|on|after|because|so|when|twice|again|itself|overnight|earlier|with|during|from"
                r"|by|while|without)\b)(?:the\s+|all\s+)?[a-z]"
                r"|\b(?:rolling|rolled) restart\b|\bbounc(?:ed|ing) (?:the )?\w+",
            ),
            cue("mit.disabled", r"\bdisabl(?:ed|ing)\b"),
            cue("mit.flipped", r"\b(?:flip(?:ped|ping)|toggl(?:ed|ing))\b"),
            cue("mit.rolling-to", r"\brolling (?:\S+\s+){0,4}?to (?:prod\w*|all|every\w*|the fleet|\d+\s?%)"),
            # "stale-if-error + serve-stale enabled": a protective setting switched on during the response.
            cue(
                "mit.enabled",
                r"(?<!was )(?<!were )(?<!been )(?<!got )\benabled\b(?!\s+(?:the|a|an|for|it|feature|flag)\b)",
            ),
            cue(
                "mit.reverted",
                r"\brevert(?:ed|ing|s)\b|\brevert (?:PR|MR|commit)\b(?:\s*#?\w+)?\s+"
                r"(?:is\s+|was\s+|got\s+|approved,?\s+(?:and\s+)?)?"
                r"(?:merged|merging|applied|deployed|out|live)\b",
            ),
            cue("mit.hotfix", r"\bhotfix (?:is )?(?:deployed|out|live|shipped|applied)\b"),
            cue(
                "mit.fix-out",
                r"\b(?:the )?(?:hot)?(?:fix|patch) (?:is |has been |was )?(?:out|deployed|live|rolled out|rolling out"
                r"|going out|went out|went live|shipped|applied)\b"
                r"|\b(?:deployed|shipped|applied|rolled out) (?:the|a) (?:hot)?(?:fix|patch)\b",
            ),
            cue(
                "mit.flag-off",
                r"\b(?:feature )?flag\s+(?:\S+\s+){0,2}?(?:is\s+)?(?:off|disabled)\b|\bturned (?:\S+\s+){0,2}?off\b"
                r"|\bturn(?:ed|ing) off (?:the )?(?:flag|targeting|feature|toggle)\b"
                r"|\bkill ?switch (?:on|flipped|pulled)\b",
            ),
            cue("mit.maintenance", r"\b(?:maintenance|read-?only|safe) (?:mode|page|banner)\b"),
            cue(
                "mit.cordoned",
                r"\bcordon(?:ed|ing)\b"
                r"|\bdrain(?:ed|ing) (?:the )?(?:\S+\s+)?(?:node|host|instance|pod|zone|region)s?\b",
            ),
            cue(
                "mit.bumped",
                r"\b(?:bump(?:ed|ing)|rais(?:ed|ing)|increas(?:ed|ing)|doubl(?:ed|ing)|lift(?:ed|ing))\s+"
                r"(?:the\s+|our\s+)?(?:\S+\s+){0,2}?(?:memory|mem|cpu|limits?|requests|replicas|pool(?: size)?|heap"
                r"|capacity|quotas?|rate ?limits?|timeouts?|connections|instances|workers|nodes|max_\w+)\b"
                r"|\b(?:rate ?limits?|limits?|quotas?)\s+(?:was\s+|were\s+|has been\s+|got\s+)?"
                r"(?:raised|increased|bumped|lifted)\b",
            ),
            # A setting changed and confirmed live: "LOG_LEVEL back to info, all 30 pods picked it up",
            # "AUTH_JWT_IAT_LEEWAY_SEC=5 is live", "CONFIG SET maxmemory 20gb applied", "action set to Count".
            cue(
                "mit.setting-live",
                r"(?<!got )(?<!was )(?<!were )\b(?:applied|is live|now live|in effect|picked it up)\b"
                r"|(?-i:\b[A-Z][A-Z0-9_]{2,}=\S+)|\b\w+(?:[._]\w+)+\s+(?:back to|now|set to)\s+\S+|\bset to [A-Z]\w+",
            ),
            cue("mit.put-back", r"\b(?:re-?attached|attached|re-?added|put|added)\b(?:\s+\S+){0,4}?\s+back\b"),
            cue(
                "mit.restored",
                r"\brestored (?:\S+\s+){0,3}?from\b|\brestor(?:ed|ing) (?:\S+\s+){0,3}?(?:backup|snapshot)\b"
                r"|\brestore (?:\S+\s+){0,5}?from (?:the\s+)?(?:\w+\s+)?(?:backup|snapshot)\b"
                r"|\brestor(?:ed|ing)\s+(?:the\s+)?(?:\w+\s+){0,4}?(?:values?|data|tokens?|records|config\w*|rows|state)\b"
                r"|\brestore (?:is )?(?:done|complete[d]?|finished)\b",
            ),
            cue(
                "mit.switched",
                r"\b(?:swapped|switched|cut|shifted|rerouted|re-routed|redirected|repointed|re-pointed|flipped"
                r"|migrated)\s+(?:\S+\s+){0,4}?(?:to|over to|onto|back to)\b|\bshifting (?:\S+\s+){0,2}?back\b"
                r"|\bswapped\b",
            ),
            cue(
                "mit.traffic-shift",
                r"\b(?:gslb|dns|lb|traffic) weights?\b|\btraffic (?:is |was )?(?:now )?(?:shifted|moved|drained"
                r"|served|routed|rerouted|going|flowing|sent)\b|\b(?:shifted|moved|drained|routed|rerouted|sent"
                r"|sending|shifting|moving|draining|bringing|ramping)\s+(?:all\s+|the\s+|\w+\s+)?traffic\b",
            ),
            cue(
                "mit.fallback",
                r"\b(?:on|to) (?:the )?fallback\b|\bfallback (?:at|to|is on|enabled|on)\b|\bfell back\b",
            ),
            cue(
                "mit.recreated",
                r"\b(?:re-?creat(?:ed|ing)|re-?added|re-?issued|re-?imported|rebuil(?:t|ding)|re-?provisioned)\b"
                r"|\b(?:copied|moved|put|restored) back\b|\breplac(?:ed|ing) (?:the |it\b|them\b)"
                r"|\bbackfill\w*\b(?:\s+\S+){0,6}\s+(?:kicked off|started|done)\b",
            ),
            cue(
                "mit.killed",
                r"\bpg_(?:cancel|terminate)_backend\b"
                r"|\b(?:killed|kill(?:ing)|terminated|stopped|cancell?(?:ed|ing)|abort(?:ed|ing))\s+(?:\S+\s+){0,3}?(?:jobs?"
                r"|quer(?:y|ies)|process(?:es)?|pods?|tasks?|workers?|runs?|connections?|sessions?|migrations?"
                r"|backfills?|cron\w*|campaigns?|blasts?|deploy\w*)\b",
            ),
            # "going to fail over now", "will roll back right away": the action starts as it is said.
            cue(
                "mit.doing-now",
                r"\b(?:going to|gonna|about to|will|i'?ll|we'?ll)\s+(?:\w+\s+){0,2}?"
                + _MITIGATION_VERBS
                + r"(?=.*\b(?:now|right away|immediately|asap)\b)",
            ),
            # "Killing R-8821 now", "R-8821 killed": the thing stopped is named by its id alone.
            cue(
                "mit.killed-id",
                r"\bkill(?:ed|ing)\s+(?:\w+\s+)?[\w.:/-]*\d[\w.:/-]*"
                r"|[\w.:/-]*\d[\w.:/-]*\s+(?:is\s+|was\s+|got\s+|has been\s+)?(?:killed|terminated|cancell?ed)\b",
            ),
            cue(
                "mit.stopped-flow",
                r"\bstopp(?:ed|ing)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:propagation|creation|generation|distribution"
                r"|replication|ingestion|publishing|rollout|sync)\b",
            ),
            cue(
                "mit.good-version",
                r"\b(?:deploy(?:ed|ing)|push(?:ed|ing)|appl(?:ied|ying)|ship(?:ped|ping))\s+"
                r"(?:the\s+|a\s+)?(?:\w+\s+)?(?:good|fixed|corrected|known[- ]good|last[- ]good|previous|patched)\s+"
                r"(?:[\w-]+\s+){0,3}?(?:files?|config\w*|version|build|credentials|certs?|certificates?|keys?|image"
                r"|release|values?)\b",
            ),
            cue(
                "mit.bypass",
                r"\b(?:implemented|added|deployed|enabled|put in)\s+(?:a\s+|the\s+)?bypass\b"
                r"|\bbypass(?:ed|ing)\s+(?:the\s+)?\w+",
            ),
            cue("mit.re-enabled", r"\bre-?enabl(?:ed|ing)\b"),
            cue(
                "mit.setting-back",
                r"\b(?:limits?|replicas|timeouts?|pool(?: size)?|max[\w.]*|records|workers|concurrency|threads"
                r"|batch(?: size)?|ttl|weights?|xmx|retries|retry count|rate limit)\s+(?:back\s+)?(?:to|=)\s*\d+"
                r"(?![\d.]*\s*%)",
            ),
            cue("mit.paused", r"\b(?:suspend(?:ed|ing)|paus(?:ed|ing)|halt(?:ed|ing))\b"),
            cue(
                "mit.added-capacity",
                r"\b(?:add(?:ed|ing)|spun up|spinning up|provision(?:ed|ing)|launch(?:ed|ing))\s+"
                r"(?:\d+|an?|two|three|four|some|more|extra)\s+(?:more\s+|extra\s+|new\s+)?(?:[\w-]+\s+)?"
                r"(?:nodes?|instances?|replicas?|hosts?|servers?|workers?|pods?|brokers?|shards?)\b",
            ),
            cue(
                "mit.grew-volume",
                r"\b(?:grow(?:ing|n)?|grew|resiz(?:ed|ing)|expand(?:ed|ing)|extend(?:ed|ing))\s+(?:the\s+)?"
                r"(?:\S+\s+)?(?:volume|disk|filesystem|fs|partition|storage|pvc)\b"
                r"|\b(?:resize|expansion) (?:is )?(?:done|complete)\b",
            ),
            cue(
                "mit.reloaded",
                r"\breload(?:ed|ing)\b|\b(?:flushed|flushing|purged|purging|cleared|clearing)\s+(?:the\s+)?"
                r"(?:\S+\s+){0,2}?(?:cache|caches|queue|dns|cdn)\b",
            ),
            cue(
                "mit.rotated",
                r"\b(?:rotat(?:ed|ing)|renew(?:ed|ing)|re-?issu(?:ed|ing)|reset)\s+(?:the\s+|a\s+|new\s+)?"
                r"(?:\S+\s+){0,2}?" + _SECRET + r"\b|\bnew " + _SECRET + r" (?:is |was |are |were )?"
                r"(?:issued|deployed|installed|in place|live|imported)\b",
            ),
            cue(
                "mit.blocked",
                r"\b(?:block(?:ed|ing)|blackhol(?:ed|ing)|ban(?:ned|ning)|deny-?listed)\s+(?:the\s+)?(?:\S+\s+){0,2}?"
                r"(?:traffic|ips?|requests|bots?|clients?|asns?|ranges?|user[- ]?agents?|crawlers?)\b"
                r"|\b(?:added|deployed|enabled|applied) (?:a |an |the )?(?:waf|firewall|block|deny) rule\b",
            ),
            cue("mit.redeployed", r"\bre-?deploy(?:ed|ing)\b"),
            # "most of the control plane is restored at DR", "POPs are coming back, 5xx dropping": the
            # response is working, the incident is not over yet.
            cue(
                "mit.partial-recovery",
                r"(?:\b(?:most|some|part|half|parts|the majority)(?:\s+of)?\s+(?:the\s+)?|\b\d+\s?%\s+of\s+(?:the\s+)?"
                r"|\b\d+ of \d+\s+)(?:[\w.-]+\s+){0,4}?(?:is|are|has|have|has been|have been|was|were)\s+(?:now\s+)?"
                r"(?:back|restored|recovered|recovering)\b"
                r"|\b(?:coming|starting to come|beginning to come) back\b"
                r"|\b(?:errors?|5xx|[45]\d\ds|error rates?|timeouts|failures)\s+(?:is\s+|are\s+)?(?:dropping|falling"
                r"|decreasing|going down|coming down)\b",
            ),
            # "DR failover started", "bug fix deploy has started": the mitigation is under way.
            cue(
                "mit.under-way",
                r"\b(?:fail-?over|rollback|roll-back|revert|restore|restart|redeploy|(?:hot ?fix|bug ?fix|fix|patch)"
                r" (?:deploy\w*|rollout))\s+(?:has\s+|was\s+)?(?:started|kicked off|begun|began)\b",
            ),
            # "Flexential got generators restarted": someone had it done.
            cue(
                "mit.got-done",
                r"\bgot\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){0,2}?(?:restarted|rebooted|restored|replaced)\b",
            ),
            cue(
                "mit.command-done",
                r"^(?:kubectl|helm|patronictl|terraform|aws|gcloud|az|psql|redis-cli|systemctl|docker|nomad|vault"
                r"|select|alter|update|delete|drop)\b.*\b(?:done|applied|succeeded|ok)\W*$",
            ),
        ),
        (
            cue(
                "neg.mit.not-done",
                _NOT_YET + r"(?:roll(?:ing|ed) ?back|restart(?:ed|ing)|revert(?:ed|ing)|disabled|mitigated)\b",
            ),
            # A plan is not an action, unless it is being done now ("going to disable checks right now").
            cue("neg.mit.planned", _PLANNED + _MITIGATION_VERBS + r"(?!.*\b(?:now|asap|immediately)\b)"),
            # "the november rack migration added 2 nodes": a change did it, nobody responding.
            cue("neg.mit.change-did", _CHANGE_DID),
            # "nobody bumped minimum_master_nodes" says what was not done.
            cue("neg.mit.nobody", r"\b(?:nobody|no one|noone)\b"),
            # "can you buy us some time" asks; "I rotated the keys this morning" tells history.
            cue("neg.mit.request", r"\b(?:can|could) (?:you|someone|somebody|u|anyone)\b"),
            cue(
                "neg.mit.history",
                r"\b(?:this morning|yesterday|last (?:night|week|month)|earlier today|(?:days?|weeks?|hours?) ago)\b",
            ),
            # "rolling back the api won't get rid of the ones already queued" weighs an option.
            cue(
                "neg.mit.would-not-help",
                r"\b(?:won'?t|wouldn'?t|will not|would not|doesn'?t|does not|didn'?t|did not) (?:help|fix|get rid|work"
                r"|change|stop|solve|do anything)\b",
            ),
            # "reverting the line by hand on a router at 100% cpu will be slow" weighs an option's cost.
            cue(
                "neg.mit.option-cost",
                r"\b(?:will|would|'ll|'d)\s+(?:be|take)\s+(?:too\s+|very\s+|really\s+|way\s+)?(?:slow|risky|hard|painful"
                r"|dangerous|forever|ages|hours|too long)\b",
            ),
            # "looks like the partner rotated their key" is a hypothesis about the cause, not our action.
            cue(
                "neg.mit.hypothesis",
                r"^(?:\W*\w+\W+){0,2}?(?:looks|seems|smells|sounds) like\b|^(?:i think|i suspect|suspect|maybe|probably"
                r"|possibly|perhaps)\b",
            ),
            _QUESTION_END,
        ),
    ),
    TimelineKind.DIAGNOSIS: CueTable(
        (
            cue("diag.root-cause", r"\broot[- ]cause\b"),
            cue("diag.looks-like", r"\b(?:looks|seems|smells|sounds) like\b"),
            cue("diag.found", r"\bfound (?:it|the|a|an)\b"),
            cue("diag.suspect", r"\bsuspect(?:ed|s)?\b"),
            cue("diag.caused-by", r"\bcaused by\b"),
            cue("diag.the-issue-is", r"\bthe (?:issue|problem|culprit) (?:is|was|seems)\b"),
            cue(
                "diag.looking-at",
                r"\b(?:looking|looked|digging|dug|going)\s+(?:\w+\s+){0,2}?(?:at|into|through)\s+(?:\w+\s+){0,3}?"
                r"(?:dashboards?|logs|metrics|graphs|traces|flame ?graphs)\b",
            ),
        ),
    ),
    # A change people mention in chat ("1.8.2 went out at 1:58") when no deploy export was given.
    TimelineKind.CHANGE: CueTable(
        (
            cue("chg.change-did", _CHANGE_DID),
            cue(
                "chg.went-out",
                r"\b(?:went out|went live|landed|got (?:deployed|applied|released|shipped|rolled out)"
                r"|(?:was|were) (?:deployed|released|shipped|applied|rolled out))\b",
            ),
            cue("chg.rolled-out", r"\b(?:rolled|rolling) out\b|\bdeploying\s+v?\d+\.\d+"),
            cue("chg.shipped-version", r"\b(?:shipped|released|deployed)\s+(?:[\w-]+\s+)?v?\d+\.\d+"),
            cue(
                "chg.released-to",
                r"\b(?:released|deployed|shipped|pushed)\s+to\s+(?:prod\w*|all (?:regions|users|customers))\b",
            ),
            cue(
                "chg.rollout-percent",
                r"\b(?:changed|bumped|moved|raised|increased|ramped|rolled|took|set|dialed|dialled|turned|enabled"
                r"|expanded)\s+(?:\S+\s+){0,4}?(?:from\s+\d+\s?%\s+)?to\s+\d+\s?%"
                r"|\b(?:enabled|turned on)\s+(?:\S+\s+){0,3}?for\s+(?:\d+\s?%|all|everyone)",
            ),
            cue(
                "chg.version-bump",
                r"\b(?:bump(?:ed|s)?|upgrad(?:ed|es)|updat(?:ed|es))\s+(?:\S+\s+){0,2}?v?\d+(?:\.\d+)+\s*(?:->|→|to)"
                r"\s*v?\d+(?:\.\d+)+",
            ),
            cue(
                "chg.flag-on",
                r"\b(?:turned|switched|flipped)\s+(?:\S+\s+){0,2}?on\b"
                r"|\b(?:enabled|flipped on|turned on)\s+(?:the\s+)?(?:\S+\s+)?(?:flag|feature|toggle|experiment)\b",
            ),
            cue(
                "chg.ran",
                r"\b(?:terraform apply|apply|migration|cron ?job|config (?:change|push))\s+(?:\S+\s+){0,2}?"
                r"(?:ran|finished|completed|happened)\s+(?:at|on|around|~)",
            ),
            # Work a responder starts or reports on the system before anything breaks: "starting the
            # kubernetes 1.23 -> 1.24 upgrade", "ran wrangler deploy".
            cue(
                "chg.started-work",
                r"^(?:ok,?\s+|so,?\s+)?(?:i'?m\s+|we'?re\s+|i am\s+|we are\s+)?start(?:ing|ed)\s+"
                r"(?:the\s+|a\s+|our\s+)?(?:[\w.>-]+\s+){0,6}?(?:rotation|upgrade|migration|rollout|roll-out|maintenance)\b|\b(?:rotation|upgrade|migration|maintenance)\s+(?:is\s+)?(?:done|complete[d]?|finished)\b",
            ),
            cue(
                "chg.ran-tool",
                r"^(?:i\s+|we\s+|just\s+)?ran\s+(?:the\s+)?(?:\S+\s+){0,6}?(?:deploy|apply|migration|upgrade|release"
                r"|playbook)\b",
            ),
            cue(
                "chg.committed",
                r"^(?:i\s+|we\s+|just\s+)?(?:committed|pushed|merged|applied)\s+(?:the\s+|a\s+|my\s+|our\s+)?"
                r"(?:[\w.-]+\s+){0,2}?(?:change|config\w*|commit|pr)\b",
            ),
            cue(
                "chg.earlier",
                r"\b(?:rotated|upgraded|migrated|changed|updated|bumped|merged|shipped|deployed|enabled|disabled"
                r"|applied|rolled out|turned on|switched)\b.*\b(?:this morning|yesterday|last (?:night|week)"
                r"|earlier today|(?:days?|hours?) ago)\b",
            ),
        ),
        (
            cue("neg.chg.not-yet", _NOT_YET + r"(?:went out|deployed|released|shipped|rolled out)\b"),
            cue("neg.chg.back-on", r"\bback on\b|\bre-?enabl\w*"),
            # "nothing was deployed tonight", "no deploy since yesterday" rule a change out.
            cue(
                "neg.chg.none",
                r"\b(?:nothing|no|none)\s+(?:\w+\s+)?(?:was\s+|were\s+|got\s+|has been\s+|been\s+)?"
                r"(?:deploy\w*|released|shipped|changed|rolled out|went out|changes)\b",
            ),
            _QUESTION_END,
        ),
    ),
    TimelineKind.ESCALATION: CueTable(
        (
            cue("esc.im-ic", r"\bI(?:'m| am) (?:the )?(?:IC|incident commander)\b"),
            cue(
                "esc.take-ic",
                r"\bI'?ll (?:take|be) (?:the )?(?:IC|incident commander)\b|\btaking IC\b|\bIC (?:is )?me\b",
            ),
            cue("esc.incident-commander", r"\bincident commander\b|\bIC\s*:"),
            cue("esc.paging", r"\bpaging\b"),
            cue("esc.escalate", r"\bescalat(?:e|ed|es|ing)\b"),
            cue(
                "esc.pulling-in",
                r"\bpull(?:ing|ed) in\b|\b(?:loop(?:ing|ed)?|bring(?:ing)?|brought) in\b"
                r"|\b(?:page|paged|ping|pinged|pinging)\s+(?:the\s+)?@?(?:[\w-]+\s+)?[\w-]*(?:on-?call|oncall|team|dba|sre"
                r"|owners?|vendor)\b",
            ),
            cue("esc.declared", r"\bdeclar(?:ed|ing)\b"),
            cue(
                "esc.call",
                r"\b(?:open(?:ed|ing)|start(?:ed|ing)|spinning up|spun up|set(?:ting)? up)\s+(?:an?\s+|the\s+)?"
                r"(?:incident\s+|emergency\s+)?(?:call|bridge|war ?room)\b"
                r"|\b(?:incident|emergency) (?:call|bridge) (?:is\s+)?(?:open(?:ed)?|started|up)\b",
            ),
            cue(
                "esc.severity",
                r"\bsev(?:erity)?\s*[:-]?\s*[0-5]\b|\b(?:a|is|now|to|as|priority)\s+(?-i:P[0-4])\b",
            ),
        ),
        (
            cue(
                "neg.esc.customers",
                r"\b(?:customers?|accounts?|clients?|users?|merchants?|tickets?|cases?)\s+(?:are\s+|is\s+|have\s+|has\s+"
                r"|were\s+)?(?:already\s+)?escalat\w*",
            ),
        ),
    ),
    TimelineKind.COMMUNICATION: CueTable(
        (
            cue("com.status-page", r"\bstatus ?page\b|\bstatus post\b"),
            cue(
                "com.customers-notified",
                r"\bcustomers? (?:have been |were |was )?notified\b|\b(?:notified|informed|emailed|told|messaged)"
                r" (?:the |all |our )?(?:\w+\s+)?(?:customers|clients|merchants|users|account managers|stakeholders"
                r"|support|cs|leadership|execs)\b",
            ),
            cue("com.update-posted", r"\bupdate (?:posted|sent|published)\b|\bposted an? update\b"),
            cue("com.comms", r"\bcomms\b|\bcommunications?\b"),
            cue(
                "com.let-know",
                r"\blet (?:the )?(?:\w+\s+){0,2}?(?:customers|accounts|users|support|cs|merchants) know\b",
            ),
        ),
        (
            # Someone checking a vendor's status page is diagnosis, not our communication.
            cue(
                "neg.com.vendor-status",
                r"\b(?:their|its|provider'?s?|vendor'?s?|upstream'?s?|hosting provider)\s+status ?page\b"
                r"|\bstatus ?page (?:is |looks |shows |says )?(?:green|fine|ok|clean|all good)\b",
            ),
        ),
    ),
    TimelineKind.DETECTION: CueTable(
        (
            cue("det.alert-fired", r"\balerts? (?:fired|firing|triggered|went off)\b|\bfiring\b"),
            cue("det.triggered", r"\btriggered\b"),
            cue(
                "det.paged",
                r"\b(?:got|just got|been|i was|we were|getting)\s+paged\b|\bpaged (?:for|about|on)\b"
                r"|\bwoke (?:me|us) up\b",
            ),
            cue(
                "det.seeing-errors",
                r"\bseeing (?:\w+\s+){0,5}(?:errors|error rates?|5xx|5\d\ds|timeouts|failures|latency|packet loss"
                r"|exceptions|crashes|issues|problems)\b",
            ),
            cue(
                "det.getting-errors",
                r"\b(?:getting|got|receiving|throwing)\s+(?:\w+\s+){0,3}?(?:alerts|pages|errors|5xx|[45]\d\ds"
                r"|timeouts|complaints)\b",
            ),
            cue(
                "det.spike-in",
                r"\b(?:spike|spikes|surge|jump) in (?:\w+\s+)?(?:errors|5xx|5\d\ds|4xx|latency|timeouts)\b",
            ),
            cue(
                "det.latency-spike",
                r"\b(?:latency|p\d{2,3}|error rates?|errors|5xx|cpu|memory|load|lag|queue(?: depth)?"
                r"|response times?)(?:\s+(?:on|for|in|of)\s+(?:the\s+)?[\w./-]+(?:\s+[\w./-]+)?)?\s+"
                r"(?:is\s+|are\s+|has\s+|have\s+)?(?:spike|spiking|spiked|jumped|went up|is up|way up|climbing"
                r"|through the roof|skyrocket\w*|pegged|maxed|(?:still\s+)?abnormal)\b|\b(?:latency|p\d{2,3})\s+went\b",
            ),
            cue(
                "det.customers-report",
                r"\b(?:customers?|users?|clients?|merchants?|support|cs|people)\s*:?\s+"
                r"(?:are\s+|is\s+|began\s+|started\s+|have been\s+)?"
                r"(?:report\w*|complain\w*|saying|says|seeing|getting|get|hitting|unable to|can'?t|cannot|stuck)\b",
            ),
            cue("det.is-x-broken", r"^(?:is|are)\s+(?:\S+\s+){1,3}(?:broken|down|failing|erroring)\b"),
            # Support relaying reports: "3 chats in the last couple min saying the page just spins".
            cue(
                "det.reports-count",
                r"\b\d+\+?\s+(?:chats|tickets|reports|calls|emails|complaints|customers|users|merchants)\b"
                r"(?:\s+\S+){0,5}?\s+(?:saying|reporting|about|complaining)\b",
            ),
            cue("det.something-wrong", r"\bis (?:something|anything) (?:going on|up|wrong|broken|off)\b"),
            cue(
                "det.is-down",
                r"(?:\b(?:is|are|was|were|went|goes|seems|looks|got)|'s)\s+(?:\w+\s+)?(?:down|offline|unavailable"
                r"|unreachable|unresponsive|broken|dead|hard down)\b(?!\s+(?:to|by|from|\d))"
                r"|\b(?:unreachable|unresponsive)\b|^(?:the\s+)?(?:site|app|api|website|prod|production|checkout"
                r"|login|search|[\w-]+-(?:api|service|svc|db))\s+(?:is\s+)?(?:down|offline|dead)\b",
            ),
            cue(
                "det.throwing-errors",
                r"\b(?:throwing|returning|returns|serving|giving|spewing|erroring with|failing with|hitting)\s+"
                r"(?:\S+\s+){0,3}?(?:errors?|exceptions?|5xx|4xx|[45]\d\ds?|timeouts?|disk full|oom\w*|nxdomain"
                r"|panics?)\b",
            ),
            cue(
                "det.failing-state",
                r"\b[45]\d\d'?ing\b|\b(?:timing out|crash-?looping|oom-?killed|oom-?ing|erroring|flapping)\b"
                r"|\b(?:nothing|not|isn'?t|aren'?t|won'?t|doesn'?t|don'?t)\s+(?:is\s+)?(?:loading|load|responding"
                r"|working)\b|\b(?:can'?t|cannot|unable to|could ?n'?t|failing to|not able to)\s+(?:connect|reach"
                r"|resolve|log ?in|load|authenticate|access|upload|download|send|pay|check ?out)\b",
            ),
            cue(
                "det.wrong-content",
                r"\b(?:serving|showing|returning|returns?)\s+(?:\w+\s+)?"
                r"(?:stale|nothing|empty|blank|wrong|no results)\b"
                r"|\b(?:results|pages?|responses?) (?:are |is )?(?:empty|blank)\b",
            ),
            cue(
                "det.since",
                r"\b(?:5xx|4xx|[45]\d\ds|errors?|error rates?|failures|timeouts|latency|p\d{2,3}|failing|erroring|down"
                r"|broken|crash-?looping)\b[^.?!]{0,30}?\bsince\s+~?(?:\d{1,2}:\d{2}|yesterday|last night|this morning"
                r"|(?:mon|tue|wed|thu|fri|sat|sun)\w*)\b",
            ),
            cue(
                "det.slow",
                r"\b(?:is|are|seems|looks|getting|got|super|really|very|extremely|painfully)\s+(?:\w+\s+)?"
                r"(?:slow|sluggish|laggy|degraded|hanging)\b",
            ),
            cue(
                "det.nothing-since",
                r"\bno (?:new\s+)?(?:orders|data|events|traffic|logins?|payments|messages|signups|requests|writes"
                r"|metrics|logs|deliveries|emails|notifications)\s+(?:\w+\s+){0,2}?(?:since|for (?:the )?(?:last|past)"
                r"|in (?:the )?(?:last|past))\b",
            ),
            cue(
                "det.saturated",
                r"\b(?:backing up|piling up|queueing|queuing|maxed out|pinned at|exhausted|saturated)\b"
                r"|\b(?:disk|cpu|memory|heap|volume)\b(?:\s+\S+){0,3}?\s+(?:is\s+)?(?:at\s+)?(?:9\d|100)\s?%",
            ),
            cue(
                "det.packet-loss",
                r"\bpacket loss\s+(?:of\s+|at\s+|is\s+|~)?\d+(?:\s*-\s*\d+)?\s?%|\b\d+(?:-\d+)?\s?%\s+packet loss",
            ),
            # "R2 writes are failing everywhere", "enrollment failing for some customers", "came to a halt".
            cue(
                "det.failing",
                r"\b(?:is|are|keeps?|started|starts)\s+(?!still\b)(?:\w+\s+)?(?:failing|erroring)\b(?!\s+(?:over|back))"
                r"|\bfailing (?:for (?:some|all|many|most|every)|everywhere|across)\b"
                r"|\bstopped (?:loading|working|responding|serving)\b"
                r"|\b(?:came|comes|come|ground) to a (?:halt|standstill)\b",
            ),
            cue(
                "det.experiencing",
                r"\bexperienc(?:ing|ed|es)\s+(?:\S+\s+){0,3}?(?:errors?|failures?|failure rates?|outages?|issues"
                r"|problems|degradation|latency|timeouts)\b|\b(?:detected|noticed|spotted)\s+(?:\w+\s+){0,2}?"
                r"(?:incident|issue|problem|outage|errors|failures|degradation)\b",
            ),
            cue("det.anyone-else", r"\banyone else (?:seeing|getting|having|noticing|hitting)\b|\banyone else\W*$"),
            cue(
                "det.flooded",
                r"\b(?:flooded|swamped|inundated)\b|\btickets? (?:are )?(?:spiking|piling up|pouring in)\b",
            ),
        ),
        (
            cue(
                "neg.det.no-alert",
                r"\bno alerts? (?:fired|triggered)\b|\balerts? (?:didn'?t|did not|never) (?:fire|trigger)",
            ),
            cue("neg.det.not-paged", r"\b(?:not|wasn'?t|weren'?t|never|nobody (?:was|got))\s+paged\b"),
            cue("neg.det.triggered-by", r"\btriggered by\b"),
            cue(
                "neg.det.not-seeing",
                r"\b(?:not|don'?t|doesn'?t|didn'?t|aren'?t|isn'?t|never)\s+(?:\w+\s+)?(?:seeing|getting|see|get)\b"
                r"|\bno (?:more |new )?(?:errors|5xx|alerts|timeouts|failures)\b",
            ),
            # "lunch order is late because the delivery app is slow": small talk, not a symptom.
            cue("neg.det.small-talk", r"\b(?:lunch|dinner|breakfast|coffee|pizza|snacks?|takeout|take-away)\b"),
            cue(
                "neg.det.no-longer",
                r"\bno longer\b|\b(?:not|isn'?t|aren'?t|wasn'?t)\s+(?:\w+\s+)?(?:erroring|failing|timing out|down"
                r"|slow)\b|\bstopped (?:erroring|failing|timing out)\b",
            ),
        ),
    ),
}

# --- alert and integration posts: status shapes, tried in order (a recovery quotes its alert) ---

# ``category`` is the timeline kind; ``label`` "deploy" marks announcements that only stand for a
# change when no deploy export was given (otherwise they echo its records).
ALERT_POSTS = CueTable(
    (
        cue(
            "post.resolved-tag",
            r"^\W*(?:(?:incident|status) update\W+)?(?:resolved|recovered|closed)\b"
            r"|(?-i:^\W*(?:RESOLVED|RECOVERY|OK|UP)\b)",
            category="resolution",
        ),
        cue(
            "post.closed",
            r"^(?:\S+\s+){1,3}?(?:auto-?)?(?:closed|resolved)(?:\s+by\b|\s*:)|\bauto-?(?:closed|resolved)\b",
            category="resolution",
        ),
        cue(
            "post.passing",
            r"\ball (?:\w+\s+)?(?:probes|checks|monitors|tests) (?:are\s+)?(?:passing|green|ok|up)\b"
            r"|\b(?:dag run|job|task|pipeline|workflow|health ?check|check)\s+(?:\S+\s+){0,2}?"
            r"(?:succeeded|passed|recovered)\b",
            category="resolution",
        ),
        # Code-host and CI notifications ("[repo:main] 1 new commit by …", "Build #412 passed") are changes.
        cue(
            "post.push",
            r"\b\d+ new commits?\b|\bpushed (?:\d+ commits? )?to\b|\b(?:merged|opened|closed) (?:pull request|pr|mr)\b"
            r"|\bpull request (?:#\d+ )?(?:merged|opened)\b|^\W*build\s+#?\d+\b",
            category="change",
            label="push",
        ),
        cue(
            "post.status-update",
            r"^\W*(?:incident|status|maintenance)\s+update\b|^\W*(?:investigating|identified|monitoring|update)\s*[:\u2014\u2013-]",
            category="communication",
        ),
        cue(
            "post.firing",
            r"\[(?:firing|alerting|alert|triggered|critical|warning|warn|error|down|problem)(?::\s*\d+)?\]"
            r"|^\W*(?:re-?)?(?:triggered|firing|alerting|critical|warning|problem)\b\s*(?:[:#\u2014\u2013-]|\s+#?\d)"
            r"|^\W*alert\s*:",
            category="detection",
        ),
        cue(
            "post.priority",
            r"^\W*(?:\[[\w .-]+\]\s*)?P[0-5]\b|\balert\s*#?\d+\s*(?:\(P[0-5]\)\s*)?:",
            category="detection",
        ),
        # CloudWatch through AWS Chatbot: "CloudWatch Alarm | name | region | ALARM", "ALARM: "name" in …"
        # (the state in capitals; "Alarm" in the product name is not one).
        cue("post.alarm", r"(?-i:\bALARM\b)", category="detection"),
        cue("post.down", r"(?-i:^\W*(?:DOWN|CRITICAL|FAILED|FAILING|ERROR|OUTAGE)\b)", category="detection"),
        cue(
            "post.failed",
            r"\b(?:task|job|dag run|run|pipeline|build|check|checks|backup|cron\w*|workflow|probe)s?\s+(?:\S+\s+){0,2}?"
            r"(?:failed|failing|timed out|errored)\b|\bnew (?:issue|error|exception)\s*(?::|in\b)"
            r"|^\W*(?:failed|failure)\s*:"
            # Error trackers post the exception itself: "[label-worker] ValueError: invalid literal …".
            r"|^\W*(?:\[[\w.-]+\]\s*)?[A-Z]\w*(?:Error|Exception)\b\s*:",
            category="detection",
        ),
        cue(
            "post.flag-off",
            r"\bturned (?:\S+\s+){0,2}?off\b|\b(?:flag|targeting|feature|kill ?switch)\s+(?:\S+\s+)?(?:off|disabled)\b"
            r"|\bdisabled\b",
            category="mitigation",
        ),
        cue("post.rollback", r"\broll(?:ed|ing)?[ -]?back\b|\brevert\w*", category="mitigation"),
        cue(
            "post.flag-change",
            r"^\W*(?:feature )?flag (?:updated|changed|created|toggled)\b|\bchanged the (?:\w+\s+)?(?:rollout|targeting"
            r"|rules?|variations?|default)\b|\bturned (?:\S+\s+){0,2}?on\b|\brollout (?:to|from) \d+\s?%",
            category="change",
        ),
        cue(
            "post.deploy",
            r"\bdeploy(?:ed|ing|ment)?\b|\breleas(?:ed|ing)\b|\bsync(?:ed|ing)?\b|\bapplied\b",
            category="change",
            label="deploy",
        ),
    ),
)

# An alert pasted or relayed by an account the source does not mark as a bot ("pagerbot", a
# person forwarding it) still reads by its status shape: a bracketed state or a state in capitals.
ALERT_SHAPE = cue(
    "post.shape",
    r"^\W*\[(?:firing|resolved|alerting|alert|triggered|recovered|critical|warning|problem)(?::\s*\d+)?\]"
    r"|(?-i:^\W*(?:FIRING|RESOLVED|RECOVERY|RECOVERED|PROBLEM|CRITICAL|ALERT)\b)",
)

# --- contributing factors ------------------------------------------------------------------------

# The ``cause`` group is the phrase that names the cause; without it the sentence is the cause.
# ``label`` "sentence": the reason only makes sense with what it explains, so the whole sentence
# is quoted ("slow because of the volume" is not a factor called "the volume").
CAUSES = CueTable(
    (
        cue(
            "cause.root-cause",
            r"\broot[- ]cause\b(?:(?:\s+candidate)?\s*(?::|\bis\b|\bwas\b|[\u2014\u2013-])\s*(?P<cause>.+))?",
        ),
        cue("cause.caused-by", r"\bcaused by\s+(?P<cause>.+)"),
        cue("cause.because", r"\bbecause(?:\s+of)?\s+(?P<cause>.+)", label="sentence"),
        cue("cause.due-to", r"\bdue to\s+(?P<cause>.+)", label="sentence"),
        cue("cause.triggered-by", r"\btriggered by\s+(?P<cause>.+)"),
        cue("cause.as-a-result-of", r"\bas a result of\s+(?P<cause>.+)"),
        cue("cause.led-to", r"^(?P<cause>.+?)\s+(?:led|leads|has led) to\b"),
        cue(
            "cause.expired",
            r"\b" + _SECRET + r"\b[^.]{0,40}?\b(?:had |has |have )?expired\b|\bexpired " + _SECRET + r"\b",
        ),
        cue(
            "cause.never-done",
            r"\b(?:was|were|is|are|has|have|had)\s+never\s+(?:been\s+)?\w+(?:ed|en)\b"
            r"|\bnever (?:been )?(?:used|tested|exercised|rehearsed|practi[cs]ed|tried)\b",
        ),
        cue(
            "cause.nobody",
            r"\b(?:nobody|no one|no-one|noone)\s+(?:\w+\s+)?(?:reads?|owns?|watch(?:es)?|monitors?|checks?|looks? at"
            r"|reviewed|noticed)\b",
        ),
        cue("cause.refuses", r"\brefus(?:es|ed|ing) to\b"),
        cue("cause.buried", r"\bburied (?:in|under)\b|\blost in (?:the )?noise\b"),
        cue("cause.policy", r"\b(?:policy|rule)\s+(?:\w+\s+){0,2}?appl(?:ies|ied)\b"),
        cue(
            "cause.wrong-destination",
            r"\b(?:goes|go|went|is sent|are sent|is posted|are posted|is routed|are routed)\s+to\s+\S+,?\s+"
            r"(?:not|instead of)\b",
        ),
        # "our admin tooling depends on R2 so it is down too": a dependency that spread the failure.
        cue("cause.depends-on", r"\b(?:depends|depended|relies|relied|sits|sit|runs|run) on\b", label="sentence"),
    ),
    (
        cue("neg.cause.personal", r"\bbecause (?:i|i'm|i was|we were|you|my|our (?:train|flight|kid|dog))\b"),
        cue("neg.cause.not-because", r"\bnot because\b"),
        # "the AS4755 announcement is unrelated, it only shows because we withdrew" rules a cause out.
        cue("neg.cause.unrelated", r"\b(?:unrelated|not related|red herring|coincidence|not the cause)\b"),
        # "while we look for the root cause" says the cause is not known yet.
        cue(
            "neg.cause.searching",
            r"\b(?:look(?:ing)? for|find(?:ing)?|investigat\w+|dig(?:ging)? into|understand\w*)"
            r" (?:the )?root[- ]cause\b",
        ),
        _QUESTION_END,
    ),
)

# First match wins, so the order says which category a sentence naming several belongs to.
FACTOR_CATEGORIES = CueTable(
    (
        cue(
            "cat.change",
            r"\b(?:config\w*|deploy\w*|release\w*|roll-?out|PR\s*#?\d+|commit\w*|migration|feature flags?"
            r"|upgrade\w*|bump\w*|diff|chart|manifest)\b",
            category="change",
        ),
        cue("cat.testing", r"\b(?:tests?|testing|canary|staging)\b", category="testing"),
        cue("cat.monitoring", r"\b(?:alert\w*|monitor\w*|dashboards?|paging|pager)\b", category="monitoring"),
        cue(
            "cat.capacity",
            r"\b(?:capacity|pool\w*|limits?|quotas?|exhaust\w*|saturat\w*|memory|oom|cpu|disk|throttl\w*)\b",
            category="capacity",
        ),
        cue(
            "cat.dependency",
            r"\b(?:dependenc\w*|upstream|third[- ]party|vendor|provider|external service)\b",
            category="dependency",
        ),
        cue(
            "cat.process",
            r"\b(?:runbook|process|review\w*|polic(?:y|ies)|rotation|manual\w*|owner\w*|nobody|no one|procedure"
            r"|approval|expir\w*|renew\w*|never)\b",
            category="process",
        ),
    ),
)

_PAGE_NOT_ACKED = "The first page was not acknowledged when it was sent"

# Detection gaps: ``label`` is the neutral wording the draft uses (never the speaker's words, which
# may name a person), ``category`` the factor category. Cues sharing a label become one factor.
DETECTION_GAPS = CueTable(
    (
        cue(
            "gap.no-alert",
            r"\bno alerts? (?:fired|triggered)\b|\balerts? (?:didn'?t|did not|never) (?:fire|trigger)"
            r"|\b(?:didn'?t|did not|never) alert\b",
            category="monitoring",
            label="No alert fired for the failing condition",
        ),
        cue(
            "gap.not-paged",
            r"\b(?:didn'?t|did not|never) page\b"
            r"|\b(?:not|wasn'?t|weren'?t|was not|were not|nobody was) (?:paged|alerted)\b"
            r"|\bno pager\b|\bonly (?:go(?:es)?|went|post(?:s|ed)?|sent) (?:to|in)\b",
            category="monitoring",
            label="The failing condition did not page the on-call responder",
        ),
        cue(
            "gap.no-monitoring",
            r"\bno (?:monitoring|metrics|dashboard)\b|\bnot monitored\b",
            category="monitoring",
            label="Monitoring did not cover the failing component",
        ),
        cue(
            "gap.page-not-acked",
            r"\bslept through\b|\bmissed the (?:first )?(?:alert|page)\b"
            r"|\bdidn'?t (?:see|hear) the (?:first )?(?:alert|page)\b",
            category="process",
            label=_PAGE_NOT_ACKED,
        ),
        cue(
            "gap.canary",
            r"\b(?:canary|tests?|staging) (?:didn'?t|did not|failed to|never) (?:catch|detect|flag)\b"
            r"|\bcanary missed\b",
            category="testing",
            label="Pre-production checks (canary, tests) did not detect the problem",
        ),
    ),
    (_QUESTION_END,),
)

# Review questions that point at a detection gap ("why didn't the expiry alert fire?"). They stay
# low-confidence candidates, worded from the label, and are not listed as something that went wrong.
GAP_QUESTIONS = CueTable(
    (
        cue(
            "gapq.alerting",
            r"^(?:\w+,?\s+){0,2}?(?:why|how come)\b.*\b(?:alert\w*|pag(?:e|ed|ing)|monitor\w*|notif\w*|notice\w*"
            r"|detect\w*)\b.*\?\s*$",
            category="monitoring",
            label="Alerting may not have detected the problem early enough (asked during the incident)",
        ),
        cue(
            "gapq.review",
            r"^(?:\w+,?\s+){0,2}?(?:why|how come|how did)\b.*\b(?:review|tests?|canary|staging|ci|plan|checks?)\b"
            r".*\?\s*$",
            category="testing",
            label="Review or pre-production checks may not have caught the problem (asked during the incident)",
        ),
    ),
)

# A structured escalation that happened because nobody acknowledged in time.
ESCALATION_TIMEOUT = cue(
    "gap.escalation-timeout",
    r"\btime(?:d)?[- ]?out\b",
    category="process",
    label=_PAGE_NOT_ACKED,
)

# --- action items ----------------------------------------------------------------------------------

_LATER = (
    r"(?:tomorrow|tonight|later today|next (?:week|sprint|month)|this week|(?:on )?(?:mon|tues|wednes|thurs|fri)day"
    r"|after the (?:incident|review|postmortem|pm)|in the morning|eod|eow)"
)
# Work on the live incident, not follow-up work: "I'll check the db", "will close tomorrow".
_LIVE_VERBS = r"check|look|monitor|watch|keep|close|wait|be|stay|see|ping|page|join|post|update|let (?:you|y'?all) know"
_LIVE_WORK = r"(?:" + _LIVE_VERBS + r")"
_QUESTION_NOT_REQUEST = cue(
    "neg.act.question",
    r"^(?!.*\b(?:can|could|would)\s+(?:someone|somebody|anyone|one of you|you)\b)"
    r"(?!.*\b(?:can|could)\s+we\s+(?:get|open|file|create|raise|cut)\s+an?\s+(?:ticket|jira|issue|bug)\b).*\?\s*$",
)
_OWN_ROLE = cue(
    "neg.act.own-role",
    r"\bi'?ll (?:own|take|be|handle|do) (?:the )?(?:comms|communications?|ic|incident commander|incident|call|bridge"
    r"|status)\b",
)

# ``lead`` is cut from the description ("I'll file a ticket" -> "File a ticket"); without a
# ``lead`` group the whole sentence is the description. Category ``commitment`` makes the speaker
# the owner, ``suggestion`` leaves the owner TBD; label "context" quotes the sentence before too
# (its subject is there: "hotfix PR #1204 … will ship tomorrow").
ACTIONS = CueTable(
    (
        cue(
            "act.i-file",
            r"\b(?P<lead>i'?ll|i will)\s+(?=file\b|(?:create|open|raise) an? (?:ticket|issue|jira|bug)\b)",
            category="commitment",
        ),
        cue("act.i-own", r"\b(?P<lead>i'?ll|i will)\s+(?=own\b|follow up\b|write up\b)", category="commitment"),
        cue(
            "act.i-arrange",
            r"\b(?P<lead>i'?ll|i will|i'm going to)\s+(?=check with\b|talk to\b|reach out\b|ask\b|sync with\b|raise\b"
            r"|audit\b|document\b|schedule\b|set up\b|draft\b|write (?:the|a|an) \w+)",
            category="commitment",
        ),
        cue(
            "act.i-will-later",
            r"\b(?P<lead>i'?ll|i will)\s+(?=(?!" + _LIVE_WORK + r"\b)\w+\b.*\b" + _LATER + r"\b)",
            category="commitment",
        ),
        cue(
            "act.will-later",
            r"^(?P<lead>will)\s+(?=(?!" + _LIVE_WORK + r"\b)\w+\b.*\b" + _LATER + r"\b)",
            category="commitment",
            label="context",
        ),
        cue("act.follow-up", r"(?P<lead>\bfollow[- ]?ups?\s*:)", category="suggestion"),
        cue("act.action-item", r"(?P<lead>\baction items?\s*:)", category="suggestion"),
        cue("act.todo", r"(?P<lead>\bTODO\s*:)", category="suggestion"),
        cue("act.ai", r"(?P<lead>(?-i:\bAI)\s*:)", category="suggestion"),
        cue("act.we-should", r"\b(?P<lead>we should|we need to)\s+", category="suggestion"),
        cue(
            "act.someone-should",
            r"\b(?P<lead>(?:someone|somebody)\s+(?:should|needs? to|must|has to|ought to))\s+",
            category="suggestion",
        ),
        cue(
            "act.we-need",
            r"\b(?:we|also|still)\s+(?:\w+\s+)?need (?:a|an|some|better|more|proper)\b|^(?:also\s+)?need (?:a|an|to)\b",
            category="suggestion",
        ),
        cue(
            "act.can-someone",
            r"\b(?P<lead>(?:can|could|would)\s+(?:someone|somebody|anyone|one of you)(?:\s+please)?)\s+"
            r"(?=(?:file|open|create|raise|write|track|document|audit|schedule|book|own|follow up)\b)",
            category="suggestion",
        ),
        cue(
            "act.ticket",
            r"\b(?P<lead>(?:can|could)\s+(?:we|someone|somebody|you)(?:\s+please)?)\s+"
            r"(?=(?:get|open|file|create|raise|cut)\s+(?:a|an)\s+(?:ticket|jira|issue|bug)\b)",
            category="suggestion",
        ),
        cue(
            "act.lets-add",
            r"\b(?P<lead>let'?s(?: make sure(?: we| to)?)?)\s+(?=add\b|file\b|track\b|create\b|write up\b|document\b)",
            category="suggestion",
        ),
    ),
    (
        cue(
            "neg.act.fine",
            r"\bwe should (?:probably )?(?:be|see) (?:fine|good|ok|okay|all set|safe|clear|recovery)\b",
        ),
        _OWN_ROLE,
        cue(
            "neg.act.in-incident",
            r"\b(?:we need to|we should|let'?s|someone (?:should|needs to))\s+(?:roll ?back|revert|restart|fail ?over"
            r"|wait|page|hurry|scale|drain|stop|kill|pause)\b",
        ),
        cue("neg.act.urgent", r"\b(?:right now|now|asap|immediately|urgently)\W*$"),
        _QUESTION_NOT_REQUEST,
    ),
)

# After the incident recovered, any "I'll …" or "can someone …" is follow-up work; during it, the
# same words are the response itself ("I'll restart the pods"), so these only apply afterwards.
LATE_ACTIONS = CueTable(
    (
        cue(
            "late.i-will",
            r"\b(?P<lead>i'?ll|i will|i'm going to)\s+(?!(?:(?:take|have) a look|keep an eye|" + _LIVE_VERBS + r")\b)"
            r"(?=\w)",
            category="commitment",
        ),
        cue(
            "late.request",
            r"\b(?P<lead>(?:can|could|would)\s+(?:someone|somebody|anyone|one of you|you)(?:\s+please)?)\s+"
            r"(?!(?:check|confirm|look|share|post|send|ack|tell|let)\b)(?=\w)",
            category="suggestion",
        ),
    ),
    (_OWN_ROLE, _QUESTION_NOT_REQUEST),
)

# A line that opens a list of follow-ups ("action items:", "follow-ups from my side:"); the bullet
# lines after it in the same message are one action item each.
ACTION_HEADER = cue(
    "act.header",
    r"(?:^|[.!?;]\s+)(?P<header>(?:action items?|ais|follow[- ]?ups?|next steps|to-?dos?|remediation items?)"
    r"(?:\s+(?:from|for)\s+[^:]{1,30})?)\s*:\s*$",
)

# "(Nur)" at the end of an item names its owner (checked against the people in the sources).
# Names are only taken when they are people in the sources, so "(edited)" or "Note:" name nobody.
# One word in any case ("(lukas)", "(me)"), or a capitalised full name ("(Zoë Ødegård)").
_OWNER = r"@?(?P<name>[A-Z][\w'-]+ [A-Z][\w'-]+|[^\W\d_][\w'-]+)"
# "(Nur)" or " - Victor" at the end of an item.
OWNER_SUFFIX = cue("act.owner-suffix", r"(?:\s*\(|\s+[-\u2014\u2013]\s+)" + _OWNER + r"\)?\W*$", flags=0)
# "@Marco Bellini: cdn config changes need a second reviewer" or "Li: …" assigns the item; list
# and note labels ("TODO:", "AI:", "fyi:") are not names.
OWNER_PREFIX = cue(
    "act.owner-prefix",
    r"^\s*(?!(?:todo|ai|fyi|note|nb|update|edit|re|ps|q|a|follow[- ]?ups?|action items?|next steps?)\s*:)"
    + _OWNER
    + r"(?:\s*[:\u2014\u2013]\s+|\s+-\s+)|^\s*@(?P<mention>[^\W\d_][\w'-]+ [A-Z][\w'-]+)\s+",
    flags=re.IGNORECASE,
)

# --- questions -------------------------------------------------------------------------------------

_LEAD_IN = r"^(?:(?:and|but|so|also|ok|okay|hm+|wait|ok so),?\s+)?"

# ``review`` questions go to the review meeting as they are; ``clarifying`` ones only when nobody
# in their thread answered; ``review-late`` ones are review questions once the incident recovered
# ("do we know if the provider charged premium rates?") and clarifying before.
QUESTIONS = CueTable(
    (
        cue(
            "q.why",
            _LEAD_IN + r"(?:why|how come|how did (?:this|that|it|we|nobody|no one))\b.*\?\s*$",
            category="review",
        ),
        cue(
            "q.supposed-to",
            _LEAD_IN + r"(?:(?:wasn'?t|weren'?t|isn'?t|aren'?t|shouldn'?t|didn'?t|doesn'?t|don'?t)\b.*"
            r"\b(?:supposed to|meant to|expected to|should(?:n'?t)? (?:have|be))\b"
            r"|(?:should|shouldn'?t|could|couldn'?t|would|wouldn'?t)\s+(?:we|they|the \S+|this|it)\s+have\b).*\?\s*$",
            category="review",
        ),
        cue(
            "q.who-owns",
            _LEAD_IN + r"who (?:owns|is responsible for|maintains|should own|is on the hook for)\b.*\?\s*$",
            category="review",
        ),
        cue(
            "q.do-we-know",
            _LEAD_IN + r"(?:do|did) we (?:know (?:if|whether|why|how)|have any|get any)\b.*\?\s*$",
            category="review-late",
        ),
        cue(
            "q.clarifying",
            _LEAD_IN + r"(?:what|who|when|where|which|did|didn'?t|does|do|should|shouldn'?t|is|isn'?t|are|aren'?t"
            r"|was|wasn'?t|were|can|could|has|have)\b.*\?\s*$",
            category="clarifying",
        ),
    ),
)

# An open question asks for information ("how many users couldn't log in?"); only a yes/no question
# can report a symptom ("is checkout down?", "anyone else seeing 502s?").
OPEN_QUESTION = cue("q.open", _LEAD_IN + r"(?:why|how|what|who|when|where|which)\b")

# A question tag asking for agreement ("going to fail over to the replica, ok?") leaves a statement.
QUESTION_TAG = cue(
    "q.tag",
    r"(?:^|[,;\u2014\u2013-]\s*)(?:ok|okay|right|yes|objections|any objections|sounds? good|agreed|alright|fine)"
    r"\s*\?+\s*$",
)

# --- impact figures: ``category`` is the ImpactFigure metric ---------------------------------------

_APPROX = r"(?:(?:about|around|approx\.?|approximately|roughly|over|more than|nearly|almost|at least|up to|~|≈)\s*)?"
# A number on its own, never the digits of "p95" or "#1204".
_NUMBER = r"(?<![\w.#@/])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_QTY = _APPROX + _NUMBER + r"(?:\s?[km]\b)?\+?"
# A count of things, never an HTTP status ("429 Too Many Requests").
_COUNT = _QTY + r"(?!\s+(?:too many|not found|bad (?:request|gateway)|service unavailable|gateway|internal))"
_DURATION = r"\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds)\b"
_SPAN = (
    _APPROX
    + _NUMBER
    + r"\s?(?:hours?|hrs?|h|minutes?|mins?|m|days?|d)(?:\b|(?=\d))(?:\s?\d+\s?(?:minutes?|mins?|m)\b)?"
)

FIGURES = CueTable(
    (
        cue(
            "fig.revenue",
            r"(?:[$€£]\s?" + _QTY + r"|" + _QTY + r"\s?(?:USD|EUR|GBP|dollars|euros|pounds)\b)",
            category="revenue",
        ),
        cue(
            "fig.users-share",
            _QTY + r"\s?%\s+of\s+(?:[\w-]+\s+){0,2}?(?:users|customers|accounts|merchants|tenants)\b",
            category="users",
        ),
        cue(
            "fig.error-rate",
            r"\b(?:error rate|errors?|5xx|500s|failure rate)\s*"
            r"(?:is|was|at|of|hit|peaked at|reached|around|to|:|=|<|>|~)?\s*"
            + _QTY
            + r"\s?%|"
            + _QTY
            + r"\s?%\s+(?:of\s+)?(?:[\w-]+\s+){0,2}"
            r"(?:errors|error rate|5xx|failures|failed|requests|attempts|checkouts|traffic|sends|orders|searches|logins"
            r"|calls|payments)\b",
            category="error_rate",
        ),
        cue(
            "fig.latency",
            r"\b(?:p\d{2,3}|latency)(?:\s+(?:on|for|in|of)\s+[\w./-]+)?\s*"
            r"(?:went|is|was|at|of|hit|to|from|jumped to|spiked to|climbed to|peaked at|reached|:|=|>|<|~)?\s*"
            r"(?:from\s*)?" + _DURATION + r"(?:\s*(?:→|->|to)\s*" + _DURATION + r")?",
            category="latency",
        ),
        cue(
            "fig.duration",
            _SPAN
            + r"\s+(?:of\s+)?(?:(?:hard|partial|full|total|complete)\s+)?(?:outage|downtime|disruption|unavailability"
            r"|impact|errors|failures|slowness|data loss)\b|"
            + _SPAN
            + r"\s+(?:of\s+)?(?:degraded|failed|delayed|stale|broken|slow|elevated)\s+[\w-]+"
            r"|\b(?:worst|max(?:imum)?|peak|longest|total)\s+(?:delay|lag|backlog|downtime|outage|staleness)\s*"
            r"(?:was|of|is|at|:|=)?\s*" + _SPAN + r"|" + _SPAN + r"\s+(?:stale|behind|late|out of date)\b",
            category="duration",
        ),
        cue(
            "fig.users",
            _COUNT + r"\s+(?:[\w-]+\s+){0,2}?(?:users|customers|accounts|merchants|tenants)\b",
            category="users",
        ),
        cue(
            "fig.orders",
            _COUNT + r"\s+(?:[\w-]+\s+){0,2}?(?:orders|checkouts|payments|transactions|purchases)\b"
            r"|\b(?:failed|lost|dropped) (?:orders|checkouts|payments)\s*(?::|=|of|were|was)?\s*" + _QTY,
            category="orders",
        ),
        cue(
            "fig.requests",
            _COUNT + r"\s+(?:[\w-]+\s+){0,2}?(?:requests|reqs|calls|queries|attempts|sends|pushes|notifications"
            r"|messages|emails|texts|logins|searches|jobs|page ?loads|page views|uploads|downloads|deliveries|syncs)\b",
            category="requests",
        ),
        cue(
            "fig.support",
            _COUNT + r"\s+(?:[\w-]+\s+){0,2}?(?:tickets|chats|contacts|complaints|cases)\b",
            category="support",
        ),
        cue(
            "fig.data",
            _COUNT + r"\s+(?:[\w-]+\s+){0,2}?(?:rows|records|files|attachments|objects|documents|keys|events lost)\b",
            category="data",
        ),
    ),
    (
        # Numbers on the way back down are recovery, not impact.
        cue(
            "neg.fig.recovering",
            r"\b(?:dropping|falling|recovering|improving|coming down|going down|back (?:to|under|below|at|down))\b",
        ),
    ),
    # Every figure is a number (``_QTY``, ``_SPAN``, ``_DURATION``): most sentences have none.
    needs=re.compile(r"\d"),
)

# A comparison in an alert post is its firing condition ("error rate > 10%"), not the impact.
ALERT_CONDITION = cue("fig.alert-condition", r"[<>≤≥]=?\s*~?\d")

# --- titles ---------------------------------------------------------------------------------------

DECLARED = cue("title.declared", r"\bdeclared\b")

# A responder declaring the incident, in any tense: "declaring an incident", "declared a P1 incident".
DECLARING = cue(
    "esc.declaring", r"\bdeclar(?:e|ed|es|ing)\s+(?:an?\s+|the\s+|this\s+)?(?:[\w-]+\s+)?(?:incident|inc)\b"
)

# A cause or trigger is about systems: a sentence explaining something by one of these (or by an
# identifier such as "R-8821" or "idx_orders") is diagnosis; "late because my train was stuck" is not.
SYSTEM_TERMS = cue(
    "cause.system-terms",
    r"\b(?:index(?:es)?|quer(?:y|ies)|tables?|schema|migrations?|deploy\w*|releases?|rollouts?|config\w*|flags?"
    r"|certs?|certificates?|dns|bgp|routes?|routing|cache\w*|cpu|memory|disks?|oom\w*|nodes?|clusters?|pods?|db"
    r"|databases?|replica\w*|primary|shards?|queues?|jobs?|cron\w*|locks?|latency|errors?|timeouts?|traffic|load"
    r"|leak\w*|credentials?|tokens?|keys?|versions?|upgrades?|patch\w*|commits?|builds?|services?|servers?|hosts?"
    r"|network\w*|links?|packets?|api|gateway|proxy|workers?|threads?|connections?|pool|limits?|quotas?|capacity"
    r"|backups?|storage|buckets?|files?|features?|labels?|scans?|requests?|endpoints?|instances?|containers?"
    r"|volumes?|secrets?|settings?|rules?|firewall|waf|cdn|edge|load ?balancers?|alerts?|election|failover"
    r"|rollback|provider|vendor|region|zone|power|hardware|firmware|bug|regression|code|script|automation|changes?"
    r"|polic(?:y|ies)|prefix(?:es)?|transformers?|generators?|facility|data ?cent(?:er|re)s?|racks?)\b"
    r"|\b[a-z]+[_.-]?\d[\w.-]*|\b\w+_\w+",
)

# Someone saying what started the incident: "that's what started this", "cause is migration 0412 …".
STATED_TRIGGER = CueTable(
    (
        cue(
            "trig.what-started",
            r"\b(?:that'?s|this is|which is|is|was) what (?:started|caused|triggered|broke|kicked off)\b"
            r"|\bwhat (?:started|caused|triggered|kicked off) (?:this|it|the (?:incident|outage))\b"
            r"|\b(?:probably|likely|that|which) caused (?:the|this|it|our)\b",
        ),
        cue(
            "trig.the-trigger",
            r"\bthe trigger (?:is|was)\b|\b(?:started|triggered|kicked off) (?:this|it|the (?:incident|outage))\b"
            r"|\btrigger(?:s|ed|ing)\s+(?:a\s+|an\s+|the\s+)?(?:latent\s+|known\s+|dormant\s+)?bug\b",
        ),
        cue("trig.cause-is", r"\b(?:the |root )?cause (?:is|was)\b|\bcause\s*[:=]|\bfound the cause\b"),
        # "the primary node failed at 16:35", "a transformer had a ground fault at 11:40": a part of the
        # infrastructure failing at a stated time is what started it.
        cue(
            "trig.failed-at",
            r"\b(?:primary|replica|node|host|server|disk|drive|router|switch|transformer|generator|feed|link|circuit"
            r"|fib(?:er|re)|cable|instance|master|leader|cluster|data ?cent(?:er|re)|facility|rack|pdu|ups)s?\b"
            r"(?:\s+[\w.-]+){0,8}?\s+(?:failed|died|crashed|went down|lost power|(?:had|suffered)\s+(?:an?\s+)?"
            r"(?:[\w-]+\s+)?(?:fault|failure|outage))\s+(?:\w+\s+){0,3}?(?:at|around)\s+~?\d{1,2}:\d{2}\b",
        ),
    ),
    (_QUESTION_END,),
)

# A count of rows or records is impact only when its clause says they were lost or damaged.
DATA_LOSS = cue(
    "fig.data-loss",
    r"\b(?:lost|los(?:e|ing)|delet(?:ed|e|ing)|corrupt\w*|dropped|wiped|overwritten|duplicated|leaked|exposed"
    r"|unrecoverable|affected|gone|missing)\b",
)

# "Sev: 2", "sev2", "SEV-1", "severity 3": the incident's severity as someone stated it.
SEVERITY = cue("sev.stated", r"\bsev(?:erity)?\s*[:#-]?\s*(?P<level>[0-5])\b")

# --- changes ---------------------------------------------------------------------------------------

# A deploy during the response that says it fixes something is mitigation, not a new change.
DEPLOY_FIX = cue("deploy.fix", r"\b(?:hot ?fix\w*|fix(?:es|ed)?|patch(?:es|ed)?|workaround|mitigat\w*)\b")

# A deploy record that undoes an earlier one is mitigation, not a new change.
DEPLOY_ROLLBACK = cue("deploy.rollback", r"\broll(?:ed|ing)?[ -]?back\b|\brevert\w*")

# Words in service names that say nothing about which system a deploy touched.
GENERIC_SERVICE_WORDS = frozenset(
    {"service", "svc", "api", "app", "web", "server", "backend", "frontend", "admin", "worker", "prod", "production"}
)


# Every word a noise cue removes (besides a join line's, an emoji code's and a mention's): a
# message with any other word is no noise, which most messages show without a regex tried.
NOISE_WORDS = frozenset(
    {
        "i", "ll", "ill", "will", "going", "to", "gonna", "take", "have", "a", "look", "taking", "looking",
        "into", "it", "at", "now", "on", "1", "ack", "acknowledged", "thanks", "thank", "you", "thx", "ty",
        "cheers", "lol", "lmao", "ok", "okay", "kk", "yep", "yes", "yeah", "sure", "np", "no", "problem", "do",
        "roger", "same", "brb", "all", "folks", "team",
    }
)  # fmt: skip
_LAUGH = re.compile(r"ha(?:ha)+")
_RUNS = re.compile(r"[^\W_]+")
_EMOJI_CODES = re.compile(EMOJI, re.IGNORECASE)


def maybe_noise(text: str) -> bool:
    """Whether a normalised text may be noise: ``False`` when it holds an ASCII word no noise cue removes."""
    if "joined" in text.casefold():
        return True
    for run in _RUNS.findall(_MENTION.sub(" ", _EMOJI_CODES.sub(" ", text))):
        # A non-ASCII word could be a pictograph's letter or match a cue case-insensitively: not judged here.
        if run.isascii() and (word := run.lower()) not in NOISE_WORDS and not _LAUGH.fullmatch(word):
            return False
    return True


def noise_cue(text: str) -> Cue | None:
    """The first noise cue in ``text`` when the message is nothing but noise, else ``None``."""
    rest = normalise(text)
    if not maybe_noise(rest):
        return None
    first: Cue | None = None
    for item in NOISE.cues:
        if item.pattern.search(rest):
            first = first or item
            rest = item.pattern.sub(" ", rest)
    if first is None or _WORD.search(_MENTION.sub(" ", rest)):
        return None
    return first


def timeline_cue(text: str) -> tuple[TimelineKind, Cue] | None:
    """The timeline kind one sentence's cues give (by precedence) and the cue that decided it."""
    hits = timeline_hits(normalise(text))
    return hits[0] if hits else None


@once_per_text
def timeline_hits(sentence: str) -> tuple[tuple[TimelineKind, Cue], ...]:
    """Every timeline kind whose cues match ``sentence`` as it is, in precedence order, with the cue.

    Classification and the impact figures ask this of the same sentences: it is worked out once.
    """
    return tuple((kind, hit[0]) for kind, table in TIMELINE_CUES.items() if (hit := table.search(sentence)))


def alert_post_cue(text: str) -> tuple[TimelineKind, Cue] | None:
    """The timeline kind an alert or integration post's status shape gives, and the cue."""
    hit = ALERT_POSTS.search(strip_emoji(normalise(text)))
    return (TimelineKind(hit[0].category), hit[0]) if hit else None
