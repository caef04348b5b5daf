"""Tell the source of a supervision-topic proposal how it was decided (in an open unit of work)."""

from __future__ import annotations

from jiandu_notifications.domain.notification import Notification
from jiandu_notifications.domain.sources import recipient_of_source
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import Envelope
from jiandu_shared.contracts.topics import ProposalDeclined, ProposalIncludedInPlan


async def tell_source_of_inclusion(
    envelope: Envelope[ProposalIncludedInPlan], uow: NotificationsUnitOfWork, clock: Clock
) -> None:
    data = envelope.data
    role, ref = recipient_of_source(
        data.source, submitter_ref=data.submitter_ref, tracking_code=data.tracking_code
    )
    merged = (
        " It was merged with a similar proposal, which carries it forward."
        if data.merged_into is not None
        else ""
    )
    uow.notifications.add(
        Notification.record(
            recipient_role=role,
            recipient_ref=ref,
            kind="proposal_included_in_plan",
            title=f"Your proposal is in the {data.year} annual supervision plan: {data.title}",
            body=(
                f"The supervision-topic proposal with tracking code {data.tracking_code} is "
                f"item {data.plan_item_id} of the published {data.year} plan.{merged}"
            ),
            correlation_id=envelope.correlation_id,
            source_event_id=envelope.event_id,
            source_event_type=envelope.type,
            now=clock.now(),
        )
    )


async def tell_source_of_decline(
    envelope: Envelope[ProposalDeclined], uow: NotificationsUnitOfWork, clock: Clock
) -> None:
    data = envelope.data
    role, ref = recipient_of_source(
        data.source, submitter_ref=data.submitter_ref, tracking_code=data.tracking_code
    )
    uow.notifications.add(
        Notification.record(
            recipient_role=role,
            recipient_ref=ref,
            kind="proposal_declined",
            title=f"Your proposal for {data.year} was not adopted: {data.title}",
            body=f"Tracking code {data.tracking_code}. Reason: {data.reason}",
            correlation_id=envelope.correlation_id,
            source_event_id=envelope.event_id,
            source_event_type=envelope.type,
            now=clock.now(),
        )
    )
