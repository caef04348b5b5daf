"""Domain errors every service raises; the HTTP layer maps them to problem+json."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base of errors a caller can act on; ``str(error)`` is the message shown to them."""


class NotFound(DomainError):
    def __init__(self, what: str, identifier: object) -> None:
        super().__init__(f"{what} {identifier} does not exist")
        self.what = what
        self.identifier = identifier


class InvalidTransition(DomainError):
    """An action not allowed in the current state (HTTP 409)."""

    def __init__(self, what: str, state: str, action: str, allowed: Iterable[str]) -> None:
        self.state = state
        self.action = action
        self.allowed = sorted(allowed)
        allowed_text = ", ".join(self.allowed) or "none"
        super().__init__(
            f"cannot {action} {what} in state '{state}'; allowed actions: {allowed_text}"
        )


class Conflict(DomainError):
    """The request conflicts with what is already recorded (HTTP 409)."""


class RuleViolation(DomainError):
    """The request is well-formed but breaks a domain rule (HTTP 422)."""
