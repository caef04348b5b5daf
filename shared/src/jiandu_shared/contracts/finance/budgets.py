"""Events of full-scope budgets (全口径预算) and budget-execution monitoring (预算联网监督)."""

from __future__ import annotations
