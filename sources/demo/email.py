"""Email sends and engagement, simulated per send over whole recipient lists at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sources.demo.campaigns import BOOTH_FOLLOW_UP_EMAILS, CAMPAIGNS, Campaign
from sources.demo.marketing import Contact
from sources.demo.scenario import Scenario
from sources.demo.timeline import DAY, HOUR, Timeline, epoch

EVENT_TYPES = ("sent", "delivered", "opened", "clicked", "replied", "bounced", "unsubscribed")
_TYPE = {name: code for code, name in enumerate(EVENT_TYPES)}
CHUNK_ROWS = 500_000


@dataclass
class EmailEvents:
    """All email events as numbers, in time order; strings are made per written chunk."""

    send_number: np.ndarray
    campaign: np.ndarray  # index into CAMPAIGNS
    contact: np.ndarray  # index into the contact list
    event_type: np.ndarray
    occurred_at: np.ndarray


def _send_moments(timeline: Timeline) -> list[tuple[Campaign, int, str | None]]:
    """(email campaign, send time, trade-show campaign whose booth list it goes to or None)."""
    sends = []
    for year, campaign_id in ((2024, "CMP-0021"), (2025, "CMP-0022")):
        campaign = next(c for c in CAMPAIGNS if c.campaign_id == campaign_id)
        for month in range(1, 13):
            sent = epoch(date(year, month, 2)) + 15 * HOUR  # newsletters go out on the 2nd
            if sent < timeline.as_of:
                sends.append((campaign, sent, None))
    for booth_id, email_id in BOOTH_FOLLOW_UP_EMAILS.items():
        campaign = next(c for c in CAMPAIGNS if c.campaign_id == email_id)
        for week in (0, 2):
            sends.append((campaign, epoch(campaign.start) + week * 7 * DAY + 14 * HOUR, booth_id))
    return sorted(sends, key=lambda s: s[1])


def simulate_email(
    contacts: list[Contact], timeline: Timeline, scenario: Scenario, rng: np.random.Generator
) -> EmailEvents:
    created = np.array([c.created_at for c in contacts], dtype=np.int64)
    in_market = np.array([c.in_market for c in contacts])
    booth = np.array(
        [c.campaign.campaign_id if c.lead_source == "trade_show" else "" for c in contacts]
    )
    opted_in = rng.random(len(contacts)) < scenario.email_opt_in_rate
    reachable = np.ones(len(contacts), dtype=bool)  # cleared by hard bounces and unsubscribes
    campaign_index = {c.campaign_id: i for i, c in enumerate(CAMPAIGNS)}
    parts: list[tuple[np.ndarray, ...]] = []
    send_number = 0
    for campaign, sent_at, booth_id in _send_moments(timeline):
        audience = (booth == booth_id) if booth_id else opted_in & (created < sent_at)
        recipients = np.flatnonzero(audience & reachable)
        n = recipients.size
        hot = in_market[recipients]
        roll = rng.random((6, n))
        bounced = roll[0] < 0.02
        delivered = ~bounced
        opened = delivered & (roll[1] < np.where(hot, 0.40, 0.18))
        clicked = opened & (roll[2] < np.where(hot, 0.30, 0.10))
        reply_rate = np.where(
            hot, scenario.email_reply_rate_in_market, scenario.email_reply_rate_other
        )
        replied = delivered & (roll[3] < reply_rate)
        unsubscribed = delivered & ~replied & (roll[4] < 0.004)
        reachable[recipients[bounced | unsubscribed]] = False
        base = sent_at + rng.integers(0, 1800, size=n)
        read = base + (rng.exponential(6.0, size=n) * HOUR).astype(np.int64)
        moments = {
            "sent": (np.ones(n, bool), base),
            "delivered": (delivered, base + 5),
            "bounced": (bounced, base + 40),
            "opened": (opened, read),
            "clicked": (clicked, read + rng.integers(5, 300, size=n)),
            "replied": (replied, read + (rng.exponential(3.0, size=n) * HOUR).astype(np.int64)),
            "unsubscribed": (unsubscribed, read + 60),
        }
        numbers = send_number + np.arange(n)
        for name, (mask, at) in moments.items():
            k = int(mask.sum())
            parts.append(
                (
                    numbers[mask],
                    np.full(k, campaign_index[campaign.campaign_id]),
                    recipients[mask],
                    np.full(k, _TYPE[name]),
                    at[mask],
                )
            )
        send_number += n
    columns = [np.concatenate(p) for p in zip(*parts, strict=True)]
    order = np.lexsort((columns[3], columns[0], columns[4]))
    events = EmailEvents(*(c[order] for c in columns))
    _record_first_replies(events, contacts)
    return events


def _record_first_replies(events: EmailEvents, contacts: list[Contact]) -> None:
    replies = events.event_type == _TYPE["replied"]
    for contact, at in zip(events.contact[replies], events.occurred_at[replies], strict=True):
        if contacts[contact].reply_at is None:
            contacts[contact].reply_at = int(at)
    sends = events.event_type == _TYPE["sent"]
    for contact, at in zip(events.contact[sends], events.occurred_at[sends], strict=True):
        if contacts[contact].first_email_at is None:
            contacts[contact].first_email_at = int(at)


def email_event_chunks(
    events: EmailEvents, contacts: list[Contact], timeline: Timeline, drop: int
) -> Iterator[dict]:
    """The events of one drop, as column chunks ready for the writer."""
    drops = timeline.drop_of(events.occurred_at)
    selected = np.flatnonzero(drops == drop)
    contact_ids = pa.array([c.contact_id for c in contacts])
    emails = pa.array([c.email for c in contacts])
    campaign_ids = pa.array([c.campaign_id for c in CAMPAIGNS])
    types = pa.array(EVENT_TYPES)
    for start in range(0, selected.size, CHUNK_ROWS):
        rows = selected[start : start + CHUNK_ROWS]
        contact = pa.array(events.contact[rows])
        yield {
            "event_id": _ids("EE", rows),
            "send_id": _ids("SND", events.send_number[rows]),
            "campaign_id": campaign_ids.take(pa.array(events.campaign[rows])),
            "contact_id": contact_ids.take(contact),
            "email": emails.take(contact),
            "event_type": types.take(pa.array(events.event_type[rows])),
            "occurred_at": pa.array(events.occurred_at[rows]),
        }


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(numbers + 1).cast(pa.string()), 9, "0")
    return pc.binary_join_element_wise(prefix, digits, "")
