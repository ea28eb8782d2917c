"""The behavioural knobs of the demo company: metrics emerge from these, not from fixed answers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RepHabit:
    """How a group of reps treats new leads routed to them."""

    name: str
    share: float  # share of SDRs and AEs with this habit
    follow_up_rate: float  # share of routed leads they ever contact
    median_delay_hours: float  # typical time from routing to first touch


def _channel_intent() -> dict[str, float]:
    # Share of captured contacts who are really in the market. Booth visitors are not worse
    # buyers than webinar attendees: what fails them is the missing follow-up.
    return {
        "paid_search": 0.40,
        "referral": 0.55,
        "direct": 0.35,
        "organic_search": 0.30,
        "webinar": 0.35,
        "content": 0.22,
        "event": 0.30,
        "trade_show": 0.30,
        "email": 0.10,
        "paid_social": 0.02,
        "display": 0.01,
    }


def _channel_inbound_rate() -> dict[str, float]:
    # Share of in-market contacts who reach out to sales themselves (a call, a "contact us" mail).
    # A scanned badge is not a hand raised, so trade-show leads only move if sales moves.
    return {
        "paid_search": 0.35,
        "referral": 0.40,
        "direct": 0.30,
        "organic_search": 0.25,
        "webinar": 0.10,
        "content": 0.08,
        "event": 0.05,
        "trade_show": 0.0,
        "email": 0.05,
        "paid_social": 0.05,
        "display": 0.05,
    }


def _rep_habits() -> tuple[RepHabit, ...]:
    return (
        RepHabit("fast", share=0.4, follow_up_rate=0.95, median_delay_hours=1.5),
        RepHabit("slow", share=0.4, follow_up_rate=0.75, median_delay_hours=60.0),
        RepHabit("neglectful", share=0.2, follow_up_rate=0.30, median_delay_hours=120.0),
    )


@dataclass(frozen=True)
class PlantedPurchase:
    """A purchase effect of known size, for the gate's calibration: besides the funnel, every lead
    buys with chance ``base_rate``, and a lead of the ``lifted`` group ``lift`` times as often:
    ``emailed`` (on an e-mail list) or ``followed_up_booth`` (scanned at a booth and worked by
    sales). The deal opens ``earliest_days`` to ``latest_days`` after the lead joined the group
    (its first e-mail, its first sales touch; else its capture) and closes within two weeks, well
    inside any revenue window of either side."""

    base_rate: float
    lift: float
    lifted: str = "emailed"
    earliest_days: int = 30
    latest_days: int = 120


@dataclass(frozen=True)
class PlantedAdResponse:
    """Impressions that move bookings, for the gate's calibration: each month's ad impressions
    bring ``buyers_per_million`` new-business deals per million, closing ``lag_months`` later,
    from people the ads reached who never filled a form (sales records them when they call)."""

    buyers_per_million: float
    lag_months: int = 2


@dataclass(frozen=True)
class Scenario:
    """Behavioural knobs. The defaults tell the story in PRODUCT.md."""

    booth_follow_up_rate: float = 0.0  # share of trade-show leads sales works at all
    booth_scans_per_show: float = 650.0  # badge scans per trade show at scale 1
    # Companies in the market at scale 1. An account buys new business once, so with many leads
    # per company a planted effect on leads barely moves who buys: calibration widens the market.
    companies_per_scale: int = 2000
    # The Pareto shape of how people spread over companies: 1.2, a few companies attract many
    # of them; higher, flatter (fewer leads of accounts that already bought).
    market_concentration: float = 1.2
    channel_intent: dict[str, float] = field(default_factory=_channel_intent)
    channel_inbound_rate: dict[str, float] = field(default_factory=_channel_inbound_rate)
    rep_habits: tuple[RepHabit, ...] = field(default_factory=_rep_habits)
    # Odds of an opportunity after a first touch, for in-market and other contacts.
    opportunity_rate_in_market: float = 0.65
    opportunity_rate_other: float = 0.02
    # Speed-to-lead: odds fall from full towards `speed_floor` with this half-life in hours.
    speed_half_life_hours: float = 24.0
    speed_floor: float = 0.3
    win_rate: float = 0.5  # for a deal whose lead was touched immediately
    # Email: the share of leads on the newsletter list (booth follow-ups go to every scanned
    # person); replies come mostly from in-market contacts, and a reply raises a hand for sales.
    email_opt_in_rate: float = 0.7
    email_reply_rate_in_market: float = 0.03
    email_reply_rate_other: float = 0.002
    # A planted effect on who buys, for the gate's calibration (None: nobody buys outside the
    # funnel: the story).
    planted_purchase: PlantedPurchase | None = None
    # Ad budgets flighted by month: each ad campaign's impressions times a lognormal factor of
    # this log-sd per month (0: the steady budgets of the story), so impressions vary enough for
    # bookings to follow them or not; and, for calibration, bookings that do follow them.
    ad_flighting: float = 0.0
    # False: the flighted impressions are untargeted (shown to people who never click), so
    # clicks, visits, leads and deals follow the steady budget: impressions that move nothing.
    ad_flighting_targeted: bool = True
    planted_ad_response: PlantedAdResponse | None = None
    # Churn: a base yearly churn at renewal, plus this much for an account whose support was
    # all slow and badly rated (scaled by the share of slow or bad tickets).
    renewal_churn_base: float = 0.08
    support_churn_effect: float = 0.55
    monthly_expansion_rate: float = 0.03
    monthly_contraction_rate: float = 0.01
