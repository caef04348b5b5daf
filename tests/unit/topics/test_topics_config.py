"""Tunable rules of the topics service come from the environment (JIANDU_TOPICS_*)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic import ValidationError

from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_topics.config import DEFAULT_FOCUS_AREAS, TopicsSettings


def test_defaults_name_the_seeds_focus_areas_and_half_thresholds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JIANDU_TOPICS_FOCUS_AREAS", raising=False)
    settings = TopicsSettings()
    assert settings.focus_areas == DEFAULT_FOCUS_AREAS
    assert {"preschool_childcare", "anti_telecom_fraud", "farmland_protection"} <= set(
        settings.focus_areas
    )
    assert settings.inquiry_thresholds.unsatisfied_above == Fraction(1, 2)


def test_focus_areas_and_thresholds_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JIANDU_TOPICS_FOCUS_AREAS", '{"ecology": "生态环境"}')
    monkeypatch.setenv("JIANDU_TOPICS_INQUIRY_UNSATISFIED_ABOVE", "0.3")
    monkeypatch.setenv("JIANDU_TOPICS_INQUIRY_UNSATISFIED_AT_THRESHOLD", "true")
    monkeypatch.setenv("JIANDU_TOPICS_INQUIRY_MIN_VOTES", "3")
    settings = TopicsSettings()
    assert settings.focus_areas == {"ecology": "生态环境"}
    thresholds = settings.inquiry_thresholds
    assert thresholds.unsatisfied_above == Fraction(3, 10)
    assert thresholds.min_votes == 3
    # 3 of 10 unsatisfied is exactly at the threshold, which now fails.
    assert thresholds.verdict(7, 0, 3) is SatisfactionLevel.UNSATISFIED


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JIANDU_TOPICS_INQUIRY_SATISFIED_ABOVE", "half"),
        ("JIANDU_TOPICS_INQUIRY_SATISFIED_ABOVE", "1"),
        ("JIANDU_TOPICS_INQUIRY_MIN_VOTES", "0"),
        ("JIANDU_TOPICS_FOCUS_AREAS", "{}"),
    ],
)
def test_nonsense_configuration_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        TopicsSettings()
