"""Runs the whole simulated company and writes every extract's dated drop files."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sources.contracts import Contract, load_contracts
from sources.demo import campaigns, customers, email, marketing, sales, web
from sources.demo.dirt import Defect, defects_for
from sources.demo.finance import Billing, cost_rows
from sources.demo.marketing import Market
from sources.demo.people import make_companies
from sources.demo.records import Rows
from sources.demo.scenario import Scenario
from sources.demo.service import Helpdesk
from sources.demo.timeline import Timeline, stream
from sources.demo.writers import DropFile, drop_path, split_into_drops

PROSPECTS_PER_SCALE = 400
HEADCOUNT = {"marketing": 6, "service": 8, "finance": 3}


@dataclass
class GenerationReport:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(
        default_factory=dict
    )  # data lines per extract, broken ones included
    defects: list[Defect] = field(default_factory=list)  # the malformed lines actually written
    seconds: float = 0.0


def generate(
    out_dir: Path,
    scale: float = 1,
    seed: int = 42,
    scenario: Scenario | None = None,
    weekly_drops: int = 8,
) -> GenerationReport:
    """Simulate the company and write its extracts under ``out_dir``; same seed, same bytes."""
    began = time.perf_counter()
    scenario = scenario or Scenario()
    timeline = Timeline(weekly_drops=weekly_drops)
    out_dir = Path(out_dir)
    rows = {
        name: Rows(name)
        for name in (
            "campaigns",
            "ad_performance",
            "contacts",
            "event_registrations",
            "booth_scans",
            "teams",
            "reps",
            "costs",
        )
    }

    ads = campaigns.simulate_ads(
        timeline,
        scale,
        stream(seed, "ads"),
        campaigns.Flighting(scenario.ad_flighting, scenario.ad_flighting_targeted),
        stream(seed, "ad_flighting"),
    )
    campaigns.campaign_rows(rows["campaigns"], timeline, stream(seed, "campaigns"))
    campaigns.ad_performance_rows(rows["ad_performance"], ads, stream(seed, "ad_reports"))
    companies = make_companies(
        max(50, int(scenario.companies_per_scale * scale)), stream(seed, "companies")
    )
    market = Market(companies, stream(seed, "people"), scenario.market_concentration)
    contacts = marketing.capture_contacts(
        market, ads, timeline, scenario, scale, stream(seed, "contacts"), rows
    )
    email_events = email.simulate_email(contacts, timeline, scenario, stream(seed, "email"))
    visits = web.simulate_visits(contacts, ads, timeline, scale, stream(seed, "visits"))

    org = sales.SalesOrg(scale, scenario, stream(seed, "org"))
    crm = sales.Crm(org, stream(seed, "crm"))
    pipeline = sales.Pipeline(crm, scenario, timeline, stream(seed, "pipeline"))
    for contact in contacts:
        pipeline.work_lead(contact)
    pipeline.prospect(market, int(PROSPECTS_PER_SCALE * scale))
    if scenario.planted_purchase is not None:
        pipeline.plant_purchases(contacts, stream(seed, "planted_purchases"))
    if scenario.planted_ad_response is not None:
        pipeline.plant_ad_buyers(ads, market, stream(seed, "planted_ad_buyers"))

    billing = Billing(stream(seed, "billing"))
    helpdesk = Helpdesk(stream(seed, "helpdesk"))
    people_by_company: dict[int, list] = {}
    for person in market.people:
        people_by_company.setdefault(person.company.index, []).append(person)
    customers.run_customers(
        pipeline.won,
        people_by_company,
        crm,
        billing,
        helpdesk,
        scenario,
        timeline,
        stream(seed, "customers"),
    )
    helpdesk.record()
    crm.number_activities()
    marketing.contact_rows(contacts, rows["contacts"])
    sales.team_and_rep_rows(org, rows)
    headcount = {**HEADCOUNT, "sales": len(org.reps)}
    cost_rows(ads, headcount, timeline, stream(seed, "costs"), rows["costs"])
    rows.update(crm.rows)
    rows.update(billing.rows)
    rows.update(helpdesk.rows)

    report = GenerationReport(out_dir)
    session_number = 0
    for contract in load_contracts():
        split = split_into_drops(rows[contract.name], timeline) if contract.name in rows else None
        for drop in range(timeline.drop_count):
            if contract.name == "web_sessions":
                chunks = list(
                    web.web_session_chunks(visits, contacts, timeline, seed, drop, session_number)
                )
                session_number += sum(len(c["session_id"]) for c in chunks)
            elif contract.name == "email_events":
                chunks = email.email_event_chunks(email_events, contacts, timeline, drop)
            else:
                chunks = [split[drop]]
            _write(report, contract, timeline, drop, chunks)
    report.seconds = time.perf_counter() - began
    return report


def _write(
    report: GenerationReport, contract: Contract, timeline: Timeline, drop: int, chunks: Iterable
) -> None:
    path = drop_path(report.out_dir, contract, timeline, drop)
    file = DropFile(contract, path, defects_for(contract.name, drop))
    for chunk in chunks:
        file.write(chunk)
    file.close()
    if file.rows:
        report.files.append(path)
    report.rows[contract.name] = report.rows.get(contract.name, 0) + file.rows
    report.defects.extend(file.injected)
