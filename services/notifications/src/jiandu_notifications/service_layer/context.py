"""What the application functions of the notifications service share, wired once by the
bootstrap: templates, policies, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from jiandu_notifications.adapters.templates import TemplateBook
from jiandu_notifications.config import NotificationsSettings
from jiandu_notifications.domain.ladder import LadderPolicy, policies_by_event
from jiandu_shared.clock import Clock
from jiandu_shared.contracts import CATALOGUE


@dataclass
class Context:
    settings: NotificationsSettings
    templates: TemplateBook
    clock: Clock
    catalogue_types: frozenset[str] = field(
        default_factory=lambda: frozenset(s.type for s in CATALOGUE)
    )

    @property
    def ladders(self) -> tuple[LadderPolicy, ...]:
        return self.settings.ladders

    def ladders_for(self, event_type: str) -> list[LadderPolicy]:
        return policies_by_event(self.ladders).get(event_type, [])

    @classmethod
    def build(cls, clock: Clock, settings: NotificationsSettings | None = None) -> Context:
        settings = settings or NotificationsSettings()
        return cls(settings, TemplateBook.load(settings.templates), clock)

    @classmethod
    def for_clock(cls, clock: Clock) -> Context:
        """The one context of the service built on ``clock`` (the bootstrap hands each entry
        point the clock; they share the context built from the environment for it)."""
        found = _CONTEXTS.get(id(clock))
        if found is None or found.clock is not clock:
            found = _CONTEXTS[id(clock)] = cls.build(clock)
        return found


_CONTEXTS: dict[int, Context] = {}
