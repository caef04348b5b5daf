"""Configuration of the finance service that staff and operators tune (env prefix ``JIANDU_FINANCE_``).

Thresholds, periods and limits written in a committee's rules (制度) are configuration, not code
constants: each field can be set in the environment, e.g.
``JIANDU_FINANCE_EXECUTION_BEHIND_GAP=0.25`` or ``JIANDU_FINANCE_IMPORT_BATCH_ROWS=20000``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_finance.domain.rules import DEFAULT_THRESHOLDS, RuleThresholds


class FinanceSettings(BaseSettings):
    """Tunable rules of the finance service; read when the service is built."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_FINANCE_", extra="ignore")

    # --- budget-execution monitoring (预算联网监督) ---
    # Default thresholds of the five rules, in force until staff store a version through the
    # API (PUT /execution/rules). Shares as "0.2" or "1/5", amounts in yuan as "1000000.00".
    execution_behind_gap: str = str(DEFAULT_THRESHOLDS.behind_gap)
    execution_behind_min_time_share: str = str(DEFAULT_THRESHOLDS.behind_min_time_share)
    execution_behind_min_budget: str = str(DEFAULT_THRESHOLDS.behind_min_budget)
    execution_reallocation_amount: str = str(DEFAULT_THRESHOLDS.reallocation_amount)
    execution_reallocation_share: str = str(DEFAULT_THRESHOLDS.reallocation_share)
    execution_year_end_days: int = Field(default=DEFAULT_THRESHOLDS.year_end_days, ge=1, le=180)
    execution_year_end_share: str = str(DEFAULT_THRESHOLDS.year_end_share)
    execution_year_end_min_total: str = str(DEFAULT_THRESHOLDS.year_end_min_total)
    execution_idle_months: int = Field(default=DEFAULT_THRESHOLDS.idle_months, ge=1, le=12)
    execution_idle_share: str = str(DEFAULT_THRESHOLDS.idle_share)
    execution_row_refs: int = Field(default=DEFAULT_THRESHOLDS.row_refs, ge=0, le=100)

    # --- bulk imports of execution data and budget lines ---
    import_batch_rows: int = Field(default=10_000, ge=100, le=200_000)
    # Rejected rows kept in an import's report (the count is always exact); bounds memory.
    import_max_reported_rejections: int = Field(default=100_000, ge=10, le=10_000_000)
    # Largest upload the API accepts (the file is spooled to disk, never held in memory).
    import_max_upload_bytes: int = Field(default=2_000_000_000, ge=1_000)

    @field_validator(
        "execution_behind_gap",
        "execution_behind_min_time_share",
        "execution_behind_min_budget",
        "execution_reallocation_amount",
        "execution_reallocation_share",
        "execution_year_end_share",
        "execution_year_end_min_total",
        "execution_idle_share",
        mode="before",
    )
    @classmethod
    def _valid_threshold(cls, value: Any, info: Any) -> str:
        name = str(info.field_name).removeprefix("execution_")
        try:
            RuleThresholds.parse({name: value})
        except Exception as exc:
            raise ValueError(str(exc)) from exc
        return str(value)

    @property
    def default_thresholds(self) -> RuleThresholds:
        prefix = "execution_"
        return RuleThresholds.parse(
            {
                name.removeprefix(prefix): value
                for name, value in self.model_dump().items()
                if name.startswith(prefix)
            }
        )
