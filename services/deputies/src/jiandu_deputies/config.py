"""Configuration of the deputies service that staff and operators tune (env prefix
``JIANDU_DEPUTIES_``).

Periods and links written in a congress's rules are configuration, not code constants: e.g.
``JIANDU_DEPUTIES_OPINION_ANSWER_PERIOD="3 working_days"`` or
``JIANDU_DEPUTIES_PUBLIC_BASE_URL=https://rd.example.gov.cn``. Periods read ``"<n> working_days"``
or ``"<n> months"`` (see ``jiandu_shared.calendar.Period``) and count on the working calendar.
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jiandu_shared.calendar import Period


class DeputiesSettings(BaseSettings):
    """Tunable rules of the deputies service; read when the service is built."""

    model_config = SettingsConfigDict(env_prefix="JIANDU_DEPUTIES_", extra="ignore")

    # --- one deputy, one code (一人一码) ---
    # Where citizens reach this service from outside: the QR code encodes <base>/d/<code>.
    public_base_url: str = Field(default="http://localhost:8002", pattern=r"^https?://\S+$")
    # The citizen page a short link redirects to; ``{code}`` is replaced by the deputy's code.
    citizen_page_url: str = Field(
        default="http://localhost:8002/public/deputies/{code}", pattern=r"^https?://\S+$"
    )

    # --- citizens' opinions (民情民意): 码上答 and 即转即办 ---
    # The deputy answers (or transfers, or raises) within this period of the submission.
    opinion_answer_period: str = "5 working_days"
    # A department replies to a transferred opinion within this period of the transfer.
    opinion_department_reply_period: str = "10 working_days"
    opinion_due_soon_working_days: int = Field(default=1, ge=0, le=30)

    # --- deputy suggestions (代表建议) ---
    # Customary: a reply within three months of the assignment (代表建议办理: 自交办之日起三个月内答复).
    suggestion_reply_period: str = "3 months"
    # After an unsatisfied rating (不满意) the departments handle it again within this period.
    suggestion_rehandling_period: str = "1 months"
    suggestion_due_soon_working_days: int = Field(default=10, ge=0, le=60)
    # The lead department replies only with every co-handler's input in (主办汇总协办意见).
    suggestion_reply_needs_all_inputs: bool = True

    # How often the deadline sweep looks for due-soon and overdue responses.
    deadline_sweep_seconds: float = Field(default=300.0, gt=0)

    @field_validator(
        "opinion_answer_period",
        "opinion_department_reply_period",
        "suggestion_reply_period",
        "suggestion_rehandling_period",
    )
    @classmethod
    def _valid_period(cls, value: str) -> str:
        period = Period.parse(value)
        if period.amount < 1:
            raise ValueError("a response period must be at least one day or month")
        return str(period)

    @field_validator("citizen_page_url")
    @classmethod
    def _has_code(cls, value: str) -> str:
        if "{code}" not in value:
            raise ValueError("the citizen page URL must contain {code}")
        return value

    @property
    def opinion_answer(self) -> Period:
        return Period.parse(self.opinion_answer_period)

    @property
    def opinion_department_reply(self) -> Period:
        return Period.parse(self.opinion_department_reply_period)

    @property
    def suggestion_reply(self) -> Period:
        return Period.parse(self.suggestion_reply_period)

    @property
    def suggestion_rehandling(self) -> Period:
        return Period.parse(self.suggestion_rehandling_period)

    def short_link(self, code: str) -> str:
        """The short link a deputy's QR code encodes (一人一码)."""
        return f"{self.public_base_url.rstrip('/')}/d/{code}"

    def citizen_page(self, code: str) -> str:
        return self.citizen_page_url.replace("{code}", code)
