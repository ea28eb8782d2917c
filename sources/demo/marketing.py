"""How people enter the marketing platform: web forms, webinars, events and booth scans."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sources.demo.campaigns import AdDays, Campaign, by_channel
from sources.demo.people import Company, Person, make_person
from sources.demo.records import Rows
from sources.demo.scenario import Scenario
from sources.demo.timeline import DAY, HOUR, Timeline, epoch

# Web visits per day at scale 1 that arrive without a campaign, and their form-fill rates.
BACKGROUND_TRAFFIC = {"organic_search": 45.0, "direct": 20.0, "referral": 6.0}
BACKGROUND_FORM_RATE = {"organic_search": 0.02, "direct": 0.02, "referral": 0.05}
CONTENT_TRAFFIC, CONTENT_FORM_RATE = 10.0, 0.05
REGISTRANTS = {"webinar": 140, "event": 70}  # per event at scale 1
BOOTH_STAFF = ("ana.ruiz@shareboard.io", "leo.park@shareboard.io", "kim.ode@shareboard.io")


@dataclass(slots=True)
class Contact:
    person: Person
    created_at: int
    lead_source: str
    campaign: Campaign | None
    in_market: bool
    email: str  # as stored by the marketing platform
    from_web_form: bool
    contact_id: str = ""
    mql_at: int | None = None
    # Filled in by sales and finance as the person moves down the funnel.
    sql_at: int | None = None
    opportunity_at: int | None = None
    customer_at: int | None = None
    reply_at: int | None = None
    first_email_at: int | None = None  # the first newsletter or follow-up email sent to them
    crm_contact_id: str | None = None
    extra: dict = field(default_factory=dict)


class Market:
    """Draws new people at companies; a few companies attract many of them."""

    def __init__(self, companies: list[Company], rng: np.random.Generator, concentration: float):
        self.companies = companies
        self.rng = rng
        weights = rng.pareto(concentration, size=len(companies)) + 0.2
        self._cumulative = np.cumsum(weights / weights.sum())
        self.people: list[Person] = []

    def new_person(self) -> Person:
        pick = int(np.searchsorted(self._cumulative, self.rng.random(), side="right"))
        company = self.companies[min(pick, len(self.companies) - 1)]
        person = make_person(len(self.people), company, self.rng)
        self.people.append(person)
        return person


def _times_on(days: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One timestamp per event, ``counts[i]`` events on ``days[i]``, mostly in working hours."""
    starts = np.repeat(days, counts)
    return starts + (rng.normal(14.5, 3.5, starts.size).clip(0, 23.9) * HOUR).astype(np.int64)


def capture_contacts(
    market: Market,
    ads: list[AdDays],
    timeline: Timeline,
    scenario: Scenario,
    scale: float,
    rng: np.random.Generator,
    rows: dict[str, Rows],
) -> list[Contact]:
    """Every contact the marketing platform captures, with registrations and booth scans."""
    contacts: list[Contact] = []

    def add(person: Person, at: int, source: str, campaign: Campaign | None, web: bool, email=None):
        in_market = bool(rng.random() < scenario.channel_intent[source])
        contacts.append(
            Contact(person, int(at), source, campaign, in_market, email or person.typed_email, web)
        )
        return contacts[-1]

    for ad in ads:  # form fills from ad clicks
        for at in _times_on(ad.days, ad.form_submits, rng):
            add(market.new_person(), at, ad.campaign.channel, ad.campaign, True)
    days = timeline.days
    for source, visits in BACKGROUND_TRAFFIC.items():
        counts = rng.poisson(visits * scale * BACKGROUND_FORM_RATE[source], size=days.size)
        for at in _times_on(days, counts, rng):
            add(market.new_person(), at, source, None, True)
    for campaign in by_channel("content"):
        active = campaign.active_days(timeline)
        counts = rng.poisson(CONTENT_TRAFFIC * scale * CONTENT_FORM_RATE, size=active.size)
        for at in _times_on(active, counts, rng):
            add(market.new_person(), at, "content", campaign, True)
    contacts.sort(key=lambda c: c.created_at)
    for channel in ("webinar", "event"):
        for campaign in by_channel(channel):
            _register(campaign, contacts, market, add, scale, rng, rows["event_registrations"])
    for campaign in by_channel("trade_show"):
        scans = scenario.booth_scans_per_show * scale
        _scan_booth(campaign, contacts, market, add, scans, rng, rows["booth_scans"])
    contacts.sort(key=lambda c: c.created_at)
    for number, contact in enumerate(contacts, start=1):
        contact.contact_id = f"MC{number:07d}"
        _qualify(contact, rng)
    return contacts


def _qualify(contact: Contact, rng: np.random.Generator) -> None:
    # Lead scoring: in-market people act like it; booth scans get scored up in bulk.
    if contact.lead_source == "trade_show":
        chance, delay = (0.9 if contact.in_market else 0.5), DAY
    else:
        chance, delay = (0.85 if contact.in_market else 0.15), int(rng.lognormal(12.0, 1.0))
    if rng.random() < chance:
        contact.mql_at = contact.created_at + delay + int(rng.integers(0, 4 * HOUR))


def _existing_or_new(contacts, market, rng, before: int) -> tuple[Person, bool]:
    # A quarter of registrants and badge scans are people we already know.
    if contacts and rng.random() < 0.25:
        known = contacts[int(rng.integers(len(contacts)))]
        if known.created_at < before:
            return known.person, True
    return market.new_person(), False


def _register(campaign, contacts, market, add, scale, rng, rows: Rows) -> None:
    event_day = epoch(campaign.start)
    count = int(rng.poisson(REGISTRANTS[campaign.channel] * scale))
    for i in range(count):
        registered = event_day - int(rng.integers(1, 28)) * DAY + int(rng.integers(7, 22)) * HOUR
        person, known = _existing_or_new(contacts, market, rng, registered)
        email = person.alias_email(campaign.channel) if rng.random() < 0.15 else person.typed_email
        if not known:
            add(person, registered, campaign.channel, campaign, False, email)
        attended = bool(rng.random() < (0.4 if campaign.channel == "webinar" else 0.6))
        checked_in = event_day + 9 * HOUR + int(rng.integers(0, 3 * HOUR))
        base = dict(
            registration_id=f"REG-{campaign.campaign_id[-4:]}-{i + 1:05d}",
            campaign_id=campaign.campaign_id,
            email=email,
            first_name=person.first,
            last_name=person.last,
            company_name=person.company.form_name,
            job_title=person.title,
            registered_at=registered,
        )
        rows.add(**base, attended=False, checked_in_at=None, updated_at=registered)
        # After the event, the platform marks who showed up.
        rows.add(
            **base,
            attended=attended,
            checked_in_at=checked_in if attended else None,
            updated_at=event_day + DAY + 10 * HOUR,
        )


def _scan_booth(campaign, contacts, market, add, scans: float, rng, rows: Rows) -> None:
    first_day, last_day = epoch(campaign.start), epoch(campaign.end)
    imported = last_day + 2 * DAY + 11 * HOUR  # the badge list is imported after the show
    count = int(rng.poisson(scans))
    for i in range(count):
        scanned = first_day + int(rng.integers(0, (last_day - first_day) // DAY + 1)) * DAY
        scanned += int(rng.integers(10 * HOUR, 18 * HOUR))
        person, known = _existing_or_new(contacts, market, rng, scanned)
        badge = person.typed_email.upper() if rng.random() < 0.1 else person.typed_email
        contact = None if known else add(person, imported, "trade_show", campaign, False)
        in_market = contact.in_market if contact else False
        interest = rng.choice(
            ["hot", "warm", "cold"], p=[0.5, 0.35, 0.15] if in_market else [0.1, 0.35, 0.55]
        )
        scans = 2 if rng.random() < 0.06 else 1  # some visitors come back and get scanned again
        for repeat in range(scans):
            rows.add(
                scan_id=f"SCN-{campaign.campaign_id[-4:]}-{i + 1:05d}-{repeat + 1}",
                campaign_id=campaign.campaign_id,
                badge_email=badge,
                first_name=person.first,
                last_name=person.last,
                company_name=person.company.form_name,
                job_title=person.title,
                scanned_at=scanned + repeat * 5 * HOUR,
                scanned_by=BOOTH_STAFF[int(rng.integers(len(BOOTH_STAFF)))],
                interest_level=str(interest),
            )


def contact_rows(contacts: list[Contact], rows: Rows) -> None:
    """A version whenever the lifecycle stage moves."""
    for c in contacts:
        p = c.person
        campaign = c.campaign
        base = dict(
            contact_id=c.contact_id,
            email=c.email,
            first_name=p.first,
            last_name=p.last,
            phone=p.phone if c.from_web_form else None,
            company_name=p.company.form_name,
            job_title=p.title,
            lead_source=c.lead_source,
            campaign_id=campaign.campaign_id if campaign else None,
            utm_source=campaign.utm_source if campaign and c.from_web_form else None,
            utm_medium=campaign.utm_medium if campaign and c.from_web_form else None,
            utm_campaign=campaign.utm_campaign if campaign and c.from_web_form else None,
            created_at=c.created_at,
        )
        stages = [
            ("lead", c.created_at),
            ("mql", c.mql_at),
            ("sql", c.sql_at),
            ("opportunity", c.opportunity_at),
            ("customer", c.customer_at),
        ]
        last_at = c.created_at
        for stage, at in stages:
            if at is None:
                continue
            last_at = max(at, last_at)  # a stage is never left for an earlier one
            mql_at = c.mql_at if c.mql_at is not None and c.mql_at <= last_at else None
            rows.add(**base, lifecycle_stage=stage, mql_at=mql_at, updated_at=last_at)
