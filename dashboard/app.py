"""The dashboard's entry point: `make dashboard` or `python -m dashboard` runs it with Streamlit."""

from __future__ import annotations

import streamlit as st

from dashboard.published import published_path
from dashboard.views import finance, gate, marketing, overview, sales, service

PAGES = [
    st.Page(overview.render, title="Overview", url_path="overview", default=True),
    st.Page(marketing.render, title="Marketing", url_path="marketing"),
    st.Page(sales.render, title="Sales", url_path="sales"),
    st.Page(service.render, title="Service", url_path="service"),
    st.Page(finance.render, title="Finance", url_path="finance"),
    st.Page(gate.render, title="The gate", url_path="gate"),
]

st.set_page_config(page_title="Shared metrics", layout="wide")
page = st.navigation(PAGES)
if published_path().exists():
    page.run()
else:
    st.error(f"No published file at {published_path()}: run `make demo` first.")
