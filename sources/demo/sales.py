"""The sales side: teams and reps, follow-up of routed leads, deals and their stage history.

Follow-up is the mechanism of the story: a lead nobody touches never becomes an opportunity,
and the later the first touch, the lower the odds of an opportunity and of a win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.demo.campaigns import AdDays
from sources.demo.marketing import Contact, Market
from sources.demo.names import FIRST_NAMES, LAST_NAMES, LOST_REASONS
from sources.demo.people import Company, Person
from sources.demo.pricing import annual_value, choose_plan
from sources.demo.records import Rows
from sources.demo.scenario import RepHabit, Scenario
from sources.demo.timeline import DAY, HOUR, Timeline, add_months, day_of, epoch, pick

STAGES = ("discovery", "qualification", "proposal", "negotiation")
DAYS_PER_STAGE = {"smb": 7.0, "mid_market": 14.0, "enterprise": 24.0}
TEAMS = (  # id, name, segment, region
    ("TEAM-01", "SMB Americas", "smb", "Americas"),
    ("TEAM-02", "SMB EMEA", "smb", "EMEA"),
    ("TEAM-03", "Mid-Market", "mid_market", "Americas"),
    ("TEAM-04", "Enterprise", "enterprise", "Global"),
)
_AMERICAS = {"US", "CA"}


@dataclass(slots=True)
class Rep:
    rep_id: str
    name: str
    team_id: str
    role: str
    habit: RepHabit
    hired: date
    left_at: int | None = None

    @property
    def email(self) -> str:
        return self.name.lower().replace(" ", ".") + "@shareboard.io"


@dataclass(slots=True)
class Account:
    account_id: str
    company: Company
    owner: Rep
    created_at: int
    billing_customer_id: str | None = None
    has_new_business: bool = False


@dataclass(slots=True)
class WonDeal:
    """A closed-won new-business deal: what finance needs to start billing."""

    account: Account
    person: Person
    closed_at: int
    plan: str
    seats: int


class SalesOrg:
    def __init__(self, scale: float, scenario: Scenario, rng: np.random.Generator):
        self.rng = rng
        per_team = max(1, round(2 * scale**0.5))
        habits = scenario.rep_habits
        shares = np.array([h.share for h in habits]) / sum(h.share for h in habits)
        self.reps: list[Rep] = []
        for team_id, _, _, _ in TEAMS:
            roles = ["sales_manager"] + ["sdr"] * per_team + ["account_executive"] * per_team
            for role in [*roles, "account_manager"]:
                habit = habits[int(rng.choice(len(habits), p=shares))]
                name = f"{pick(FIRST_NAMES, rng)} {pick(LAST_NAMES, rng)}"
                hired = date(2021 + int(rng.integers(0, 3)), int(rng.integers(1, 13)), 1)
                number = len(self.reps) + 1
                self.reps.append(Rep(f"REP-{number:03d}", name, team_id, role, habit, hired))
        # A few reps leave during the two years: their records stay, marked inactive.
        for rep in rng.choice(self.reps, size=max(1, len(self.reps) // 10), replace=False):
            if rep.role != "sales_manager":  # managers stay: they inherit orphaned work
                rep.left_at = epoch(date(2025, int(rng.integers(1, 12)), 1)) + 17 * HOUR

    def team_for(self, company: Company) -> str:
        if company.segment == "smb":
            return "TEAM-01" if company.country in _AMERICAS else "TEAM-02"
        return "TEAM-03" if company.segment == "mid_market" else "TEAM-04"

    def pick(self, team_id: str, role: str, at: int) -> Rep:
        pool = [
            r
            for r in self.reps
            if r.team_id == team_id and r.role == role and (r.left_at is None or r.left_at > at)
        ]
        if not pool:  # everyone in that role has left: the manager picks it up
            return next(r for r in self.reps if r.team_id == team_id and r.role == "sales_manager")
        return pool[int(self.rng.integers(len(pool)))]

    def manager_of(self, rep: Rep) -> Rep:
        return next(r for r in self.reps if r.team_id == rep.team_id and r.role == "sales_manager")


class Crm:
    """The CRM's records and the rows they produce."""

    def __init__(self, org: SalesOrg, rng: np.random.Generator):
        self.org = org
        self.rng = rng
        self.accounts: dict[int, Account] = {}
        self.crm_contacts: dict[int, str] = {}  # person index -> crm contact id
        self.rows = {
            name: Rows(name)
            for name in (
                "crm_accounts",
                "crm_contacts",
                "deals",
                "deal_stage_history",
                "sales_activities",
            )
        }

    def account(self, company: Company, at: int, owner: Rep) -> Account:
        if company.index not in self.accounts:
            account = Account(f"ACC-{len(self.accounts) + 1:06d}", company, owner, at)
            self.accounts[company.index] = account
            self._account_version(account, at)
        return self.accounts[company.index]

    def link_billing(self, account: Account, customer_id: str, at: int) -> None:
        account.billing_customer_id = customer_id
        self._account_version(account, at)

    def _account_version(self, account: Account, at: int) -> None:
        c = account.company
        self.rows["crm_accounts"].add(
            account_id=account.account_id,
            account_name=c.crm_name,
            website_domain=c.domain if self.rng.random() < 0.9 else None,
            industry=c.industry,
            employee_count=c.employees,
            owner_rep_id=account.owner.rep_id,
            billing_customer_id=account.billing_customer_id,
            created_at=account.created_at,
            updated_at=at,
        )

    def contact(self, person: Person, at: int, owner: Rep, marketing: Contact | None) -> str:
        if person.index not in self.crm_contacts:
            crm_id = f"CC-{len(self.crm_contacts) + 1:07d}"
            self.crm_contacts[person.index] = crm_id
            account = self.account(person.company, at, owner)
            # The marketing sync links only some records; reps create the rest by hand.
            linked = marketing is not None and self.rng.random() < 0.65
            self.rows["crm_contacts"].add(
                crm_contact_id=crm_id,
                email=person.crm_email,
                first_name=person.first,
                last_name=person.last,
                phone=person.phone,
                title=person.title,
                account_id=account.account_id,
                owner_rep_id=owner.rep_id,
                marketing_contact_id=marketing.contact_id if linked else None,
                created_at=at,
                updated_at=at,
            )
            if marketing is not None:
                marketing.crm_contact_id = crm_id
        return self.crm_contacts[person.index]

    def activity(
        self,
        rep: Rep,
        person: Person | None,
        at: int,
        kind: str,
        direction: str,
        outcome: str,
        deal_id: str | None = None,
    ) -> None:
        crm_id = self.crm_contacts.get(person.index) if person else None
        account = self.accounts.get(person.company.index) if person else None
        minutes = {
            "call": int(self.rng.integers(1, 25)),
            "meeting": pick((30, 45, 60), self.rng),
        }
        self.rows["sales_activities"].add(
            activity_type=kind,
            direction=direction,
            rep_id=rep.rep_id,
            crm_contact_id=crm_id,
            contact_email=person.crm_email if person else None,
            account_id=account.account_id if account else None,
            deal_id=deal_id,
            occurred_at=int(at),
            duration_minutes=minutes.get(kind) if outcome != "no_answer" else None,
            outcome=outcome,
        )

    def number_activities(self) -> None:
        """Activity ids in time order, as the CRM would have handed them out."""
        rows = self.rows["sales_activities"]
        order = np.argsort(np.array(rows.columns["occurred_at"]), kind="stable")
        ids = [""] * len(order)
        for rank, position in enumerate(order, start=1):
            ids[position] = f"ACT-{rank:08d}"
        rows.columns["activity_id"] = ids

    def deal(
        self,
        *,
        account: Account,
        person: Person | None,
        owner: Rep,
        deal_type: str,
        path: list[tuple[str, int]],
        amount: float,
        lead_source: str | None = None,
        campaign_id: str | None = None,
        lost_reason: str | None = None,
        name_suffix: str = "",
    ) -> str:
        """A deal and its stage history; ``path`` lists (stage, when) from creation to now."""
        deal_id = f"DEAL-{len(self.rows['deals']) + 1:06d}"
        created = path[0][1]
        cycle = DAYS_PER_STAGE[account.company.segment] * (len(STAGES) + 1) * DAY
        base = dict(
            deal_id=deal_id,
            deal_name=f"{account.company.crm_name} - {name_suffix}",
            account_id=account.account_id,
            primary_contact_id=self.crm_contacts.get(person.index) if person else None,
            owner_rep_id=owner.rep_id,
            deal_type=deal_type,
            lead_source=lead_source,
            campaign_id=campaign_id,
            created_at=created,
            expected_close_date=(created + int(cycle)) // DAY * DAY,
        )
        previous = None
        for stage, at in path:
            closed = stage in ("closed_won", "closed_lost")
            self.rows["deals"].add(
                **base,
                stage=stage,
                amount=amount,
                closed_at=at if closed else None,
                lost_reason=lost_reason if stage == "closed_lost" else None,
                updated_at=at,
            )
            self.rows["deal_stage_history"].add(
                stage_change_id=f"{deal_id}-{len(self.rows['deal_stage_history']) + 1:07d}",
                deal_id=deal_id,
                from_stage=previous,
                to_stage=stage,
                changed_at=at,
                changed_by_rep_id=owner.rep_id,
            )
            previous = stage
        return deal_id


def speed_factor(delay_hours: float, scenario: Scenario) -> float:
    """Odds multiplier for a first touch after ``delay_hours``: 1 when immediate."""
    decay = 0.5 ** (delay_hours / scenario.speed_half_life_hours)
    return scenario.speed_floor + (1 - scenario.speed_floor) * decay


class Pipeline:
    """Works leads as the reps would, and runs the resulting new-business deals."""

    def __init__(self, crm: Crm, scenario: Scenario, timeline: Timeline, rng: np.random.Generator):
        self.crm = crm
        self.org = crm.org
        self.scenario = scenario
        self.timeline = timeline
        self.rng = rng
        self.won: list[WonDeal] = []

    def work_lead(self, contact: Contact) -> None:
        s, rng = self.scenario, self.rng
        inbound_rate = s.channel_inbound_rate[contact.lead_source]
        inbound_at = None
        if rng.random() < inbound_rate * (1.0 if contact.in_market else 0.1):
            inbound_at = contact.created_at + int(rng.lognormal(10.5, 1.0))
        raised = [t for t in (inbound_at, contact.reply_at) if t is not None]
        triggers = [t for t in (contact.mql_at, *raised) if t is not None]
        if not triggers:
            return
        trigger = min(triggers)
        team = self.org.team_for(contact.person.company)
        sdr = self.org.pick(team, "sdr", trigger)
        # Booth leads sit in an imported list nobody in sales owns; even their email replies
        # land with the campaign's marketer, not with a rep.
        gate = s.booth_follow_up_rate if contact.lead_source == "trade_show" else 1.0
        if rng.random() >= sdr.habit.follow_up_rate * gate:
            return
        delay = rng.lognormal(np.log(sdr.habit.median_delay_hours), 0.8) * HOUR
        first_touch = int(trigger + delay)
        person = contact.person
        self.crm.contact(person, trigger, sdr, contact)
        contact.sql_at = first_touch
        if inbound_at is not None:
            kind = "call" if rng.random() < 0.4 else "email"
            self.crm.activity(
                sdr,
                person,
                inbound_at,
                kind,
                "inbound",
                "connected" if kind == "call" else "replied",
            )
        speed = speed_factor(delay / HOUR, s)
        engaged = bool(
            rng.random()
            < (s.opportunity_rate_in_market if contact.in_market else s.opportunity_rate_other)
            * speed
        )
        at = first_touch
        for touch in range(1 + int(rng.poisson(1.5 if engaged else 2.5))):
            kind = "call" if rng.random() < 0.5 else "email"
            outcome = (
                "sent"
                if kind == "email"
                else pick(("connected", "no_answer", "left_voicemail"), rng)
            )
            self.crm.activity(sdr, person, at, kind, "outbound", outcome)
            if engaged and touch == 0:
                self.crm.activity(
                    sdr, person, at + int(rng.integers(1, 30)) * HOUR, "email", "inbound", "replied"
                )
            at += int(rng.integers(1, 5)) * DAY + int(rng.integers(0, 8)) * HOUR
        account = self.crm.account(
            person.company, trigger, self.org.pick(team, "account_executive", trigger)
        )
        if engaged and not account.has_new_business:
            self._new_business(contact, account, at, speed)

    def prospect(self, market: Market, count: int) -> None:
        """Outbound prospecting: SDRs reach out to companies that never came to us."""
        rng = self.rng
        for _ in range(count):
            person = market.new_person()
            at = self.timeline.start + int(
                rng.integers(0, self.timeline.as_of - self.timeline.start)
            )
            at = at // DAY * DAY + int(rng.integers(9, 17)) * HOUR
            team = self.org.team_for(person.company)
            sdr = self.org.pick(team, "sdr", at)
            self.crm.contact(person, at, sdr, None)
            engaged = rng.random() < 0.1
            for touch in range(2 + int(rng.poisson(2))):
                kind = "call" if touch % 2 else "email"
                outcome = "sent" if kind == "email" else pick(("no_answer", "left_voicemail"), rng)
                self.crm.activity(sdr, person, at + touch * 3 * DAY, kind, "outbound", outcome)
            account = self.crm.accounts[person.company.index]
            if engaged and not account.has_new_business:
                self._new_business(None, account, at + 10 * DAY, speed=0.6, person=person)

    def plant_purchases(self, contacts: list[Contact], rng: np.random.Generator) -> None:
        """The scenario's planted purchase effect (calibration only): a won deal of known chance
        per lead, on its account (new business, or an expansion once it has had new business)."""
        planted = self.scenario.planted_purchase
        for contact in contacts:
            joined = _joined_lifted_group(contact, planted.lifted)
            chance = planted.base_rate * (planted.lift if joined is not None else 1.0)
            if rng.random() >= chance:
                continue
            start = joined if joined is not None else contact.created_at
            created = start + int(rng.integers(planted.earliest_days, planted.latest_days)) * DAY
            self._planted_deal(contact.person, contact, created, contact.lead_source, rng)

    def plant_ad_buyers(self, ads: list[AdDays], market: Market, rng: np.random.Generator) -> None:
        """The scenario's planted ad response (calibration only): each month's impressions bring
        new-business deals from people the ads reached, closing the response's lag later."""
        response = self.scenario.planted_ad_response
        monthly: dict[date, int] = {}
        for ad in ads:
            for day, impressions in zip(ad.days.tolist(), ad.impressions.tolist(), strict=True):
                month = day_of(day).replace(day=1)
                monthly[month] = monthly.get(month, 0) + impressions
        for month, impressions in sorted(monthly.items()):
            opened = epoch(add_months(month, response.lag_months))
            for _ in range(int(rng.poisson(impressions / 1e6 * response.buyers_per_million))):
                created = opened + int(rng.integers(0, 14)) * DAY + 10 * HOUR
                self._planted_deal(market.new_person(), None, created, "direct", rng)

    def _planted_deal(
        self,
        person: Person,
        contact: Contact | None,
        created: int,
        lead_source: str,
        rng: np.random.Generator,
    ) -> None:
        """A won deal closing within two weeks of ``created`` on the person's account (new
        business, or an expansion once it has had new business); none past the as-of time."""
        closed = created + int(rng.integers(1, 15)) * DAY
        if closed >= self.timeline.as_of:
            return
        team = self.org.team_for(person.company)
        self.crm.contact(person, created, self.org.pick(team, "sdr", created), contact)
        ae = self.org.pick(team, "account_executive", created)
        account = self.crm.account(person.company, created, ae)
        plan, seats = choose_plan(account.company.segment, rng)
        new_business = not account.has_new_business
        account.has_new_business = True
        self.crm.deal(
            account=account,
            person=person,
            owner=ae,
            deal_type="new_business" if new_business else "expansion",
            path=[("discovery", created), ("closed_won", closed)],
            amount=annual_value(plan, seats),
            name_suffix="New Business" if new_business else "Expansion",
            lead_source=lead_source,
        )
        if new_business:
            self.won.append(WonDeal(account, person, closed, plan, seats))

    def _new_business(
        self,
        contact: Contact | None,
        account: Account,
        created: int,
        speed: float,
        person: Person | None = None,
    ) -> None:
        rng, s = self.rng, self.scenario
        person = contact.person if contact else person
        account.has_new_business = True
        ae = self.org.pick(self.org.team_for(account.company), "account_executive", created)
        plan, seats = choose_plan(account.company.segment, rng)
        amount = annual_value(plan, seats)
        fit = 1.0 if contact is None or contact.in_market else 0.5
        won = rng.random() < s.win_rate * (0.5 + 0.5 * speed) * fit
        last_stage = len(STAGES) if won else int(rng.integers(1, len(STAGES) + 1))
        path, at = [], created
        per_stage = DAYS_PER_STAGE[account.company.segment] * DAY
        for stage in STAGES[:last_stage]:
            path.append((stage, at))
            self._stage_touches(ae, person, at, rng)
            at += int(rng.exponential(per_stage)) + int(rng.integers(1, 8)) * HOUR
        path.append(("closed_won" if won else "closed_lost", at))
        if contact is not None:
            contact.opportunity_at = created
        self.crm.deal(
            account=account,
            person=person,
            owner=ae,
            deal_type="new_business",
            path=path,
            amount=amount,
            name_suffix="New Business",
            lead_source=(contact.lead_source if contact else "outbound")
            if rng.random() < 0.9
            else None,
            campaign_id=contact.campaign.campaign_id
            if contact and contact.campaign and rng.random() < 0.8
            else None,
            lost_reason=None if won else pick(LOST_REASONS, rng),
        )
        if won:
            account.owner = ae
            if contact is not None:
                contact.customer_at = at
            self.won.append(WonDeal(account, person, at, plan, seats))

    def _stage_touches(self, ae: Rep, person: Person, at: int, rng: np.random.Generator) -> None:
        for _ in range(1 + int(rng.poisson(1.0))):
            at += int(rng.integers(1, 4)) * DAY
            kind = pick(("meeting", "call", "email"), rng)
            direction = "inbound" if rng.random() < 0.3 else "outbound"
            outcome = {
                "meeting": "held" if rng.random() < 0.9 else "no_show",
                "call": "connected",
                "email": "replied" if direction == "inbound" else "sent",
            }
            self.crm.activity(ae, person, at, kind, direction, outcome[kind])


def _joined_lifted_group(contact: Contact, lifted: str) -> int | None:
    """When the lead joined a planted purchase's lifted group, or None if it never did."""
    if lifted == "emailed":
        return contact.first_email_at
    if lifted == "followed_up_booth":
        return contact.sql_at if contact.lead_source == "trade_show" else None
    raise ValueError(f"unknown lifted group {lifted!r}")


def team_and_rep_rows(org: SalesOrg, rows: dict[str, Rows]) -> None:
    created = epoch(date(2023, 6, 1)) + 10 * HOUR
    for team_id, name, segment, region in TEAMS:
        rows["teams"].add(
            team_id=team_id, team_name=name, segment=segment, region=region, updated_at=created
        )
    # The mid-market team was renamed when it took over Canada.
    rows["teams"].add(
        team_id="TEAM-03",
        team_name="Mid-Market North America",
        segment="mid_market",
        region="Americas",
        updated_at=epoch(date(2025, 7, 1)) + 9 * HOUR,
    )
    for rep in org.reps:
        manager = None if rep.role == "sales_manager" else org.manager_of(rep).rep_id
        base = dict(
            rep_id=rep.rep_id,
            full_name=rep.name,
            email=rep.email,
            team_id=rep.team_id,
            role=rep.role,
            manager_rep_id=manager,
            hired_at=epoch(rep.hired),
        )
        rows["reps"].add(**base, is_active=True, updated_at=epoch(rep.hired) + 9 * HOUR)
        if rep.left_at is not None:
            rows["reps"].add(**base, is_active=False, updated_at=rep.left_at)
