"""The gate's own page beside GX's Data Docs: verdicts and each suite's results, offline."""

from __future__ import annotations

import re

from expectations.suites import QUESTIONS
from expectations.summary import SUMMARY_PAGE


def test_the_gate_page_links_every_suites_latest_results_and_loads_nothing_online(demo_build):
    docs = demo_build.warehouse.parent / "gate_data_docs"
    page = (docs / SUMMARY_PAGE).read_text()
    assert "Revenue-link gate:" in page
    links = re.findall(r"<a href='(validations/[^']+)'>([^<]+)</a>", page)
    assert sorted(suite for _, suite in links) == sorted(QUESTIONS)
    assert all((docs / target).is_file() for target, _ in links)
    assert not re.search(r"(src|href)=['\"]https?://", page)
