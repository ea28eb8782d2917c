"""The helpdesk: tickets from customers, agents' replies, and satisfaction surveys.

How fast a customer's support team answers decides how their tickets are rated, and the
customer lifecycle reads both when the renewal comes up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sources.demo.names import TICKET_SUBJECTS
from sources.demo.people import Person
from sources.demo.records import Rows
from sources.demo.timeline import DAY, HOUR, pick

# Median first-response hours per support team; which team a customer gets depends on its size.
TEAM_RESPONSE_HOURS = {"premium": 1.5, "general": 9.0, "backlog": 40.0}
PRIORITY_SPEED = {"urgent": 0.25, "high": 0.6, "normal": 1.0, "low": 1.6}
SLOW_HOURS = 24


@dataclass(slots=True)
class Ticket:
    created_at: int
    requester: Person
    priority: str
    channel: str
    subject: str
    agent_id: str
    first_response_hours: float
    exchanges: int
    solve_hours: float
    rating: str | None  # good, bad, offered, or None when no survey went out

    @property
    def slow(self) -> bool:
        return self.first_response_hours > SLOW_HOURS

    @property
    def solved_at(self) -> int:
        return self.created_at + int(self.solve_hours * HOUR)


def support_team(segment: str, rng: np.random.Generator) -> str:
    if segment == "enterprise":
        return "premium"
    return "general" if rng.random() < (0.75 if segment == "mid_market" else 0.5) else "backlog"


def agents_of(team: str) -> list[str]:
    first = {"premium": 1, "general": 4, "backlog": 9}[team]
    return [
        f"AGT-{n:03d}"
        for n in range(first, first + {"premium": 3, "general": 5, "backlog": 2}[team])
    ]


def plan_tickets(
    people: list[Person], team: str, seats: int, start: int, end: int, rng: np.random.Generator
) -> list[Ticket]:
    """The tickets a customer would open from ``start`` to ``end`` if it stayed."""
    months = (end - start) / (30 * DAY)
    count = int(rng.poisson(max(months, 0) * (0.6 + seats / 50)))
    agents = agents_of(team)
    tickets = []
    for created in np.sort(rng.integers(start, end, size=count)):
        priority = str(rng.choice(list(PRIORITY_SPEED), p=[0.05, 0.15, 0.6, 0.2]))
        first_response = rng.lognormal(
            np.log(TEAM_RESPONSE_HOURS[team] * PRIORITY_SPEED[priority]), 0.7
        )
        slow = first_response > SLOW_HOURS
        survey = rng.random() < 0.8
        answered = rng.random() < 0.55
        bad = rng.random() < (0.55 if slow else 0.2 if first_response > 8 else 0.07)
        rating = None if not survey else ("bad" if bad else "good") if answered else "offered"
        tickets.append(
            Ticket(
                created_at=int(created),
                requester=people[int(rng.integers(len(people)))],
                priority=priority,
                channel=str(
                    rng.choice(["email", "web", "chat", "phone"], p=[0.45, 0.3, 0.2, 0.05])
                ),
                subject=pick(TICKET_SUBJECTS, rng),
                agent_id=agents[int(rng.integers(len(agents)))],
                first_response_hours=float(first_response),
                exchanges=int(rng.poisson(1.2)),
                solve_hours=float(first_response + rng.exponential(60.0)),
                rating=rating,
            )
        )
    return tickets


def support_pain(tickets: list[Ticket], since: int, until: int) -> float:
    """Share of recent tickets answered slowly or rated bad: 0 is smooth, 1 is miserable."""
    recent = [t for t in tickets if since <= t.created_at < until]
    if not recent:
        return 0.0
    slow = sum(t.slow for t in recent) / len(recent)
    rated = [t for t in recent if t.rating in ("good", "bad")]
    bad = sum(t.rating == "bad" for t in rated) / len(rated) if rated else slow
    return (slow + bad) / 2


class Helpdesk:
    """Turns planned tickets into helpdesk rows."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.rows = {
            name: Rows(name) for name in ("tickets", "ticket_comments", "satisfaction_ratings")
        }
        self.tickets: list[tuple[Ticket, str]] = []  # with the organization name

    def open(self, ticket: Ticket, organization: str) -> None:
        self.tickets.append((ticket, organization))

    def record(self) -> None:
        """Ids follow creation time, as the helpdesk numbers tickets."""
        self.tickets.sort(key=lambda t: t[0].created_at)
        for number, (ticket, organization) in enumerate(self.tickets, start=1):
            self._record(f"TKT-{number:07d}", ticket, organization)

    def _record(self, ticket_id: str, t: Ticket, organization: str) -> None:
        rng = self.rng
        first_reply = t.created_at + int(t.first_response_hours * HOUR)
        solved = t.solved_at
        base = dict(
            ticket_id=ticket_id,
            requester_email=t.requester.helpdesk_email,
            requester_name=t.requester.full_name,
            organization_name=organization,
            subject=t.subject,
            priority=t.priority,
            channel=t.channel,
            created_at=t.created_at,
        )
        for status, at, agent in (
            ("new", t.created_at, None),
            ("open", first_reply, t.agent_id),
            ("solved", solved, t.agent_id),
            ("closed", solved + 7 * DAY, t.agent_id),
        ):
            self.rows["tickets"].add(
                **base,
                status=status,
                assignee_agent_id=agent,
                solved_at=solved if status in ("solved", "closed") else None,
                updated_at=at,
            )
        requester = f"EU-{t.requester.index:07d}"
        comments = [
            (requester, "end_user", True, t.created_at),
            (t.agent_id, "agent", True, first_reply),
        ]
        if rng.random() < 0.3:
            note = max(t.created_at + 60, first_reply - int(rng.integers(60, 1800)))
            comments.append((t.agent_id, "agent", False, note))
        at = first_reply
        for _ in range(t.exchanges):
            at += int(rng.exponential(8.0) * HOUR) + 60
            comments.append((requester, "end_user", True, min(at, solved - 2)))
            at += int(rng.exponential(6.0) * HOUR) + 60
            comments.append((t.agent_id, "agent", True, min(at, solved - 1)))
        if rng.random() < 0.3:
            comments.append(("SYSTEM", "system", True, solved))
        for n, (author, role, public, written) in enumerate(
            sorted(comments, key=lambda c: c[3]), 1
        ):
            self.rows["ticket_comments"].add(
                comment_id=f"{ticket_id}-C{n:02d}",
                ticket_id=ticket_id,
                author_id=author,
                author_role=role,
                is_public=public,
                created_at=int(written),
                body_chars=int(rng.integers(40, 1500)),
            )
        if t.rating is not None:
            sent = solved + DAY
            base = dict(rating_id=f"CSAT-{ticket_id[4:]}", ticket_id=ticket_id, created_at=sent)
            self.rows["satisfaction_ratings"].add(
                **base, score="offered", comment_length=None, updated_at=sent
            )
            if t.rating != "offered":
                self.rows["satisfaction_ratings"].add(
                    **base,
                    score=t.rating,
                    comment_length=int(rng.integers(0, 400)),
                    updated_at=sent + int(rng.exponential(10.0) * HOUR) + 60,
                )
