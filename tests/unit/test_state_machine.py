"""The transition table every aggregate builds on."""

from __future__ import annotations

from enum import StrEnum

import pytest

from jiandu_shared.errors import InvalidTransition
from jiandu_shared.state_machine import TransitionTable


class Light(StrEnum):
    OFF = "off"
    ON = "on"
    BROKEN = "broken"


class Switch(StrEnum):
    PRESS = "press"
    KICK = "kick"


TABLE: TransitionTable[Light, Switch] = TransitionTable(
    "lamp",
    {
        Light.OFF: {Switch.PRESS: Light.ON, Switch.KICK: [Light.OFF, Light.BROKEN]},
        Light.ON: {Switch.PRESS: Light.OFF},
        Light.BROKEN: {},
    },
)


def test_allowed_actions_and_moves_come_from_the_table() -> None:
    assert TABLE.allowed(Light.OFF) == {Switch.PRESS, Switch.KICK}
    assert TABLE.move(Light.OFF, Switch.PRESS) is Light.ON
    assert TABLE.move(Light.OFF, Switch.KICK, Light.BROKEN) is Light.BROKEN


def test_a_forbidden_action_names_the_state_and_what_is_allowed() -> None:
    with pytest.raises(InvalidTransition) as refused:
        TABLE.move(Light.ON, Switch.KICK)
    assert str(refused.value) == "cannot kick lamp in state 'on'; allowed actions: press"
    assert refused.value.allowed == ["press"]
    with pytest.raises(InvalidTransition, match="allowed actions: none"):
        TABLE.require(Light.BROKEN, Switch.PRESS)


def test_an_ambiguous_or_impossible_target_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="needs a target"):
        TABLE.move(Light.OFF, Switch.KICK)
    with pytest.raises(ValueError, match="cannot lead to"):
        TABLE.move(Light.OFF, Switch.PRESS, Light.BROKEN)
