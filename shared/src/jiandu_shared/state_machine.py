"""The transition table of an aggregate's state machine, with the platform's 409 message.

Every aggregate declares ONE table, state -> action -> the state(s) the action may lead to;
what is allowed, the error for what is not, and the next state all derive from it.
Pure Python: domain modules use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Generic, TypeVar

from jiandu_shared.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class TransitionTable(Mapping[S, Mapping[A, frozenset[S]]], Generic[S, A]):
    def __init__(self, what: str, table: Mapping[S, Mapping[A, S | Iterable[S]]]) -> None:
        self.what = what
        self._table: Mapping[S, Mapping[A, frozenset[S]]] = MappingProxyType(
            {
                state: MappingProxyType(
                    {
                        action: frozenset((to,) if isinstance(to, StrEnum) else to)
                        for action, to in actions.items()
                    }
                )
                for state, actions in table.items()
            }
        )

    def __getitem__(self, state: S) -> Mapping[A, frozenset[S]]:
        return self._table[state]

    def __iter__(self) -> Iterator[S]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def allowed(self, state: S) -> frozenset[A]:
        return frozenset(self._table[state])

    def require(self, state: S, action: A) -> None:
        """Raise the 409 naming the current state and what is allowed in it."""
        if action not in self._table[state]:
            raise InvalidTransition(
                self.what, str(state), str(action), [str(a) for a in self.allowed(state)]
            )

    def move(self, state: S, action: A, target: S | None = None) -> S:
        """The state ``action`` leads to; ``target`` chooses when the table allows several."""
        self.require(state, action)
        targets = self._table[state][action]
        if target is None:
            if len(targets) != 1:
                raise ValueError(f"{self.what}: {action} from {state} needs a target state")
            (target,) = targets
        elif target not in targets:
            raise ValueError(f"{self.what}: {action} from {state} cannot lead to {target}")
        return target
