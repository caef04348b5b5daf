"""Partner agencies of coordinated supervision (贯通协同) and where their events wait for them.

An agency receives the events it is entitled to either as signed webhooks or from a queue of
its own, ``agency.<agency>.events``, bound to the ``jiandu.agencies`` exchange by the agency's
code. Only the notifications service publishes there, after applying the agency's
entitlement, so nothing reaches an agency's queue straight from the domain-event exchange.
"""

from __future__ import annotations

from enum import StrEnum


class Agency(StrEnum):
    DISCIPLINE_INSPECTION = "discipline_inspection"  # 纪检监察
    PROCURATORATE = "procuratorate"  # 检察
    AUDIT = "audit"  # 审计
    PATROL = "patrol"  # 巡察
    PUBLIC_OPINION = "public_opinion"  # 舆论监督

    @property
    def queue_name(self) -> str:
        return f"agency.{self.value}.events"

    @property
    def dead_letter_queue_name(self) -> str:
        return f"{self.queue_name}.dlq"

    @property
    def broker_user(self) -> str:
        return f"agency-{self.value}"


AGENCY_LABELS: dict[Agency, str] = {
    Agency.DISCIPLINE_INSPECTION: "纪检监察机关",
    Agency.PROCURATORATE: "检察机关",
    Agency.AUDIT: "审计机关",
    Agency.PATROL: "巡察机构",
    Agency.PUBLIC_OPINION: "舆论监督",
}
