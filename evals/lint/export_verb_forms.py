"""Export the English verb forms the offline rewriter needs from lemminflect into ``lint/verb_forms.json``.

lemminflect's tables cover every English verb, but loading them takes one to two seconds, more than
offline rewording of a whole postmortem may take. The rewriter needs little of them: the past
participle of a verb where the spelling rule (+ed, e → ed, consonant + y → ied) does not give it
("run" → "run", "commit" → "committed"), the lemma of a past form that does not end in -ed ("ran" →
"run", "saw" → "see"), and which words are verbs at all. This script writes exactly that, sorted, so
a re-run with the same lemminflect gives the same file.

    pip install lemminflect && python evals/lint/export_verb_forms.py
"""

from __future__ import annotations

import json
from pathlib import Path

from lemminflect import getAllInflections, getAllLemmas
from lemminflect.core.Inflections import Inflections

from postmortem_writer.lint.wording import regular_participle

OUT = Path(__file__).resolve().parents[2] / "src" / "postmortem_writer" / "lint" / "verb_forms.json"


def main() -> None:
    """Write the file."""
    # lemminflect has no public list of its lemmas: its inflection table's keys are that list
    table = Inflections()
    table.getAllInflections("run")
    verbs: list[str] = []
    participles: dict[str, str] = {}
    lemmas: dict[str, str] = {}
    for lemma in sorted(table.infl_dict):
        if not lemma.isalpha() or not lemma.islower():
            continue
        forms = getAllInflections(lemma, upos="VERB")
        if not forms:
            continue
        verbs.append(lemma)
        participle = (forms.get("VBN") or forms.get("VBD") or (lemma,))[0]
        if participle != regular_participle(lemma):
            participles[lemma] = participle
        for tag in ("VBD", "VBN"):
            for form in forms.get(tag, ()):
                if not form.endswith("ed") and form != lemma:
                    found = getAllLemmas(form, upos="VERB").get("VERB", (lemma,))
                    lemmas.setdefault(form, found[0])
    data = {"source": "lemminflect", "verbs": verbs, "participles": participles, "lemmas": dict(sorted(lemmas.items()))}
    OUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(verbs)} verbs, {len(participles)} participles off the rule, {len(lemmas)} irregular forms")


if __name__ == "__main__":
    main()
