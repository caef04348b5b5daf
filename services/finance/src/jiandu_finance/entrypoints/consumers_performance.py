"""Subscribers for micro-project spending from deputies."""

from __future__ import annotations

from collections.abc import Callable

from jiandu_finance.service_layer.unit_of_work import FinanceUnitOfWork
from jiandu_shared.clock import Clock
from jiandu_shared.messaging.consumer import EventRouter


def register(events: EventRouter, uow: Callable[[], FinanceUnitOfWork], clock: Clock) -> None:
    """Nothing subscribed yet."""
