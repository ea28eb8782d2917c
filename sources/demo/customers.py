"""Life after the win: subscriptions, monthly invoices, tickets, expansions, renewals and churn.

Each month of a customer's life is billed; seats grow or shrink; once a year the renewal comes
up, and a customer whose tickets were answered slowly or rated badly is likelier to leave.
"""

from __future__ import annotations

import numpy as np

from sources.demo.finance import Billing
from sources.demo.people import Person
from sources.demo.pricing import PRICE_PER_SEAT
from sources.demo.sales import Crm, WonDeal
from sources.demo.scenario import Scenario
from sources.demo.service import Helpdesk, plan_tickets, support_pain, support_team
from sources.demo.timeline import DAY, HOUR, Timeline, add_months, day_of, epoch

YEAR = 365 * DAY


def run_customers(
    won: list[WonDeal],
    people_by_company: dict[int, list[Person]],
    crm: Crm,
    billing: Billing,
    helpdesk: Helpdesk,
    scenario: Scenario,
    timeline: Timeline,
    rng: np.random.Generator,
) -> None:
    for number, deal in enumerate(sorted(won, key=lambda d: d.closed_at), start=1):
        _live(number, deal, people_by_company, crm, billing, helpdesk, scenario, timeline, rng)


def _live(
    number: int,
    deal: WonDeal,
    people_by_company: dict[int, list[Person]],
    crm: Crm,
    billing: Billing,
    helpdesk: Helpdesk,
    s: Scenario,
    timeline: Timeline,
    rng: np.random.Generator,
) -> None:
    account, company = deal.account, deal.account.company
    started = deal.closed_at + int(rng.integers(1, 4)) * DAY
    started = started // DAY * DAY + 10 * HOUR
    customer = billing.customer(company, deal.person, account.account_id, started)
    if rng.random() < 0.85:  # the CRM sync fills in the billing id, mostly
        crm.link_billing(account, customer.customer_id, started + int(rng.integers(1, 48)) * HOUR)
    subscription_id = f"sub_{number:06d}"
    plan, seats = deal.plan, deal.seats
    billing.subscription_version(subscription_id, customer, plan, seats, "active", started, started)
    team = support_team(company.segment, rng)
    colleagues = [deal.person] + [
        p for p in people_by_company.get(company.index, []) if p is not deal.person
    ][:5]
    tickets = plan_tickets(colleagues, team, seats, started, timeline.as_of, rng)
    anchor = day_of(started)
    added = 0
    month = 0
    ended_at = timeline.as_of
    while True:
        period_start = add_months(anchor, month)
        period_at = epoch(period_start)
        if period_at >= timeline.as_of:
            break
        if month and month % 12 == 0:
            renewed = _renewal(deal, crm, tickets, s, period_at, month // 12, plan, seats, rng)
            if not renewed:
                billing.subscription_version(
                    subscription_id,
                    customer,
                    plan,
                    seats,
                    "canceled",
                    started,
                    period_at,
                    canceled=period_at,
                )
                ended_at = period_at
                break
        collected, settled = billing.invoice(
            customer, subscription_id, plan, seats, period_start, added, month
        )
        if not collected:  # dunning failed: the subscription lapses
            billing.subscription_version(
                subscription_id, customer, plan, seats, "past_due", started, period_at + 3 * DAY
            )
            billing.subscription_version(
                subscription_id,
                customer,
                plan,
                seats,
                "canceled",
                started,
                settled,
                canceled=settled,
            )
            ended_at = settled
            break
        added = 0
        change_at = period_at + int(rng.integers(5, 25)) * DAY + 11 * HOUR
        roll = rng.random()
        pain = support_pain(tickets, period_at - 90 * DAY, period_at)
        if roll < s.monthly_expansion_rate * (1 - pain):
            added = max(1, int(seats * rng.uniform(0.1, 0.4)))
            _expansion(deal, crm, change_at, plan, added, rng)
            seats += added
        elif roll > 1 - s.monthly_contraction_rate * (1 + 2 * pain) and seats > 3:
            seats -= max(1, int(seats * rng.uniform(0.1, 0.3)))
        else:
            month += 1
            continue
        billing.subscription_version(
            subscription_id, customer, plan, seats, "active", started, change_at
        )
        month += 1
    for ticket in tickets:
        if ticket.created_at < ended_at:
            helpdesk.open(ticket, company.helpdesk_name)


def _renewal(
    deal: WonDeal,
    crm: Crm,
    tickets,
    s: Scenario,
    due: int,
    year: int,
    plan: str,
    seats: int,
    rng: np.random.Generator,
) -> bool:
    """The renewal deal, decided a month before it is due."""
    decided = due - 30 * DAY + int(rng.integers(9, 17)) * HOUR
    pain = support_pain(tickets, decided - YEAR, decided)
    renewed = rng.random() >= min(0.95, s.renewal_churn_base + s.support_churn_effect * pain)
    opened = decided - int(rng.integers(30, 60)) * DAY
    am = crm.org.pick(crm.org.team_for(deal.account.company), "account_manager", opened)
    crm.deal(
        account=deal.account,
        person=deal.person,
        owner=am,
        deal_type="renewal",
        path=[("negotiation", opened), ("closed_won" if renewed else "closed_lost", decided)],
        amount=round(PRICE_PER_SEAT[plan] * seats * 12, 2),
        name_suffix=f"Renewal year {year + 1}",
        lost_reason=None if renewed else "churned",
    )
    return renewed


def _expansion(
    deal: WonDeal, crm: Crm, closed: int, plan: str, added: int, rng: np.random.Generator
) -> None:
    opened = closed - int(rng.integers(10, 40)) * DAY
    am = crm.org.pick(crm.org.team_for(deal.account.company), "account_manager", opened)
    crm.deal(
        account=deal.account,
        person=deal.person,
        owner=am,
        deal_type="expansion",
        path=[
            ("discovery", opened),
            ("proposal", opened + (closed - opened) // 2),
            ("closed_won", closed),
        ],
        amount=round(PRICE_PER_SEAT[plan] * added * 12, 2),
        name_suffix=f"Expansion +{added} seats",
    )
