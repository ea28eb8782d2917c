"""Billing (customers, invoices, lines, payments, refunds) and the ledger's costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.demo.campaigns import CAMPAIGNS, AdDays
from sources.demo.people import Company, Person
from sources.demo.pricing import PRICE_PER_SEAT
from sources.demo.records import Rows
from sources.demo.timeline import DAY, HOUR, Timeline, add_months, day_of, epoch

TAX_RATE = {"US": 0.0, "CA": 0.05, "GB": 0.20, "DE": 0.19, "FR": 0.20, "NL": 0.21, "AU": 0.10}
ONBOARDING_FEE = 2500.0


@dataclass(slots=True)
class Customer:
    customer_id: str
    company: Company
    contact: Person
    method: str  # card, ach or wire
    discount: float  # share off the first three invoices


class Billing:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.rows = {
            name: Rows(name)
            for name in (
                "billing_customers",
                "subscriptions",
                "invoices",
                "invoice_lines",
                "payments",
                "refunds",
            )
        }

    def customer(self, company: Company, contact: Person, crm_account_id: str, at: int) -> Customer:
        rng = self.rng
        number = len(self.rows["billing_customers"]) + 1
        customer = Customer(
            f"cus_{number:06d}",
            company,
            contact,
            "card" if company.segment == "smb" else str(rng.choice(["ach", "wire"], p=[0.7, 0.3])),
            0.1 if rng.random() < 0.2 else 0.0,
        )
        email = contact.helpdesk_email if rng.random() < 0.6 else f"ap@{company.domain}"
        base = dict(
            customer_id=customer.customer_id,
            customer_name=company.billing_name,
            crm_account_id=crm_account_id if rng.random() < 0.88 else None,
            country=company.country,
            created_at=at,
        )
        self.rows["billing_customers"].add(**base, billing_email=email, updated_at=at)
        if rng.random() < 0.1:  # finance switches the invoice address to accounts payable
            later = at + int(rng.integers(20, 200)) * DAY
            self.rows["billing_customers"].add(
                **base, billing_email=f"billing@{company.domain}", updated_at=later
            )
        return customer

    def subscription_version(
        self,
        subscription_id: str,
        customer: Customer,
        plan: str,
        seats: int,
        status: str,
        started: int,
        at: int,
        canceled: int | None = None,
    ) -> None:
        self.rows["subscriptions"].add(
            subscription_id=subscription_id,
            customer_id=customer.customer_id,
            plan=plan,
            seats=seats,
            mrr=PRICE_PER_SEAT[plan] * seats,
            status=status,
            started_at=started,
            canceled_at=canceled,
            updated_at=at,
        )

    def invoice(
        self,
        customer: Customer,
        subscription_id: str,
        plan: str,
        seats: int,
        period_start: date,
        added_seats: int,
        months_in: int,
    ) -> tuple[bool, int]:
        """Issue one monthly invoice and collect it; returns (collected, when it settled)."""
        rng = self.rng
        invoice_number = len(self.rows["invoices"]) + 1
        invoice_id = f"in_{invoice_number:07d}"
        period_end = add_months(period_start, 1)
        # The billing run starts at midnight; the very first invoice goes out at sign-up.
        issued = epoch(period_start) + (10 * HOUR + 300 if months_in == 0 else 0)
        price = PRICE_PER_SEAT[plan]
        lines = [("subscription", f"{plan.title()} plan", seats, price)]
        if added_seats > 0:  # seats added last month are billed pro rata for half a month
            lines.append(("proration", "Seats added mid-period", added_seats, round(price / 2, 2)))
        if months_in == 0 and customer.company.segment != "smb":
            lines.append(("services", "Onboarding", 1, ONBOARDING_FEE))
        if months_in < 3 and customer.discount:
            lines.append(
                (
                    "discount",
                    "Introductory discount",
                    1,
                    -round(price * seats * customer.discount, 2),
                )
            )
        subtotal = 0.0
        for n, (kind, text, quantity, unit) in enumerate(lines, start=1):
            amount = round(quantity * unit, 2)
            subtotal += amount
            self.rows["invoice_lines"].add(
                invoice_line_id=f"il_{invoice_number:07d}_{n}",
                invoice_id=invoice_id,
                subscription_id=subscription_id,
                line_type=kind,
                description=text,
                quantity=quantity,
                unit_amount=unit,
                amount=amount,
                period_start=epoch(period_start),
                period_end=epoch(period_end) - DAY,
            )
        subtotal = round(subtotal, 2)
        tax = round(subtotal * TAX_RATE.get(customer.company.country, 0.0), 2)
        net_days = 0 if customer.method == "card" else 30
        base = dict(
            invoice_id=invoice_id,
            customer_id=customer.customer_id,
            subscription_id=subscription_id,
            invoice_number=f"INV-{invoice_number:07d}",
            currency="USD",
            issued_at=issued,
            due_at=issued + net_days * DAY,
            period_start=epoch(period_start),
            period_end=epoch(period_end) - DAY,
            subtotal=subtotal,
            tax=tax,
            total=round(subtotal + tax, 2),
        )
        self.rows["invoices"].add(**base, status="open", updated_at=issued)
        if rng.random() < 0.004:  # issued by mistake and voided the next day
            self.rows["invoices"].add(**base, status="void", updated_at=issued + DAY)
            return True, issued + DAY
        settled = self._collect(customer, invoice_id, base["total"], issued, net_days)
        if settled is None:
            self.rows["invoices"].add(
                **base, status="uncollectible", updated_at=issued + (net_days + 30) * DAY
            )
            return False, issued + (net_days + 30) * DAY
        self.rows["invoices"].add(**base, status="paid", updated_at=settled)
        return True, settled

    def _collect(
        self, customer: Customer, invoice_id: str, total: float, issued: int, net_days: int
    ) -> int | None:
        """Payment attempts until one succeeds (cards are retried every three days)."""
        rng = self.rng
        at = issued + (
            int(rng.integers(1, 40)) * 60
            if net_days == 0
            else int(rng.integers(5, net_days + 5)) * DAY + int(rng.integers(8, 18)) * HOUR
        )
        fail_rate = 0.07 if customer.method == "card" else 0.02
        for attempt in range(4):
            failed = rng.random() < (fail_rate if attempt == 0 else 0.3)
            payment_id = f"py_{len(self.rows['payments']) + 1:08d}"
            self.rows["payments"].add(
                payment_id=payment_id,
                invoice_id=invoice_id,
                customer_id=customer.customer_id,
                amount=total,
                currency="USD",
                method=customer.method,
                status="failed" if failed else "succeeded",
                attempted_at=at,
            )
            if not failed:
                self._maybe_refund(payment_id, total, at)
                return at
            at += 3 * DAY
        return None

    def _maybe_refund(self, payment_id: str, total: float, paid: int) -> None:
        rng = self.rng
        if total <= 0 or rng.random() >= 0.015:
            return
        reason = str(
            rng.choice(
                ["duplicate", "requested_by_customer", "service_issue", "fraudulent"],
                p=[0.2, 0.4, 0.35, 0.05],
            )
        )
        amount = total if reason == "duplicate" else round(total * rng.uniform(0.1, 0.5), 2)
        self.rows["refunds"].add(
            refund_id=f"re_{len(self.rows['refunds']) + 1:06d}",
            payment_id=payment_id,
            amount=amount,
            reason=reason,
            refunded_at=paid + int(rng.integers(2, 30)) * DAY,
        )


MONTHLY_SALARY_PER_HEAD = {
    "marketing": 9500.0,
    "sales": 10500.0,
    "service": 7000.0,
    "finance": 9000.0,
}
TOOLS = (
    ("marketing", "Marketing automation platform", 3200.0),
    ("sales", "CRM", 4100.0),
    ("service", "Helpdesk", 1900.0),
    ("finance", "Billing platform", 1500.0),
    ("marketing", "Web analytics", 800.0),
)


def cost_rows(
    ads: list[AdDays],
    headcount: dict[str, int],
    timeline: Timeline,
    rng: np.random.Generator,
    rows: Rows,
) -> None:
    """Ledger entries: booked after the month (or before an event), a few corrected later."""
    entries: list[tuple] = []  # (cost_date, category, campaign_id, team, vendor, amount, booked)
    for ad in ads:
        months = (ad.days.astype("datetime64[s]").astype("datetime64[M]")).astype(np.int64)
        for month in np.unique(months):
            spend = float(ad.spend[months == month].sum()) * rng.uniform(0.98, 1.03)
            first = day_of(int(ad.days[months == month][0]))
            month_start = date(first.year, first.month, 1)
            booked = epoch(add_months(month_start, 1)) + 2 * DAY + 10 * HOUR
            entries.append(
                (
                    epoch(month_start),
                    "ad_spend",
                    ad.campaign.campaign_id,
                    "marketing",
                    ad.campaign.platform,
                    spend,
                    booked,
                )
            )
    for c in CAMPAIGNS:
        start = epoch(c.start)
        if c.channel == "trade_show":  # the booth space, then the sponsorship package
            entries.append(
                (
                    start,
                    "event",
                    c.campaign_id,
                    "marketing",
                    c.platform,
                    c.budget * 0.7,
                    start - 45 * DAY,
                )
            )
            entries.append(
                (
                    start,
                    "sponsorship",
                    c.campaign_id,
                    "marketing",
                    c.platform,
                    c.budget * 0.3 + 4000.0,
                    start - 30 * DAY,
                )
            )
        elif c.channel in ("event", "webinar"):
            entries.append(
                (
                    start,
                    "event",
                    c.campaign_id,
                    "marketing",
                    c.platform,
                    c.budget * rng.uniform(0.85, 1.05),
                    start + 7 * DAY,
                )
            )
        elif c.channel == "content":
            entries.append(
                (
                    start,
                    "content",
                    c.campaign_id,
                    "marketing",
                    "Content agency",
                    c.budget,
                    start + 20 * DAY,
                )
            )
    month = timeline.start
    while month < timeline.as_of:
        first = day_of(month)
        booked = epoch(add_months(first, 1)) - DAY + 9 * HOUR
        for team, heads in headcount.items():
            entries.append(
                (
                    month,
                    "salaries",
                    None,
                    team,
                    "Payroll",
                    heads * MONTHLY_SALARY_PER_HEAD[team],
                    booked,
                )
            )
        for team, tool, price in TOOLS:
            entries.append((month, "tools", None, team, tool, price, month + 9 * HOUR))
        month = epoch(add_months(first, 1))
    entries.sort(key=lambda e: (e[6], e[0], e[1], e[2] or ""))
    for number, (cost_date, category, campaign_id, team, vendor, amount, booked) in enumerate(
        entries, 1
    ):
        base = dict(
            cost_id=f"GL-{number:06d}",
            cost_date=cost_date,
            category=category,
            campaign_id=campaign_id,
            team=team,
            vendor=vendor,
        )
        rows.add(**base, amount=round(amount, 2), booked_at=booked)
        if rng.random() < 0.04:  # an accrual trued up two weeks later
            rows.add(
                **base,
                amount=round(amount * rng.uniform(0.95, 1.05), 2),
                booked_at=booked + 14 * DAY,
            )
