"""The campaign catalogue and what the ad platforms report about the paid ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.demo.timeline import DAY, HOUR, Timeline, epoch

AD_CHANNELS = ("paid_social", "display", "paid_search")
# Share of ad clicks that land as a web session, and of those sessions that submit a form.
LANDING_RATE = 0.6
FORM_RATE = {"paid_social": 0.004, "display": 0.003, "paid_search": 0.035}


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    channel: str
    platform: str | None
    utm_source: str | None
    utm_medium: str | None
    start: date
    end: date | None  # None while running
    budget: float
    owner_email: str
    # Ad campaigns only, at scale 1: impressions per day, click-through rate, price.
    daily_impressions: float = 0.0
    click_rate: float = 0.0
    cost_per_mille: float = 0.0
    cost_per_click: float = 0.0

    @property
    def utm_campaign(self) -> str | None:
        if self.utm_source is None:
            return None
        return "".join(c if c.isalnum() else "_" for c in self.name.lower()).strip("_")

    @property
    def is_ad(self) -> bool:
        return self.channel in AD_CHANNELS

    def active_days(self, timeline: Timeline) -> np.ndarray:
        last = epoch(self.end) if self.end else timeline.as_of - DAY
        days = timeline.days
        return days[(days >= epoch(self.start)) & (days <= last)]


_OWNERS = ("megan.hart@shareboard.io", "tom.ellis@shareboard.io", "ana.ruiz@shareboard.io")


def _webinar(n: int, day: date, title: str) -> Campaign:
    return Campaign(
        f"CMP-{n:04d}",
        f"Webinar: {title}",
        "webinar",
        "Zoom",
        "website",
        "webinar",
        day,
        day,
        3000.0,
        _OWNERS[n % 3],
    )


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        "CMP-0001",
        "Facebook Brand Awareness 2024",
        "paid_social",
        "facebook",
        "facebook",
        "paid_social",
        date(2024, 1, 8),
        date(2024, 12, 31),
        90000.0,
        _OWNERS[0],
        daily_impressions=30000,
        click_rate=0.0020,
        cost_per_mille=7.5,
    ),
    Campaign(
        "CMP-0002",
        "Instagram Reels Awareness",
        "paid_social",
        "instagram",
        "instagram",
        "paid_social",
        date(2024, 3, 4),
        None,
        80000.0,
        _OWNERS[0],
        daily_impressions=22000,
        click_rate=0.0015,
        cost_per_mille=6.0,
    ),
    Campaign(
        "CMP-0003",
        "Display Retargeting",
        "display",
        "google",
        "google",
        "display",
        date(2024, 2, 5),
        None,
        120000.0,
        _OWNERS[1],
        daily_impressions=60000,
        click_rate=0.0007,
        cost_per_mille=2.8,
    ),
    Campaign(
        "CMP-0004",
        "Google Search - Category Terms",
        "paid_search",
        "google",
        "google",
        "cpc",
        date(2024, 1, 8),
        None,
        80000.0,
        _OWNERS[1],
        daily_impressions=700,
        click_rate=0.04,
        cost_per_click=3.9,
    ),
    Campaign(
        "CMP-0005",
        "LinkedIn Sponsored Content",
        "paid_social",
        "linkedin",
        "linkedin",
        "paid_social",
        date(2024, 4, 1),
        date(2025, 6, 30),
        70000.0,
        _OWNERS[2],
        daily_impressions=5000,
        click_rate=0.004,
        cost_per_mille=28.0,
    ),
    Campaign(
        "CMP-0006",
        "Facebook Lead Ads 2025",
        "paid_social",
        "facebook",
        "facebook",
        "paid_social",
        date(2025, 1, 6),
        None,
        110000.0,
        _OWNERS[0],
        daily_impressions=35000,
        click_rate=0.0025,
        cost_per_mille=8.0,
    ),
    Campaign(
        "CMP-0007",
        "SXSW 2024 Booth",
        "trade_show",
        "SXSW",
        None,
        None,
        date(2024, 3, 8),
        date(2024, 3, 16),
        105000.0,
        _OWNERS[2],
    ),
    Campaign(
        "CMP-0008",
        "SXSW 2025 Booth",
        "trade_show",
        "SXSW",
        None,
        None,
        date(2025, 3, 7),
        date(2025, 3, 15),
        118000.0,
        _OWNERS[2],
    ),
    Campaign(
        "CMP-0009",
        "Customer Roundtable NYC",
        "event",
        "Roundtable NYC",
        None,
        None,
        date(2024, 6, 12),
        date(2024, 6, 12),
        15000.0,
        _OWNERS[1],
    ),
    Campaign(
        "CMP-0010",
        "Revenue Summit Partner Day",
        "event",
        "Revenue Summit",
        None,
        None,
        date(2025, 5, 20),
        date(2025, 5, 20),
        22000.0,
        _OWNERS[1],
    ),
    _webinar(11, date(2024, 2, 15), "Revenue Ops 101"),
    _webinar(12, date(2024, 5, 16), "Pipeline Reviews That Work"),
    _webinar(13, date(2024, 8, 22), "Speed to Lead"),
    _webinar(14, date(2024, 11, 14), "Board-Ready Metrics"),
    _webinar(15, date(2025, 2, 13), "Attribution Without Tears"),
    _webinar(16, date(2025, 5, 15), "Retention Is the New Growth"),
    _webinar(17, date(2025, 8, 21), "One Funnel, Four Teams"),
    _webinar(18, date(2025, 11, 13), "Planning 2026 With Data"),
    Campaign(
        "CMP-0019",
        "Ebook: The Shared Metrics Playbook",
        "content",
        "website",
        "blog",
        "content",
        date(2024, 4, 1),
        None,
        12000.0,
        _OWNERS[2],
    ),
    Campaign(
        "CMP-0020",
        "Benchmark Report 2025",
        "content",
        "website",
        "blog",
        "content",
        date(2025, 2, 3),
        None,
        18000.0,
        _OWNERS[2],
    ),
    Campaign(
        "CMP-0021",
        "Monthly Newsletter 2024",
        "email",
        "email",
        "newsletter",
        "email",
        date(2024, 1, 1),
        date(2024, 12, 31),
        6000.0,
        _OWNERS[0],
    ),
    Campaign(
        "CMP-0022",
        "Monthly Newsletter 2025",
        "email",
        "email",
        "newsletter",
        "email",
        date(2025, 1, 1),
        None,
        6000.0,
        _OWNERS[0],
    ),
    Campaign(
        "CMP-0023",
        "SXSW 2024 Follow-up Emails",
        "email",
        "email",
        "newsletter",
        "email",
        date(2024, 3, 18),
        date(2024, 4, 30),
        1000.0,
        _OWNERS[2],
    ),
    Campaign(
        "CMP-0024",
        "SXSW 2025 Follow-up Emails",
        "email",
        "email",
        "newsletter",
        "email",
        date(2025, 3, 17),
        date(2025, 4, 30),
        1000.0,
        _OWNERS[2],
    ),
)

BOOTH_FOLLOW_UP_EMAILS = {"CMP-0007": "CMP-0023", "CMP-0008": "CMP-0024"}


def by_channel(channel: str) -> list[Campaign]:
    return [c for c in CAMPAIGNS if c.channel == channel]


def campaign_rows(rows, timeline: Timeline, rng: np.random.Generator) -> None:
    """Campaign versions: created two weeks before start, revised budgets, closed after the end."""
    for c in CAMPAIGNS:
        created = epoch(c.start) - 14 * DAY + int(rng.integers(9, 18)) * HOUR
        base = dict(
            campaign_id=c.campaign_id,
            campaign_name=c.name,
            channel=c.channel,
            platform=c.platform,
            utm_campaign=c.utm_campaign,
            start_date=epoch(c.start),
            owner_email=c.owner_email,
        )
        rows.add(**base, end_date=None, budget=c.budget, updated_at=created)
        if c.end is None:
            # Running campaigns get a budget revision now and then.
            for month in range(3, 24, int(rng.integers(4, 8))):
                changed = epoch(c.start) + month * 30 * DAY + int(rng.integers(8, 18)) * HOUR
                budget = round(c.budget * (1 + month / 24), -2)
                rows.add(**base, end_date=None, budget=budget, updated_at=changed)
        else:
            closed = epoch(c.end) + DAY + int(rng.integers(8, 18)) * HOUR
            rows.add(**base, end_date=epoch(c.end), budget=c.budget, updated_at=closed)


@dataclass
class AdDays:
    """Daily ad figures per ad campaign, the ground truth behind the platform reports."""

    campaign: Campaign
    days: np.ndarray
    impressions: np.ndarray
    clicks: np.ndarray
    spend: np.ndarray
    landing_sessions: np.ndarray  # web sessions the clicks produced
    form_submits: np.ndarray  # of those, sessions that left a contact


@dataclass(frozen=True)
class Flighting:
    """Month-by-month ad budgets: a lognormal factor of this log-sd per campaign and month, on
    every impression (``targeted``) or on impressions nobody clicks (clicks keep the steady
    budget's rate: impressions that move nothing downstream)."""

    log_sd: float = 0.0
    targeted: bool = True


def simulate_ads(
    timeline: Timeline,
    scale: float,
    rng: np.random.Generator,
    flighting: Flighting = Flighting(),
    flight_rng: np.random.Generator | None = None,
) -> list[AdDays]:
    """Daily ad figures; with ``flighting``, each campaign's impressions times a factor drawn per
    month from ``flight_rng`` (its own stream: ``rng``'s draws never move)."""
    result = []
    for c in CAMPAIGNS:
        if not c.is_ad:
            continue
        days = c.active_days(timeline)
        weekday = (days // DAY + 3) % 7  # 0 = Monday
        seasonal = np.where(weekday >= 5, 0.7, 1.0) * rng.lognormal(0.0, 0.25, size=days.size)
        flight = np.ones(days.size)
        if flighting.log_sd:
            months = days.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
            months -= months.min()
            flight = flight_rng.lognormal(0.0, flighting.log_sd, months.max() + 1)[months]
        impressions = rng.poisson(c.daily_impressions * scale * seasonal * flight)
        click_rate = c.click_rate * rng.lognormal(0, 0.15, days.size).clip(0, 5)
        if not flighting.targeted:
            click_rate = (click_rate / flight).clip(0, 1)
        clicks = rng.binomial(impressions, click_rate)
        if c.cost_per_click:
            spend = clicks * c.cost_per_click * rng.lognormal(0, 0.1, days.size)
        else:
            spend = impressions / 1000 * c.cost_per_mille * rng.lognormal(0, 0.05, days.size)
        landing = rng.binomial(clicks, LANDING_RATE)
        submits = rng.binomial(landing, FORM_RATE[c.channel])
        result.append(AdDays(c, days, impressions, clicks, np.round(spend, 2), landing, submits))
    return result


def ad_performance_rows(rows, ads: list[AdDays], rng: np.random.Generator) -> None:
    """Platform reports: one row the next morning, and for some days a restatement days later."""
    for ad in ads:
        claim_rate = 0.06 if ad.campaign.channel == "paid_search" else 0.03
        conversions = rng.binomial(ad.clicks, claim_rate)
        reported = ad.days + DAY + rng.integers(4 * HOUR, 9 * HOUR, size=ad.days.size)
        restated = rng.random(ad.days.size) < 0.3
        late = conversions + rng.poisson(1.5, size=ad.days.size)
        for i in range(ad.days.size):
            base = dict(
                report_date=int(ad.days[i]),
                campaign_id=ad.campaign.campaign_id,
                platform=ad.campaign.platform,
                impressions=int(ad.impressions[i]),
                clicks=int(ad.clicks[i]),
            )
            rows.add(
                **base,
                spend=float(ad.spend[i]),
                platform_conversions=int(conversions[i]),
                reported_at=int(reported[i]),
            )
            if restated[i]:
                rows.add(
                    **base,
                    spend=float(ad.spend[i]),
                    platform_conversions=int(late[i]),
                    reported_at=int(reported[i] + 2 * DAY + 3 * HOUR),
                )
