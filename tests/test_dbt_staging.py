"""The dbt staging layer and identity maps, as the session's demo build (`make demo`) left them.

It checks the two things staging promises: one row per key holding the latest version, and
normalised emails and company names; and that identity maps every record once.
"""

from __future__ import annotations

import duckdb
import pytest

from sources.contracts import Contract, load_contracts

# contract name -> (staging model, staging key columns in contract order)
STAGING = {
    "campaigns": "stg_marketing__campaigns",
    "contacts": "stg_marketing__contacts",
    "email_events": "stg_marketing__email_events",
    "ad_performance": "stg_ads__ad_performance",
    "web_sessions": "stg_web__sessions",
    "booth_scans": "stg_events__booth_scans",
    "event_registrations": "stg_events__registrations",
    "crm_accounts": "stg_crm__accounts",
    "crm_contacts": "stg_crm__contacts",
    "deal_stage_history": "stg_crm__deal_stage_history",
    "deals": "stg_crm__deals",
    "reps": "stg_crm__reps",
    "sales_activities": "stg_crm__activities",
    "teams": "stg_crm__teams",
    "satisfaction_ratings": "stg_helpdesk__satisfaction_ratings",
    "ticket_comments": "stg_helpdesk__ticket_comments",
    "tickets": "stg_helpdesk__tickets",
    "billing_customers": "stg_billing__customers",
    "invoice_lines": "stg_billing__invoice_lines",
    "invoices": "stg_billing__invoices",
    "payments": "stg_billing__payments",
    "refunds": "stg_billing__refunds",
    "subscriptions": "stg_billing__subscriptions",
    "costs": "stg_ledger__costs",
}


@pytest.fixture(scope="module")
def con(demo_build):
    connection = duckdb.connect(str(demo_build.warehouse), read_only=True)
    yield connection
    connection.close()


def test_every_raw_table_has_one_staging_view(con):
    views = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'staging'"
        ).fetchall()
    }
    assert set(STAGING.values()) <= views
    assert {c.name for c in load_contracts()} == set(STAGING)


@pytest.mark.parametrize("contract", load_contracts(), ids=lambda c: c.name)
def test_staging_keeps_one_latest_row_per_key(con, contract: Contract):
    model = STAGING[contract.name]
    keys = ", ".join(contract.primary_key)
    (raw_keys,) = con.execute(
        f"select count(*) from (select distinct {keys} from {contract.raw_table})"
    ).fetchone()
    (staged,) = con.execute(f"select count(*) from staging.{model}").fetchone()
    assert staged == raw_keys, f"{model}: {staged} rows for {raw_keys} distinct raw keys"
    if contract.version_column is None:
        return
    # The staged row is the raw row with the highest version: join back through lineage.
    (not_latest,) = con.execute(
        f"""
        with staged as (
            select r.* from {contract.raw_table} as r
            join staging.{model} as s
                on r._source_file = s._source_file and r._source_line = s._source_line
        ),
        newest as (
            select {keys}, max({contract.version_column}) as newest
            from {contract.raw_table} group by {keys}
        )
        select count(*) from staged join newest using ({keys})
        where staged.{contract.version_column} <> newest.newest
        """
    ).fetchone()
    assert not_latest == 0, f"{model}: {not_latest} rows are not the latest version"


def test_subscription_versions_keep_history(con):
    (raw_versions,) = con.execute(
        "select count(*) from (select distinct subscription_id, updated_at"
        " from raw_billing.subscriptions)"
    ).fetchone()
    (versions, current, subscriptions) = con.execute(
        "select count(*), count(*) filter (where is_current_version),"
        " count(distinct subscription_id) from staging.stg_billing__subscription_versions"
    ).fetchone()
    assert versions == raw_versions
    assert current == subscriptions


EMAIL_COLUMNS = [
    ("stg_marketing__contacts", "email_normalized"),
    ("stg_marketing__email_events", "recipient_email_normalized"),
    ("stg_events__registrations", "email_normalized"),
    ("stg_events__booth_scans", "badge_email_normalized"),
    ("stg_crm__contacts", "email_normalized"),
    ("stg_crm__activities", "contact_email_normalized"),
    ("stg_helpdesk__tickets", "requester_email_normalized"),
    ("stg_billing__customers", "billing_email_normalized"),
]


@pytest.mark.parametrize(("model", "column"), EMAIL_COLUMNS)
def test_emails_are_normalised(con, model, column):
    bad = con.execute(
        f"""
        select {column} from staging.{model}
        where {column} <> lower(trim({column}))
           or split_part({column}, '@', 1) like '%+%'
           or {column} like '%@googlemail.com'
           or {column} not like '%_@_%._%'
        limit 5
        """
    ).fetchall()
    assert bad == [], f"{model}.{column} not normalised: {bad}"


def test_email_variants_of_one_person_meet(con):
    """Plus-aliases, capitals and googlemail in raw data collapse onto one normalised address."""
    (variants, collapsed) = con.execute(
        """
        select count(distinct email), count(distinct email_normalized)
        from staging.stg_marketing__contacts
        """
    ).fetchone()
    assert collapsed <= variants
    # Every alias or googlemail spelling in the helpdesk is found among normalised addresses.
    (dirty, dirty_normalised_ok) = con.execute(
        """
        select
            count(*),
            count(*) filter (
                where requester_email_normalized = replace(
                    regexp_replace(lower(trim(requester_email)), '[+][^@]*@', '@'),
                    '@googlemail.com', '@gmail.com'
                )
            )
        from staging.stg_helpdesk__tickets
        where requester_email <> lower(requester_email)
           or requester_email like '%+%'
           or lower(requester_email) like '%@googlemail.com'
        """
    ).fetchone()
    assert dirty == dirty_normalised_ok


def test_company_names_agree_across_systems(con):
    """Billing's legal names and the CRM's casual names of one linked company read the same."""
    (linked, same) = con.execute(
        """
        select count(*), count(*) filter (
            where b.company_name_normalized = a.company_name_normalized
        )
        from staging.stg_billing__customers as b
        join staging.stg_crm__accounts as a on b.crm_account_id = a.crm_account_id
        """
    ).fetchone()
    if linked == 0:
        pytest.skip("no billing customer is linked to a CRM account in the demo data")
    assert same / linked >= 0.95, f"only {same} of {linked} linked names agree"
    bad = con.execute(
        """
        select company_name_normalized from staging.stg_billing__customers
        where regexp_matches(company_name_normalized, '[^a-z0-9 ]|  |^ | $| (inc|llc|ltd|corp)$')
        limit 5
        """
    ).fetchall()
    assert bad == []


def test_identity_models_build_and_resolve(con):
    """Identity maps: every record mapped once, rules as documented, unmatched kept and counted."""
    (records, person_mapped, account_mapped) = con.execute(
        """
        select
            (select count(*) from intermediate.int_identity__records),
            (select count(*) from intermediate.int_identity__person_map),
            (select count(*) from intermediate.int_identity__account_map
             where record_type <> 'crm_account')
        """
    ).fetchone()
    assert records == person_mapped == account_mapped
    rates = con.execute(
        "select record_type, record_count, account_unmatched_count, account_match_rate"
        " from intermediate.int_identity__match_rates"
    ).fetchall()
    counted = {row[0]: row[1] for row in rates}
    assert sum(n for t, n in counted.items() if t != "crm_account") == records
    # CRM contacts and deals carry the CRM account id: every one resolves by shared id.
    (crm_not_shared,) = con.execute(
        """
        select count(*) from intermediate.int_identity__account_map
        where record_type in ('crm_contact', 'deal_contact')
          and account_match_rule <> 'shared_id'
        """
    ).fetchone()
    (crm_missing_account,) = con.execute(
        """
        select count(*) from staging.stg_crm__contacts as c
        left join staging.stg_crm__accounts as a using (crm_account_id)
        where c.crm_account_id is null or a.crm_account_id is null
        """
    ).fetchone()
    assert crm_not_shared <= crm_missing_account
    # Free-mail domains never decide an account.
    (free_mail_domain_matches,) = con.execute(
        """
        select count(*)
        from intermediate.int_identity__account_map as m
        join intermediate.int_identity__records as r using (identity_record_id)
        join seeds.free_email_domains as f on r.email_domain = f.domain
        where m.account_match_rule in ('email_domain', 'new_domain')
        """
    ).fetchone()
    assert free_mail_domain_matches == 0
