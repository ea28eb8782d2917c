"""The dashboard in a real browser (Debian chromium through Playwright) on the demo build's
published file: every page loads without console errors, its sample figures equal the file, and
blocked metrics show their reason."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dashboard_server import running_dashboard
from playwright.sync_api import sync_playwright

from dashboard.formatting import format_value
from publishing.personal_data import EMAIL_PATTERN, PHONE_PATTERN
from publishing.spec import load_spec

PAGES = ["Overview", "Marketing", "Sales", "Service", "Finance", "The gate"]
# A figure each page headlines: (page, metric).
HEADLINE_FIGURES = [
    ("Overview", "revenue"),
    ("Overview", "mrr"),
    ("Marketing", "mqls"),
    ("Sales", "bookings"),
    ("Service", "first_response_time_hours"),
    ("Finance", "net_revenue_retention"),
]
# Streamlit's markdown typesets these, so a reason reads with the symbols.
TYPESET = {">=": "≥", "<=": "≤", "->": "→", "<-": "←"}
SCRIPT_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


@pytest.fixture(scope="module")
def published(demo_build):
    return demo_build.published


@dataclass(frozen=True)
class RenderedPage:
    text: str
    metric_values: list[str]
    exceptions: int
    console_errors: list[str]


def open_page(page, title: str, console_errors: list[str], screenshots: Path) -> RenderedPage:
    """Click the page in the sidebar as a reader does, and read it once it is drawn."""
    console_errors.clear()
    if title != PAGES[0]:  # the first page is the one the dashboard opens on
        page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.wait_for_selector(f"h1:has-text('{title.removeprefix('The ')}')", timeout=60_000)
    page.wait_for_selector(SCRIPT_IDLE, timeout=60_000)
    page.screenshot(path=screenshots / f"{title.lower().replace(' ', '_')}.png")
    return RenderedPage(
        text=page.get_by_test_id("stMain").inner_text(),
        metric_values=page.get_by_test_id("stMetricValue").all_inner_texts(),
        exceptions=page.get_by_test_id("stException").count(),
        console_errors=list(console_errors),
    )


@pytest.fixture(scope="module")
def rendered(published, tmp_path_factory) -> dict[str, RenderedPage]:
    """Every page, loaded once in headless chromium; screenshots in the pytest tmp dir."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Debian chromium is missing: `make test` installs it")
    screenshots = tmp_path_factory.mktemp("dashboard_screenshots")
    console_errors: list[str] = []
    with running_dashboard(published) as url, sync_playwright() as playwright:
        # Root runs the tests here, and chromium refuses its sandbox as root.
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on(
            "console",
            lambda message: (
                console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.goto(url)
        pages = {title: open_page(page, title, console_errors, screenshots) for title in PAGES}
        browser.close()
    return pages


def latest_total(published, metric_name: str) -> str | None:
    """The metric's latest monthly total as the page formats it; None when it is withheld."""
    with duckdb.connect(str(published), read_only=True) as con:
        row = con.execute(
            "select value, unit from metric_layer.metric_values join metric_layer.metric_catalog"
            " using (metric_name) where metric_name = ? and grain = 'month'"
            " and dimension_name = '' and value is not null order by period_start desc limit 1",
            [metric_name],
        ).fetchone()
    return None if row is None else format_value(*row)


def gate_reason(published, metric_name: str) -> str:
    with duckdb.connect(str(published), read_only=True) as con:
        (reason,) = con.execute(
            "select gate_reason from metric_layer.metric_catalog where metric_name = ?",
            [metric_name],
        ).fetchone()
    return reason


def as_rendered(text: str) -> str:
    for typed, typeset in TYPESET.items():
        text = text.replace(typed, typeset)
    return text


def withheld(published, team: str | None = None) -> list[tuple[str, str]]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(
            "select metric_name, gate_reason from metric_layer.metric_catalog"
            " where metric_name not in (select metric_name from metric_layer.metric_values)"
            " and owner_team = coalesce(?, owner_team) order by 1",
            [team],
        ).fetchall()


@pytest.mark.parametrize("title", PAGES)
def test_every_page_loads_without_console_errors(rendered, title):
    assert rendered[title].exceptions == 0, rendered[title].text
    assert rendered[title].console_errors == []


@pytest.mark.parametrize(("title", "metric_name"), HEADLINE_FIGURES)
def test_headline_figures_equal_the_published_file(rendered, published, title, metric_name):
    """The latest published value, or, for a metric the gate withheld, its reason."""
    expected = latest_total(published, metric_name)
    if expected is None:
        assert as_rendered(gate_reason(published, metric_name)) in rendered[title].text
    else:
        assert expected in rendered[title].metric_values


def test_blocked_marketing_metrics_show_their_reason(rendered, published):
    blocked = withheld(published, "marketing")
    assert blocked, "the demo company has vanity candidates the gate blocks"
    for metric_name, reason in blocked:
        assert as_rendered(reason) in rendered["Marketing"].text, metric_name


def test_the_gate_page_shows_every_withheld_metric_and_the_publication(rendered, published):
    for metric_name, reason in withheld(published):
        assert as_rendered(reason) in rendered["The gate"].text, metric_name
    with duckdb.connect(str(published), read_only=True) as con:
        (version,) = con.execute("select distinct version from publication").fetchone()
    assert version in rendered["Overview"].text


def known_people(warehouse: Path) -> set[str]:
    """Every person the warehouse knows, by full name, as the publish's own check reads them."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name.lower()
            for source in load_spec().name_sources
            for (name,) in con.execute(f"select person_name from ({source.sql})").fetchall()
            if name
        }


def test_no_page_shows_personal_data(rendered, demo_build, published):
    with duckdb.connect(str(published), read_only=True) as con:
        # Reps' names are the one personal data the BI contract publishes, on the leaderboards.
        reps = {
            name.lower()
            for (name,) in con.execute(
                "select distinct rep_name from leaderboards.rep_leaderboard"
            ).fetchall()
        }
    people = known_people(demo_build.warehouse) - reps
    assert people, "the demo company has contacts and requesters"
    for title, page in rendered.items():
        text = page.text.lower()
        assert not re.search(EMAIL_PATTERN, page.text), title
        # Line by line: chart ticks stacked one per line ("100", "200", ...) are no phone number.
        assert not [line for line in page.text.splitlines() if re.search(PHONE_PATTERN, line)]
        assert not [name for name in people if name in text], title
