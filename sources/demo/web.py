"""Website sessions: a heavy anonymous stream, and the few visits of people who identified."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sources.demo.campaigns import AdDays
from sources.demo.marketing import BACKGROUND_TRAFFIC, CONTENT_TRAFFIC, Contact
from sources.demo.timeline import DAY, HOUR, Timeline, stream

CHUNK_DAYS = 28
LANDING_PAGES = (
    "/",
    "/pricing",
    "/product",
    "/blog/shared-metrics",
    "/demo",
    "/customers",
    "/blog/speed-to-lead",
    "/resources/playbook",
)
# Per traffic source: referrer host, utm source/medium (None for unpaid traffic).
SOURCES = {
    "organic_search": ("google.com", None, None),
    "direct": (None, None, None),
    "referral": ("partnerhub.com", None, None),
    "content": ("google.com", "blog", "content"),
    "facebook": ("facebook.com", "facebook", "paid_social"),
    "instagram": ("instagram.com", "instagram", "paid_social"),
    "linkedin": ("linkedin.com", "linkedin", "paid_social"),
    "display": ("googleads.g.doubleclick.net", "google", "display"),
    "paid_search": ("google.com", "google", "cpc"),
}


@dataclass
class Visits:
    """Sessions as numbers: day-level traffic per source and campaign for the anonymous part."""

    source_names: list[str]
    utm_campaigns: list[str | None]
    daily: np.ndarray  # [source, day] anonymous sessions
    identified: dict[str, np.ndarray]  # contact sessions, sorted by start


def _source_of(ad: AdDays) -> str:
    channel, platform = ad.campaign.channel, ad.campaign.platform
    return platform if channel == "paid_social" else channel


def simulate_visits(
    contacts: list[Contact],
    ads: list[AdDays],
    timeline: Timeline,
    scale: float,
    rng: np.random.Generator,
) -> Visits:
    days = timeline.days
    names, campaigns, daily = [], [], []
    for source, per_day in (*BACKGROUND_TRAFFIC.items(), ("content", CONTENT_TRAFFIC)):
        names.append(source)
        campaigns.append(None)
        daily.append(rng.poisson(per_day * scale, size=days.size))
    for ad in ads:  # every landed ad click is a session; form fills are the identified ones
        counts = np.zeros(days.size, dtype=np.int64)
        counts[np.searchsorted(days, ad.days)] = ad.landing_sessions - ad.form_submits
        names.append(_source_of(ad))
        campaigns.append(ad.campaign.utm_campaign)
        daily.append(counts)
    return Visits(names, campaigns, np.array(daily), _identified(contacts, rng))


def _identified(contacts: list[Contact], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The form-fill session of web leads, then return visits (more of them when in market)."""
    contact, started, form, landing = [], [], [], []
    for i, c in enumerate(contacts):
        if c.from_web_form:
            contact.append(i)
            started.append(c.created_at - int(rng.integers(60, 900)))
            form.append(True)
            landing.append(int(rng.integers(len(LANDING_PAGES))))
        for _ in range(int(rng.poisson(3.0 if c.in_market else 0.6))):
            contact.append(i)
            started.append(
                c.created_at + int(rng.exponential(40.0) * DAY) + int(rng.integers(0, DAY))
            )
            form.append(False)
            landing.append(1 if c.in_market and rng.random() < 0.5 else 0)
    started_at = np.array(started, dtype=np.int64)
    order = np.argsort(started_at, kind="stable")
    return {
        "contact": np.array(contact, dtype=np.int64)[order],
        "started_at": started_at[order],
        "form_submitted": np.array(form, dtype=bool)[order],
        "landing": np.array(landing, dtype=np.int64)[order],
    }


def web_session_chunks(
    visits: Visits,
    contacts: list[Contact],
    timeline: Timeline,
    seed: int,
    drop: int,
    first_session_number: int,
) -> Iterator[dict]:
    """The sessions of one drop in chunks of four weeks, numbered on from earlier drops."""
    cutoffs = timeline.cutoffs
    low = timeline.start if drop == 0 else int(cutoffs[drop - 1])
    high = int(cutoffs[drop])
    contact_ids = pa.array([c.contact_id for c in contacts])
    number = first_session_number
    for chunk_start in range(low, high, CHUNK_DAYS * DAY):
        chunk_end = min(chunk_start + CHUNK_DAYS * DAY, high)
        rng = stream(seed, "web", chunk_start // DAY)
        columns = _chunk(visits, contact_ids, timeline, chunk_start, chunk_end, number, rng)
        number += len(columns["session_id"])
        yield columns


def _chunk(visits, contact_ids, timeline, low, high, number, rng) -> dict:
    first_day = (low - timeline.start) // DAY
    counts = visits.daily[:, first_day : first_day + (high - low) // DAY]
    source = np.repeat(np.tile(np.arange(counts.shape[0]), counts.shape[1]), counts.T.ravel())
    day = np.repeat(np.repeat(np.arange(counts.shape[1]), counts.shape[0]), counts.T.ravel())
    hour_of_day = rng.normal(14.0, 4.0, source.size).clip(0, 23.99)
    anon_started = low + day * DAY + (hour_of_day * HOUR).astype(np.int64)
    known = visits.identified
    mine = (known["started_at"] >= low) & (known["started_at"] < high)
    n_known = int(mine.sum())
    started = np.concatenate([anon_started, known["started_at"][mine]])
    order = np.argsort(started, kind="stable")
    n = started.size
    is_known = order >= source.size
    known_rows = np.where(is_known, order - source.size, 0)
    contact = np.where(is_known, known["contact"][mine][known_rows] if n_known else 0, -1)
    # Anonymous visitors come back with the same cookie now and then: a pool smaller than visits.
    cookie = np.where(is_known, contact, rng.integers(0, max(n, 1) * 3, size=n) + 10_000_000)
    source_of = np.where(is_known, 0, source[np.where(is_known, 0, order)])
    pages = np.where(
        is_known,
        known["landing"][mine][known_rows] if n_known else 0,
        rng.integers(0, len(LANDING_PAGES), size=n),
    )
    bounce = rng.random(n) < 0.45
    pageviews = np.where(bounce, 1, 2 + rng.geometric(0.3, size=n))
    duration = np.where(
        bounce,
        rng.integers(0, 30, size=n),
        (pageviews * rng.lognormal(4.0, 0.8, size=n)).astype(np.int64),
    )
    known_source = np.where(is_known, True, False)
    referrer, utm_source, utm_medium = (
        pa.array([SOURCES[s][k] for s in visits.source_names]) for k in range(3)
    )
    utm_campaign = pa.array(visits.utm_campaigns, pa.string())
    pick = pa.array(source_of)
    no_utm = pa.array(known_source)  # identified sessions: a return visit or the form page
    null = pa.nulls(n, pa.string())
    contact_text = contact_ids.take(pa.array(np.where(is_known, contact, 0)))
    return {
        "session_id": _numbered("WS", number, n),
        "anonymous_id": _numbered("anon-", 0, 0, pa.array(cookie)),
        "contact_id": pc.if_else(pa.array(is_known), contact_text, null),
        "started_at": pa.array(started[order]),
        "duration_seconds": pa.array(duration),
        "pageviews": pa.array(pageviews),
        "landing_page": pa.array(LANDING_PAGES).take(pa.array(pages)),
        "referrer": pc.if_else(no_utm, null, referrer.take(pick)),
        "utm_source": pc.if_else(no_utm, null, utm_source.take(pick)),
        "utm_medium": pc.if_else(no_utm, null, utm_medium.take(pick)),
        "utm_campaign": pc.if_else(no_utm, null, utm_campaign.take(pick)),
        "form_submitted": pa.array(
            np.where(
                is_known, known["form_submitted"][mine][known_rows] if n_known else False, False
            )
        ),
    }


def _numbered(prefix: str, first: int, count: int, numbers: pa.Array | None = None) -> pa.Array:
    if numbers is None:
        numbers = pa.array(np.arange(first + 1, first + count + 1))
    digits = pc.utf8_lpad(numbers.cast(pa.string()), 10, "0")
    return pc.binary_join_element_wise(prefix, digits, "")
