"""The blame rules, one table of cases: each id is stable, each row says which rules must fire.

An empty set means the sentence must stay quiet (the false-positive traps listed in BLAMELESS.md).
"""

from __future__ import annotations

import pytest

from postmortem_writer.lint import LintConfig, lint_text

IC, CF, NC, HE = "individual_as_cause", "counterfactual", "negligence_carelessness", "human_error"
HM, SR, JC, NI = "hindsight_minimizing", "single_root_cause", "judgmental_characterization", "naming_individuals"
PA, PR = "passive_aggressive", "person_focused_remediation"

# (id, text, categories that must be flagged, people)
CASES: list[tuple[str, str, set[str], tuple[str, ...]]] = [
    ("ic-role-broke", "The payments engineer broke checkout by deploying the new tax module.", {IC}, ()),
    ("ic-took-down", "Ops took the cluster down while rotating certificates.", {IC}, ()),
    ("ic-caused-by-role", "The outage was caused by a contractor entering the wrong value.", {IC}, ()),
    ("ic-possessive-mistake", "The outage came from the operator's mistake.", {IC}, ()),
    ("ic-wrong-host", "An exhausted operator ran rm -rf on the primary instead of the replica.", {IC}, ()),
    ("ic-machine-subject-quiet", "The deploy of v2.4.1 broke checkout for 12% of users.", set(), ()),
    ("ic-issue-causing-quiet", "The team was debugging an issue causing the billing job to lag.", set(), ()),
    ("cf-should-have", "The reviewer should have spotted the missing index.", {CF}, ()),
    ("cf-failed-to-person", "The team failed to notice that the certificate expired on Sunday.", {CF}, ()),
    ("cf-nobody-noticed", "The backups had been empty for months and nobody had noticed.", {CF}, ()),
    ("cf-why-didnt-you", "Why didn't you test it?", {CF}, ()),
    ("cf-had-inversion", "Had the responder read the second alert, impact would have been halved.", {CF}, ()),
    ("cf-should-ve-curly", "The operator should\u2019ve known the replica was behind.", {CF}, ()),
    ("cf-nobody-removed", "A fallback added during the migration that nobody removed.", {CF}, ()),
    ("ic-present-tense-wrong", "The operator opens the wrong valve.", {IC}, ()),
    ("ic-trade-role", "An electrician landed a wire on the wrong terminal.", {IC}, ()),
    ("ic-misconfigured", "An operator misconfigured the load balancer pool.", {IC}, ()),
    ("ic-fat-fingered-person", "The engineer who fat-fingered a command took down the servers.", {IC, HE}, ()),
    ("ic-made-the-error", "The engineer who made the error did not realize it.", {IC, CF}, ()),
    ("ic-self-blame-i", "I had accidentally executed my statement on the production database.", {IC}, ()),
    ("ic-we-organisation-quiet", "We inadvertently introduced a bug in the 14:02 release.", set(), ()),
    ("ic-passive-agent", "The alerts were mistakenly silenced by someone monitoring the system.", {IC}, ()),
    ("ic-their-mistake", "We had to correct their mistake over the weekend.", {IC}, ()),
    ("ic-to-blame", "The guy to blame is the CTO.", {IC}, ()),
    ("ic-process-at-fault-quiet", "If a process allows this, then the process is at fault.", set(), ()),
    ("ic-error-handling-quiet", "Their error handling retried forever.", set(), ()),
    ("ic-role-in-product-name-quiet", "Porting code to the new Developer Story caused a leak of user data.", set(), ()),
    ("ic-capitalised-role-first", "Engineer broke checkout by deploying the tax module.", {IC}, ()),
    ("ic-acronym-team", "At 10:02 the SRE Team accidentally deleted the bucket.", {IC}, ()),
    ("ic-chat-lowercase-i", "during the config update i fat fingered the YAML.", {IC, HE}, ()),
    ("ic-messed-up", "Relatedly, I messed up prod today!", {IC}, ()),
    ("ic-crew-cut-cable", "I think a crew was working and cut the cable.", {IC}, ()),
    ("ic-contractor-drilled-through", "A contractor drilled through a fiber-optic cable.", {IC}, ()),
    ("ic-machine-cut-cable-quiet", "The auger cut the cable at 10:02 UTC.", set(), ()),
    ("ic-list-item-i-quiet", "Step (i) broke the build cache into shards.", set(), ()),
    ("jc-clumsy", "The fiber got cut by a clumsy contractor with a backhoe.", {JC}, ()),
    ("ic-broken-is-not-broke-quiet", "If a developer can delete the database, the system is broken.", set(), ()),
    ("meta-not-a-solution-quiet", "Telling engineers to be careful is not a solution.", set(), ()),
    ("meta-never-a-root-cause-quiet", "Human error is never a root cause.", set(), ()),
    ("cf-forgot-any-subject", "Bob forgot to run the migration script.", {CF, NI}, ()),
    ("cf-missed-alert", "The on-call missed the alert.", {CF}, ()),
    ("cf-missed-deadline-quiet", "The team missed the deadline by a day.", set(), ()),
    ("cf-without-checking", "The operator restarted the primary without checking the replica lag.", {CF}, ()),
    ("cf-machine-without-checking-quiet", "The script deleted the files without checking permissions.", set(), ()),
    ("cf-if-staff-had", "If staff had followed the procedure, the incident would not have happened.", {CF}, ()),
    ("cf-why-didnt-they", "Why didn't they test that?", {CF}, ()),
    ("cf-didnt-do", "Someone didn't do the final check.", {CF}, ()),
    ("cf-never-do-again-quiet", "You'll never do that again.", set(), ()),
    ("nc-couldnt-be-bothered", "The reviewer couldn't be bothered.", {NC}, ()),
    ("cf-machine-failed-to-quiet", "The health check failed to detect the stuck worker.", set(), ()),
    ("cf-system-should-have-quiet", "The outage should have been limited to one region.", set(), ()),
    ("cf-why-machine-quiet", "Why didn't the canary catch the pool change?", set(), ()),
    ("cf-future-should-quiet", "The script should refuse production targets unless --confirm is passed.", set(), ()),
    ("cf-action-items-quiet", "## Action items\n\n- Responders should have a runbook link in every page.", set(), ()),
    ("nc-carelessly", "The change was pushed carelessly without a second look.", {NC}, ()),
    ("nc-complacent", "Engineers had grown complacent about the nightly backup emails.", {NC}, ()),
    ("nc-ignored-warnings", "The responder ignored the warnings from the disk alert.", {NC}, ()),
    ("nc-negligible-quiet", "The performance impact of the extra check was negligible.", set(), ()),
    ("he-human-error", "The outage was due to human error during maintenance.", {HE}, ()),
    ("he-fat-finger", "A fat-fingered command removed the wrong servers.", {HE}, ()),
    ("he-meta-quiet", "The write-up never blames human error; it names the tool.", set(), ()),
    ("he-error-rate-quiet", "The error rate rose to 4% at 10:02 UTC.", set(), ()),
    ("he-without-risk-quiet", "Automation removes the risk of fat fingers on the console.", set(), ()),
    ("hm-obviously", "Obviously the cron job must not overlap the backup window.", {HM}, ()),
    ("hm-simple-matter", "It was a simple matter of reading the logs.", {HM}, ()),
    ("hm-anyone-could-see", "Anyone could see the graph was heading to zero.", {HM}, ()),
    ("hm-simply-put-quiet", "Simply put, the cache expired all keys at once.", set(), ()),
    ("hm-just-in-time-quiet", "Credentials are issued just-in-time by the broker.", set(), ()),
    ("sr-only-cause", "The one and only cause was the manual edit to the hosts file.", {SR}, ()),
    ("sr-root-cause-person", "Root cause: developer deployed untested code.", {SR, IC}, ()),
    ("sr-rarely-quiet", "Incidents rarely have a single root cause.", set(), ()),
    ("sr-technical-quiet", "The root cause analysis found three contributing factors.", set(), ()),
    ("jc-amateurish", "It was an amateurish mistake.", {JC}, ()),
    ("jc-poor-judgment", "Poor judgment by the incident commander prolonged the outage.", {JC}, ()),
    ("jc-negated-quiet", "This is not incompetence.", set(), ()),
    ("ni-handle-commit", "@raj's commit 4f2a broke the login flow.", {NI, IC}, ()),
    ("ni-known-name-error", "Maria should have checked the target database.", {NI, CF}, ("Maria Lopez",)),
    ("ni-neutral-timeline-quiet", "14:02 @alice acknowledged the page and joined the call.", set(), ()),
    ("ni-known-name-neutral-quiet", "Maria restarted the replica at 14:05.", set(), ("Maria Lopez",)),
    ("pa-yet-again", "Yet again, the checklist was treated as optional.", {PA}, ()),
    ("pa-scare-quotes", "The 'tested' build failed in its first minute.", {PA}, ()),
    ("pr-be-careful", "Remind engineers to be more careful with production credentials.", {PR}, ()),
    ("pr-retrain", "Retrain the team on the deploy process.", {PR}, ()),
    ("pr-fired", "The engineer responsible was fired.", {PR}, ()),
    ("pr-not-fired-quiet", "He shouldn't be fired.", set(), ()),
    ("pr-not-fired-curly-quiet", "He shouldn\u2019t be fired, and nobody was.", set(), ()),
    ("cf-why-didnt-curly", "Why didn\u2019t the on-call check the dashboard?", {CF}, ()),
    ("pr-system-training-quiet", "The training environment was rebuilt after the upgrade.", set(), ()),
    ("pr-discipline-noun-quiet", "Guidance asks for this language discipline in every review.", set(), ()),
    ("pr-disciplinary-action", "Disciplinary action was taken against the operator.", {PR}, ()),
    ("pr-reassigned-object", "The agency reassigned the employee after the false alert.", {PR}, ()),
    ("pr-fired-him", "So the facility fired him.", {PR}, ()),
    ("pr-counselled", "The worker involved had been counselled.", {PR}, ()),
    ("pr-weeks-suspension", "A week's suspension will be more than adequate.", {PR}, ()),
    ("pr-account-suspension-quiet", "The account suspension job ran twice at 02:00 UTC.", set(), ()),
    ("pr-suspended-worker-pool-quiet", "The scheduler suspended the worker pool during the failover.", set(), ()),
    ("jc-naivety", "Ryan, in his ignorance and naivety, deleted the web servers.", {JC, NI}, ()),
    ("jc-marginal-employee", "He was a marginal employee at best.", {JC}, ()),
    ("jc-get-hired", "How do those people get hired?", {JC}, ()),
    ("jc-problem-statement-quiet", "The problem statement was agreed at 10:00.", set(), ()),
    ("pa-scare-quoted-role", "Our 'db admin' dropped the biggest table.", {PA}, ()),
    ("pa-scare-quoted-claim", 'Our "agile" process shipped untested code.', {PA}, ()),
    ("hm-seasoned-would-not", "These were mistakes that a seasoned DBA would not make.", {HM}, ()),
    ("hm-seasoned-or-would-not", "Clearly mistakes a seasoned DBA or sysadmin would not make.", {HM}, ()),
    ("sr-root-cause-of-problem", "He found the root cause of the problem: the intern.", {SR}, ()),
    ("sr-root-cause-of-outage-technical-quiet", "The root cause of the outage was a full disk.", set(), ()),
    ("ic-misconfigured-adjective-quiet", "The team was paged late due to misconfigured PagerDuty settings.", set(), ()),
    ("ic-fat-fingered-gerund", "The guy that fat fingered deploying the wrong build.", {IC, HE}, ()),
    ("ic-inconvenience-caused-quiet", "The support team apologised for the inconvenience caused.", set(), ()),
    ("ic-changes-made-by-team-quiet", "The rerun reverted all changes made by the US team overnight.", set(), ()),
    ("ic-mistake-made-by", "The mistake was made by an engineer on the night shift.", {IC}, ()),
    ("cf-found-that-machine-quiet", "Engineers discovered that the cluster failed to write updates.", set(), ()),
    ("cf-could-have-helped-quiet", "Appointing an incident manager could have helped.", set(), ()),
    ("cf-reviewer-should-have-prevented", "The reviewer should have prevented this.", {CF}, ()),
    ("pr-getting-fired", "Someone's getting fired.", {PR}, ()),
    ("pr-suspended-account-quiet", "Security reset the employee's account and suspended the account.", set(), ()),
    ("trap-git-blame-quiet", "We ran git blame on the config file to find the commit.", set(), ()),
    ("trap-fault-tolerance-quiet", "The fault tolerance of the queue kept messages safe.", set(), ()),
    ("trap-error-budget-quiet", "The error budget for the month was spent by 14:20 UTC.", set(), ()),
    ("trap-blameless-meta-quiet", "Blame the missing guardrail, not the human.", set(), ()),
    ("trap-we-let-you-down-quiet", "We let our customers down, and we are sorry.", set(), ()),
    ("he-blamed-on-assigns", "The outage has been blamed on human error.", {HE}, ()),
    ("he-very-human-quiet", "It was a very human mistake to make at 3am.", set(), ()),
    ("he-inevitable-quiet", "Human mistakes are inevitable, so the tooling must catch them.", set(), ()),
    ("he-definition-quiet", '"Human error" is just a missing guardrail.', set(), ()),
    ("he-reported-label-quiet", 'Slips are reported to be "human error" without investigation.', set(), ()),
    ("meta-point-fingers-quiet", "It is tempting to point fingers and ask why they failed to foresee it.", set(), ()),
    ("meta-calling-stupid-quiet", "Quickly calling the user stupid teaches nothing.", set(), ()),
    ("meta-disagree-quiet", "Some say human error is the root cause, but I don't agree.", set(), ()),
    # issue 17, third round: "human error" as a label talked about, a single doer denied at a distance,
    # human fallibility in general
    ("he-stop-at-label-quiet", "Most reviews stop at human error and go no further.", set(), ()),
    ("he-possibility-quiet", "The board ruled out the possibility of operator error.", set(), ()),
    ("he-chalked-up-quiet", "Old outages were chalked up to 'operator error' and forgotten.", set(), ()),
    ("he-behind-quiet", "Brittle tooling is usually behind human error.", set(), ()),
    ("he-is-a-symptom-quiet", "Human error is a symptom of the system around it.", set(), ()),
    ("he-chalked-by-name-assigns", "The board put the crash down to the captain's error.", {IC}, ()),
    ("meta-never-single-person-quiet", "It is never one person who breaks production.", set(), ()),
    ("meta-there-is-nobody-quiet", "There was nobody on the rota who ignored the page.", set(), ()),
    ("meta-everyone-makes-mistakes-quiet", "Everybody makes mistakes when paged at night.", set(), ()),
    ("meta-people-forget-quiet", "People forget steps when a checklist runs to four pages.", set(), ()),
    ("pr-doubt-fired-quiet", "I doubt the contractor is going to get fired over this.", set(), ()),
    ("pr-if-fired-quiet", "If they fired the operator, the next one would hide the same slip.", set(), ()),
    ("pr-was-fired-still", "The operator was fired the next morning.", {PR}, ()),
    ("ic-might-accidentally-quiet", "A new engineer might accidentally run the script against production.", set(), ()),
    ("hm-obviously-concessive-quiet", "Obviously not every error can be foreseen, but tools can check.", set(), ()),
    ("hm-obviously-consequence-quiet", "The disk was wiped, obviously taking the server down with it.", set(), ()),
    ("cf-hypothetical-engineer-is-hindsight", "Any competent engineer would have caught this in review.", {HM, JC}, ()),
    ("ic-passive-skipped-quiet", "Someone noticed that the checks were skipped during the rollout.", set(), ()),
    # issue 17: a person as the agent of a failure, found by the structure rather than a cue word, names
    # without --people; and the system-as-doer sentences that stay quiet
    ("agent-name-skipped", "Mark skipped the canary because he was in a hurry.", {CF, JC, NI}, ()),
    (
        "agent-nobody-bothered",
        "Our biggest problem was that nobody on the team bothered to read the runbook.",
        {CF},
        (),
    ),
    (
        "agent-pushed-without-telling",
        "Tom pushed the config straight to production without telling anyone.",
        {IC, NI},
        (),
    ),
    ("agent-possessive-typo", "The incident was caused by Lena's typo in the firewall rule.", {IC, NI}, ()),
    (
        "agent-if-had-adverb",
        "If the reviewer had actually looked at the diff, this would never have shipped.",
        {CF},
        (),
    ),
    ("agent-should-have-known", "Kevin should have known better than to restart both nodes at once.", {CF, NI}, ()),
    ("agent-panicked", "The junior engineer on call panicked and rebooted the primary.", {IC}, ()),
    ("agent-team-too-late", "Support escalated far too late, as usual.", {IC}, ()),
    ("agent-own-pull-request", "Raj merged his own pull request at 2am and went to bed.", {IC, NI}, ()),
    ("agent-crew-did-not", "The crew did not sense the conflict until the warning sounded.", {CF}, ()),
    ("agent-mistake-by-role", "The near-collision was traced to a mistake by an air traffic controller.", {IC}, ()),
    ("agent-restarted-neutral-quiet", "The on-call engineer restarted the primary at 14:05 UTC.", set(), ()),
    ("agent-machine-did-not-quiet", "The replica did not catch up until 14:20 UTC.", set(), ()),
    ("agent-we-deployed-fix-quiet", "We deployed a fix and the error rate fell.", set(), ()),
    ("agent-nobody-hurt-quiet", "Nobody was hurt and power was restored within an hour.", set(), ()),
    ("agent-name-neutral-quiet", "Priya acknowledged the page and joined the call.", set(), ()),
    ("agent-month-not-a-name-quiet", "May 5 was the day the certificate expired.", set(), ()),
]


@pytest.mark.parametrize(("text", "expected", "people"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_blame_rules(text: str, expected: set[str], people: tuple[str, ...]) -> None:
    found = {f.category for f in lint_text(text, config=LintConfig(people=people)) if f.category != "structure"}
    assert found == expected


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


def test_rule_keys_never_hide_a_cue_match() -> None:
    """Every cue match in the case table and the labelled set contains one of its rule's keys."""
    import json
    from pathlib import Path

    from postmortem_writer.lint.rules import RULES

    labelled = Path(__file__).resolve().parents[2] / "evals" / "lint" / "sentences.jsonl"
    texts = [c[1] for c in CASES] + [json.loads(line)["text"] for line in labelled.read_text("utf-8").splitlines()]
    for text in texts:
        lowered = text.lower()
        for rule in RULES:
            for cue, pattern in rule.compiled:
                for match in pattern.finditer(lowered):
                    assert any(key in match.group(0) for key in rule.keys), (rule.id, cue.pattern, text)
