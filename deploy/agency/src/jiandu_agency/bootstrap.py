"""Wire a receiver from settings: verifier, ledger, the configured sinks."""

from __future__ import annotations

from jiandu_agency.ledger import Ledger
from jiandu_agency.receiver import Receiver
from jiandu_agency.settings import AgencySettings, Mode
from jiandu_agency.sinks import HttpForwardSink, JsonDirectorySink, Sink
from jiandu_agency.verification import Verifier


def build_receiver(settings: AgencySettings) -> Receiver:
    max_age = (
        settings.queue_max_age_seconds
        if settings.mode is Mode.QUEUE
        else settings.webhook_tolerance_seconds
    )
    verifier = Verifier(
        settings.secret_values(),
        max_age_seconds=max_age,
        future_skew_seconds=settings.future_skew_seconds,
    )
    sinks: list[Sink] = []
    if settings.event_dir is not None:
        sinks.append(JsonDirectorySink(settings.event_dir))
    if settings.forward_url is not None:
        authorization = settings.forward_authorization
        sinks.append(
            HttpForwardSink(
                str(settings.forward_url),
                authorization=authorization.get_secret_value() if authorization else None,
                timeout=settings.forward_timeout_seconds,
            )
        )
    return Receiver(
        verifier, Ledger(settings.ledger_path), sinks, refused_dir=settings.data_dir / "refused"
    )
