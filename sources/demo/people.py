"""Companies and people of the simulated market, and how each system spells them.

Every system stores the same person or company a little differently: that is the dirt the
warehouse has to join through (email case, plus-aliases, googlemail, company name spellings).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sources.demo.names import (
    COMPANY_KINDS,
    COMPANY_STEMS,
    COUNTRIES,
    FIRST_NAMES,
    FREE_MAIL_DOMAINS,
    INDUSTRIES,
    JOB_TITLES,
    LAST_NAMES,
)
from sources.demo.timeline import pick

SEGMENTS = ("smb", "mid_market", "enterprise")


@dataclass(slots=True)
class Company:
    index: int
    stem: str  # "Acme Analytics"
    domain: str
    industry: str
    employees: int
    segment: str
    country: str
    crm_name: str  # how reps typed it
    billing_name: str  # the legal name finance typed
    helpdesk_name: str  # the helpdesk organization
    form_name: str  # how its people type it on forms


@dataclass(slots=True)
class Person:
    index: int
    first: str
    last: str
    company: Company
    title: str
    email: str  # canonical, lower case
    typed_email: str  # as the person typed it into forms (case varies)
    helpdesk_email: str  # as the helpdesk stores it (lower case, googlemail for some)
    crm_email: str  # as a rep stored it
    phone: str

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    def alias_email(self, tag: str) -> str:
        """A plus-alias such as jane.doe+events@acme.com, which still reaches the same inbox."""
        local, domain = self.typed_email.split("@")
        return f"{local}+{tag}@{domain}"


def _name_variants(stem: str, rng: np.random.Generator) -> tuple[str, str, str, str]:
    # Finance keeps legal suffixes, reps drop them, the helpdesk and forms do as they please.
    legal = (f"{stem} Inc.", f"{stem.upper()}, Inc", f"{stem} Incorporated", f"{stem}, Inc.")
    casual = (stem, f"{stem} Inc.", stem.lower(), f"{stem} Inc")
    pick = rng.integers(0, 4, size=4)
    return casual[pick[0] % 2], legal[pick[1]], casual[pick[2]], casual[pick[3]]


def make_companies(count: int, rng: np.random.Generator) -> list[Company]:
    names = [f"{stem} {kind}" for stem in COMPANY_STEMS for kind in COMPANY_KINDS]
    order = rng.permutation(len(names))
    employees = np.exp(rng.normal(4.8, 1.5, size=count)).astype(int) + 5
    companies = []
    for i in range(count):
        # Past the word-list combinations, numbered names keep every company distinct.
        base = names[order[i % len(names)]]
        stem = base if i < len(names) else f"{base} {i // len(names) + 1}"
        size = int(employees[i])
        segment = "smb" if size < 200 else "mid_market" if size < 2000 else "enterprise"
        crm, billing, helpdesk, form = _name_variants(stem, rng)
        domain = stem.lower().replace(" ", "") + pick((".com", ".io", ".co"), rng)
        companies.append(
            Company(
                index=i,
                stem=stem,
                domain=domain,
                industry=pick(INDUSTRIES, rng),
                employees=size,
                segment=segment,
                country=pick(COUNTRIES, rng),
                crm_name=crm,
                billing_name=billing,
                helpdesk_name=helpdesk,
                form_name=form,
            )
        )
    return companies


def make_person(index: int, company: Company, rng: np.random.Generator) -> Person:
    first = pick(FIRST_NAMES, rng)
    last = pick(LAST_NAMES, rng)
    roll = rng.random(4)
    free_mail = roll[0] < 0.12
    if free_mail:
        domain = pick(FREE_MAIL_DOMAINS, rng)
        local = f"{first}.{last}{index % 97}".lower()
    else:
        domain = company.domain
        local = f"{first}.{last}".lower() if index % 5 else f"{first[0]}{last}".lower()
        local = f"{local}{index}" if roll[3] < 0.3 else local  # namesakes at one company
    email = f"{local}@{domain}"
    # A quarter type their address with capitals; the helpdesk lowercases, Gmail users show up
    # there as googlemail; reps keep whatever case they copied.
    typed = f"{local.title()}@{domain.title()}" if roll[1] < 0.25 else email
    helpdesk = email.replace("@gmail.com", "@googlemail.com") if roll[2] < 0.5 else email
    crm = typed if roll[2] > 0.8 else email
    phone = f"+1 {rng.integers(200, 999)}-{rng.integers(200, 999)}-{rng.integers(1000, 9999)}"
    return Person(
        index=index,
        first=first,
        last=last,
        company=company,
        title=pick(JOB_TITLES, rng),
        email=email,
        typed_email=typed,
        helpdesk_email=helpdesk,
        crm_email=crm,
        phone=phone,
    )
