"""Teach schemathesis the API's own string format (loaded through SCHEMATHESIS_HOOKS by the contract test)."""

from datetime import date, timedelta

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format(
    "future-date",
    st.dates(min_value=date.today() + timedelta(days=2), max_value=date.today() + timedelta(days=3000)).map(str))
