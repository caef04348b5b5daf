"""Events of the finance service, one module per area; importing this package registers them."""

from jiandu_shared.contracts.finance import (
    assets,
    audit,
    budgets,
    debt,
    performance,
    reports,
    reviews,
)
from jiandu_shared.contracts.finance.reports import (
    DeliberatedOpinion,
    ReportDeliberated,
    ReportKind,
)

__all__ = [
    "DeliberatedOpinion",
    "ReportDeliberated",
    "ReportKind",
    "assets",
    "audit",
    "budgets",
    "debt",
    "performance",
    "reports",
    "reviews",
]
