"""The demo company generator: deterministic, contract-shaped, and telling the product's story."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from sources.contracts import contract_by_name, load_contracts
from sources.demo import Scenario, generate
from sources.demo.dirt import DEFECTS

SCALE = 0.2
WEEKLY_DROPS = 8
INITIAL_EXPORT = "2025-11-03"


def drop_stem(drop: int) -> str:
    """File name of a drop: the initial export, then one Monday a week."""
    return (date.fromisoformat(INITIAL_EXPORT) + timedelta(weeks=drop)).isoformat()


@pytest.fixture(scope="module")
def default_company(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("default")
    generate(folder, scale=SCALE, seed=42)
    return folder


@pytest.fixture(scope="module")
def followed_up_company(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("followed_up")
    generate(folder, scale=SCALE, seed=42, scenario=Scenario(booth_follow_up_rate=0.8))
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def files_of(folder: Path, extract: str) -> list[Path]:
    return sorted(folder.glob(contract_by_name(extract).file_pattern))


def latest(folder: Path, extract: str) -> str:
    """SQL for the latest version of every record of a CSV extract, read as text."""
    contract = contract_by_name(extract)
    key = ", ".join(contract.primary_key)
    version = contract.version_column
    return (
        f"(select * from {text_csv(f'{folder}/{contract.file_pattern}')}"
        f" qualify row_number() over (partition by {key} order by {version} desc) = 1)"
    )


def text_csv(files) -> str:
    """CSV files read as text; the deliberately broken lines are skipped."""
    return f"read_csv({files!r}, all_varchar=true, delim=',', header=true, ignore_errors=true)"


def normalised(column: str) -> str:
    """An email as one inbox: lower case, no plus-alias, googlemail read as gmail."""
    unaliased = f"regexp_replace(lower({column}), '\\+[^@]*@', '@')"
    return f"replace({unaliased}, '@googlemail.com', '@gmail.com')"


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path, default_company):
    again, other = tmp_path / "again", tmp_path / "other"
    report = generate(again, scale=SCALE, seed=42)
    generate(other, scale=SCALE, seed=7)
    assert set(report.defects) == set(DEFECTS)  # every planned broken line was written
    assert digest(again) == digest(default_company)
    assert digest(other) != digest(default_company)


def test_every_extract_has_an_initial_export_and_busy_ones_a_drop_every_week(default_company):
    for contract in load_contracts():
        files = files_of(default_company, contract.name)
        assert files[0].stem == INITIAL_EXPORT, contract.name
        # A week without changes sends no file: no drop is ever empty.
        assert all(f.stat().st_size > 0 for f in files), contract.name
    for busy in ("contacts", "sales_activities", "web_sessions"):
        assert len(files_of(default_company, busy)) == 1 + WEEKLY_DROPS, busy


def test_every_file_has_exactly_its_contracts_columns(default_company):
    for contract in load_contracts():
        expected = list(contract.column_names)
        for path in files_of(default_company, contract.name):
            if contract.format == "csv":
                header = path.read_text().splitlines()[0]
                assert header.split(",") == expected, path
            elif contract.format == "jsonl":
                for line in path.read_text().splitlines()[:50]:
                    keys = list(json.loads(line))
                    # The one deliberately broken line lacks its key; order never changes.
                    assert keys == [k for k in expected if k in keys], path
                    assert len(keys) >= len(expected) - 1, path
            else:
                assert pq.read_schema(path).names == expected, path


def test_later_drops_carry_newer_versions_of_earlier_deals_and_tickets(default_company):
    con = duckdb.connect()
    for extract, key in (("deals", "deal_id"), ("tickets", "ticket_id")):
        files = files_of(default_company, extract)
        initial = text_csv(str(files[0]))
        later = text_csv([str(f) for f in files[1:]])
        newer = con.execute(
            f"select count(*) from {later} l join {initial} i using ({key})"
            f" where l.updated_at > i.updated_at"
        ).fetchone()[0]
        assert newer > 0, extract


def booth_leads_with_sales_touches(folder: Path) -> tuple[int, int]:
    """Booth-captured contacts, and how many of them any sales activity reached (by email)."""
    con = duckdb.connect()
    contacts = latest(folder, "contacts")
    activities = f"read_json('{folder}/crm/activities/*.jsonl', format='newline_delimited')"
    return con.execute(
        f"""
        with booth as (select distinct {normalised("email")} as inbox from {contacts}
                       where lead_source = 'trade_show'),
             touched as (select distinct {normalised("contact_email")} as inbox from {activities})
        select count(*), count(touched.inbox) from booth left join touched using (inbox)
        """
    ).fetchone()


def booth_deals(folder: Path) -> int:
    con = duckdb.connect()
    return con.execute(
        f"select count(*) from {latest(folder, 'deals')} where lead_source = 'trade_show'"
    ).fetchone()[0]


def test_booth_leads_are_left_alone_by_default(default_company):
    leads, touched = booth_leads_with_sales_touches(default_company)
    assert leads > 100
    assert touched / leads < 0.05
    assert booth_deals(default_company) <= 2


def test_following_up_booth_leads_turns_some_into_deals(followed_up_company):
    leads, touched = booth_leads_with_sales_touches(followed_up_company)
    assert touched / leads > 0.3
    assert booth_deals(followed_up_company) > 3


def test_the_booth_cost_a_fortune_and_ads_reached_many(default_company):
    con = duckdb.connect()
    booth_cost = con.execute(
        f"select sum(amount::decimal(18,2)) from {latest(default_company, 'costs')}"
        " where campaign_id = 'CMP-0008' and category in ('event', 'sponsorship')"
    ).fetchone()[0]
    assert booth_cost > 100_000
    impressions = con.execute(
        f"select sum(impressions::bigint) from {latest(default_company, 'ad_performance')}"
        " where platform in ('facebook', 'instagram')"
    ).fetchone()[0]
    assert impressions > 1_000_000


def test_the_same_person_is_cased_differently_in_marketing_and_helpdesk(default_company):
    con = duckdb.connect()
    pairs = con.execute(
        f"""
        select count(*) from {latest(default_company, "contacts")} c
        join {latest(default_company, "tickets")} t
          on lower(c.email) = lower(t.requester_email) and c.email <> t.requester_email
        """
    ).fetchone()[0]
    assert pairs > 0


def test_a_few_malformed_lines_exist_exactly_where_the_dirt_list_says(default_company):
    con = duckdb.connect()
    for defect in DEFECTS:
        (path,) = [
            p for p in files_of(default_company, defect.extract) if p.stem == drop_stem(defect.drop)
        ]
        text = path.read_text()
        if defect.value is not None:
            assert defect.value in text, defect
        if defect.kind == "wrong_field_count":
            width = len(contract_by_name(defect.extract).columns)
            assert any(line.count(",") >= width for line in text.splitlines()), defect
    costs = f"read_csv('{default_company}/ledger/costs/*.csv', all_varchar=true, delim=',')"
    bad_amounts = con.execute(
        f"select count(*) from {costs} where try_cast(amount as decimal(18,2)) is null"
    ).fetchone()[0]
    assert bad_amounts == 1
