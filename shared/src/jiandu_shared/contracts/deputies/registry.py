"""Events of the deputies registry (代表名册) and dual contact (双联系): identifiers and facts only, never contact data."""

from __future__ import annotations
