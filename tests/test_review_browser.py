"""The review page in a real browser: the system's headless Chromium driven by selenium.

Skipped only where /usr/bin/chromium is absent (`.ci/run` installs it). Each test opens a page
written by the tool from file://, as a reviewer would.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys

from postmortem_writer.cli import cli
from postmortem_writer.pipeline import ingest
from postmortem_writer.render import render_json, render_markdown
from postmortem_writer.review import escape_for, render_review
from postmortem_writer.sections import SECTIONS
from postmortem_writer.sources import SourceOptions
from review_support import BLAME_SENTENCE, PAYLOADS, blamed_draft, hostile_draft, sample_draft

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "fixtures" / "screenshots" / "review.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium at /usr/bin/chromium"),
]

Opener = Callable[[str], Any]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Opener:
    """Writes a page and opens it from file://, with this browser's storage cleared first."""

    def opener(html: str) -> Any:
        page = tmp_path / "review.html"
        page.write_text(html, encoding="utf-8")
        browser.get(page.as_uri())
        browser.execute_script("window.localStorage.clear()")
        browser.get(page.as_uri())
        browser.get_log("browser")  # start each page with an empty console
        for old in browser.downloads.iterdir():
            old.unlink()
        return browser

    return opener


def _errors(browser: Any) -> list[dict[str, Any]]:
    return [entry for entry in browser.get_log("browser") if entry["level"] in {"SEVERE", "WARNING"}]


def _css(browser: Any, selector: str) -> Any:
    return browser.find_element("css selector", selector)


def _shown(browser: Any) -> list[str]:
    return [el.get_attribute("data-ev") for el in browser.find_elements("css selector", ".ev.shown")]


def _downloaded(browser: Any, name: str) -> str:
    target = browser.downloads / name
    for _ in range(100):
        if target.exists() and not list(browser.downloads.glob("*.crdownload")):
            return target.read_text(encoding="utf-8")
        time.sleep(0.05)
    raise AssertionError(f"{name} was not downloaded: {list(browser.downloads.iterdir())}")


def _blame_rules(runner: CliRunner, path: Path) -> str:
    """The blame rules `postmortem lint` finds in a file (its completeness rules are for the author)."""
    report = json.loads(runner.invoke(cli, ["lint", str(path), "--format", "json"]).output)
    return " ".join(
        sorted(
            {f["rule_id"] for file in report["files"] for f in file["findings"] if f["rule_id"].startswith("blame.")}
        )
    )


def test_sample_page_shows_the_evidence_of_a_claim(
    open_page: Opener, sample_incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Relative paths, as in the README's command, so the screenshot shows no clone's folder.
    monkeypatch.chdir(ROOT)
    sources = sample_incident.relative_to(ROOT)
    draft, count = sample_draft(sources)
    stream = list(ingest([sources], SourceOptions()).stream)
    browser = open_page(render_review(draft, event_count=count, stream=stream))
    assert _shown(browser) == []  # with the script, evidence waits for a selection
    chip = _css(browser, '.claims-timeline .claim .chip[data-ev="E19"]')
    chip.click()
    assert _shown(browser) == ["E19"]
    cited = _css(browser, "#ev-e19")
    assert "p99 went 180ms" in cited.find_element("css selector", ".text").text
    assert "2025-03-04.json" in cited.find_element("css selector", ".where").text
    box = cited.find_element("xpath", "./ancestor::section[1]")
    visible = [row for row in box.find_elements("css selector", "li") if row.is_displayed()]
    assert len(visible) == 7  # three before, three after in the channel
    assert visible[3] == cited
    # The keyboard: a claim takes focus, Enter selects it, the arrow moves to the next one.
    first = _css(browser, ".claims-timeline .claim")
    browser.execute_script("arguments[0].focus()", first)
    first.send_keys(Keys.ENTER)
    assert _shown(browser) == ["E3"]
    first.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element.get_attribute("data-claim") == "timeline[1]"
    assert _shown(browser) == ["E5"]
    # A mark of the picture selects its event.
    _css(browser, '.mark-rollback[data-ev="E36"]').click()
    assert _shown(browser) == ["E36"]
    # The filters hide timeline rows by kind.
    _css(browser, '#filters input[data-filter="kind"][value="change"]').click()
    hidden = browser.find_elements("css selector", ".claims-timeline .claim.filtered")
    assert hidden
    assert all(row.get_attribute("data-kind") == "change" for row in hidden)
    assert _errors(browser) == []
    if os.environ.get("POSTMORTEM_UPDATE_GOLDEN") == "1":
        _css(browser, "#filters input[data-filter='kind'][value='change']").click()
        _css(browser, '.claims-timeline .claim .chip[data-ev="E24"]').click()
        browser.execute_script("document.getElementById('h-timeline').scrollIntoView()")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOT))


def test_hostile_page_runs_no_script(open_page: Opener, hostile_incident: Path) -> None:
    draft, count = hostile_draft(hostile_incident)
    browser = open_page(render_review(draft, event_count=count))
    for chip in browser.find_elements("css selector", ".claim .chip")[:20]:
        chip.click()
    assert browser.execute_script("return window.__pwned === undefined && parent.__pwned === undefined")
    assert browser.execute_script("return document.querySelectorAll('img, iframe, script:not([id])').length") == 1
    assert _errors(browser) == []
    # The payloads are on the screen as text.
    body = _css(browser, "body").text
    assert PAYLOADS["img-onerror"] in body


@pytest.mark.parametrize("context", ["cell", "block", "text"])
def test_the_page_escapes_markdown_as_the_tool_does(open_page: Opener, sample_incident: Path, context: str) -> None:
    draft, count = sample_draft(sample_incident)
    browser = open_page(render_review(draft, event_count=count))
    values = [
        *PAYLOADS.values(),
        "# heading | pipe ![x](y) [a][b] &amp; &#x41; \\ back",
        "- 12. item\nnext line\r\nthird\u2028fourth",
        "   > quoted www.example.org/x) and https://docs.acme.example/pm/INC-2025-0304.",
        "1) one",
        "",
    ]
    backing = [event.text for event in draft.evidence_index]
    got = browser.execute_script(
        "var context = arguments[1], backing = arguments[2];"
        "return arguments[0].map(function (v) { return window.postmortemReview.escape(context, v, backing); });",
        values,
        context,
        backing,
    )
    assert got == [escape_for(context, value, backing) for value in values]


def test_a_whole_review_round_trip(open_page: Opener, sample_incident: Path, tmp_path: Path) -> None:
    draft, count = blamed_draft(sample_incident)
    draft_json = tmp_path / "draft.json"
    draft_json.write_text(render_json(draft), encoding="utf-8")
    browser = open_page(render_review(draft, event_count=count))
    reviewer = _css(browser, "#reviewer")
    reviewer.send_keys("Ana Costa")
    # Reject the second factor.
    rejected_title = draft.contributing_factors[1].title
    _css(browser, '[data-claim="contributing_factors[1]"] button[data-action="reject"]').click()
    # Accept the first factor: no longer a candidate.
    _css(browser, '[data-claim="contributing_factors[0]"] button[data-action="accept"]').click()
    # Edit an action item's owner.
    item = _css(browser, '[data-claim="action_items[0]"]')
    item.find_element("css selector", 'button[data-action="edit"]').click()
    owner = item.find_element("css selector", 'input[name="owner"]')
    owner.clear()
    owner.send_keys("Sam Okafor <sam@acme.example>")
    item.find_element("css selector", 'button[type="submit"]').click()
    assert "Sam Okafor <sam@acme.example>" in item.find_element("css selector", ".field-owner").text
    # Edit a factor's title and a timeline row with Markdown-active text.
    factor = _css(browser, '[data-claim="contributing_factors[2]"]')
    factor.find_element("css selector", 'button[data-action="edit"]').click()
    title = factor.find_element("css selector", 'textarea[name="title"]')
    title.clear()
    title.send_keys("# Search deploy | [not](http://evil.example) <b>it</b>")
    factor.find_element("css selector", 'button[type="submit"]').click()
    row = _css(browser, '[data-claim="timeline[1]"]')
    row.find_element("css selector", 'button[data-action="edit"]').click()
    description = row.find_element("css selector", 'textarea[name="description"]')
    description.clear()
    description.send_keys("- Deployed checkout 1.42.0 | see https://grafana.acme.example/d/x")
    row.find_element("css selector", 'button[type="submit"]').click()
    # Accept a rewording of the blame-prone summary line.
    summary = _css(browser, '[data-claim="summary[0]"]')
    assert "should have noticed" in summary.find_element("css selector", "mark.blame").text
    suggestion = summary.find_element("css selector", "textarea.suggestion")
    suggestion.clear()
    suggestion.send_keys("The page fired at 09:10 UTC and was acknowledged at 09:16 UTC.")
    summary.find_element("css selector", ".accept-reword").click()
    assert summary.find_element("css selector", ".decision-label").text == "reworded"
    assert "6 of " in _css(browser, "#progress").text

    _css(browser, "#download-md").click()
    markdown = _downloaded(browser, "postmortem-reviewed.md")
    _css(browser, "#export-review").click()
    review = json.loads(_downloaded(browser, "review.json"))
    assert _errors(browser) == []

    assert "DRAFT — not reviewed" not in markdown
    assert "**Reviewed by Ana Costa on " in markdown
    assert f"**{rejected_title}**" not in markdown
    assert "Sam Okafor &lt;sam@acme.example>" in markdown
    assert BLAME_SENTENCE not in markdown
    # Edits are escaped as the template escapes them: no link, tag or column of their own.
    assert "**# Search deploy | [not\\](`http://evil.example`) &lt;b>it&lt;/b>**" in markdown
    assert "| - Deployed checkout 1.42.0 \\| see `https://grafana.acme.example/d/x` |" in markdown
    assert "The page fired at 09:10 UTC and was acknowledged at 09:16 UTC." in markdown
    assert "medium confidence, candidate)" not in markdown.split("## Contributing factors")[1].splitlines()[4]
    assert review["reviewer"] == "Ana Costa"
    assert review["decisions"]["contributing_factors[1]"]["action"] == "reject"
    assert review["decisions"]["action_items[0]"]["fields"] == {"owner": "Sam Okafor <sam@acme.example>"}

    runner = CliRunner()
    exported = tmp_path / "reviewed.md"
    exported.write_text(markdown, encoding="utf-8")
    unreviewed = tmp_path / "draft.md"
    unreviewed.write_text(render_markdown(draft, event_count=count), encoding="utf-8")
    assert "blame." in _blame_rules(runner, unreviewed)
    assert _blame_rules(runner, exported) == ""
    # The same review folded in by the CLI writes the same postmortem.
    (tmp_path / "review.json").write_text(json.dumps(review), encoding="utf-8")
    applied = runner.invoke(cli, ["apply", str(draft_json), str(tmp_path / "review.json"), "--strict"])
    assert applied.exit_code == 0, applied.output
    assert applied.output.split("Applied ")[0] == markdown

    # The decisions stay in this browser: a reload shows them; a cleared page takes the file back.
    browser.refresh()
    assert "rejected" in _css(browser, '[data-claim="contributing_factors[1]"]').get_attribute("class")
    _css(browser, "#reset-review").click()
    assert "rejected" not in _css(browser, '[data-claim="contributing_factors[1]"]').get_attribute("class")
    _css(browser, "#import-review").send_keys(str(tmp_path / "review.json"))
    for _ in range(50):
        if "imported 6" in _css(browser, "#progress").text:
            break
        time.sleep(0.05)
    assert "imported 6" in _css(browser, "#progress").text
    assert browser.execute_script("return window.postmortemReview.markdown()") == markdown


def test_without_javascript_and_in_print_every_claim_and_its_evidence_show(
    open_page: Opener, sample_incident: Path
) -> None:
    draft, count = sample_draft(sample_incident)
    browser = open_page(render_review(draft, event_count=count))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert all(ev.is_displayed() for ev in browser.find_elements("css selector", ".ev"))
    assert not _css(browser, "#toolbar").is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.refresh()
        evidence = browser.find_elements("css selector", ".ev")
        assert len(evidence) == len(draft.evidence_index)
        assert all(ev.is_displayed() for ev in evidence)
        assert len(browser.find_elements("css selector", ".claim")) == sum(len(s.items(draft)) for s in SECTIONS)
        assert not browser.find_elements("css selector", ".claim .decide")  # the decisions need the script
        _css(browser, '.claims-timeline .chip[data-ev="E19"]').click()  # a plain link to the event
        assert browser.current_url.endswith("#ev-e19")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
