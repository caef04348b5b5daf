"""The yearly performance score (履职"五个一"): every point with its reason, caps,
shortfalls of the required "ones", deductions, and the clamp; hand-computed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from jiandu_deputies.domain.performance import (
    DeputyActivity,
    KindRule,
    Performed,
    ScoringRules,
    Source,
    default_rules,
    score,
)
from jiandu_shared.contracts.deputies.stations import DeputyActivityKind as K
from jiandu_shared.errors import RuleViolation

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
D = Decimal


def done(kind: K, day: int, n: int = 0, source: Source = Source.ACTIVITY) -> Performed:
    return Performed(kind, date(2026, 1, 1).replace(day=day), source, uuid.UUID(int=n), kind.value)


def rules(**kinds: KindRule) -> ScoringRules:
    return ScoringRules.define(
        version=1,
        kinds={K(k): r for k, r in kinds.items()},
        max_total=D(100),
        set_by="staff",
        now=NOW,
    )


def test_points_per_activity_with_a_reason_each() -> None:
    result = score(
        [done(K.VOTER_VISIT, 3, 1), done(K.SUGGESTION, 5, 2), done(K.VOTER_VISIT, 1, 3)],
        rules(voter_visit=KindRule(D(2)), suggestion=KindRule(D(5))),
    )
    assert [(line.ref, line.points) for line in result.lines] == [
        (uuid.UUID(int=3), D(2)),  # the earlier visit first
        (uuid.UUID(int=1), D(2)),
        (uuid.UUID(int=2), D(5)),
    ]
    assert result.lines[0].rule == "voter_visit (走访选民): +2 each"
    assert result.total == D(9)


def test_a_cap_cuts_the_last_activity_and_zeroes_the_rest() -> None:
    # 3 points each, cap 7: 3 + 3 + 1 (cut) + 0 + 0 = 7.
    result = score(
        [done(K.INSPECTION, d, d) for d in range(1, 6)],
        rules(inspection=KindRule(D(3), cap=D(7))),
    )
    assert [line.points for line in result.lines] == [D(3), D(3), D(1), D(0), D(0)]
    assert "cut to +1 by the yearly cap of 7" in result.lines[2].rule
    assert "cap of 7 reached" in result.lines[3].rule
    assert result.total == D(7)


def test_missing_ones_and_absences_are_deducted() -> None:
    # Report to voters required once, none: -10. Suggestions required 2, one made: 5 - 5.
    # Two absences at -5 each, capped at 8 deducted: -5, -3. Visits: 4 x 10 = 40.
    result = score(
        [done(K.SUGGESTION, 2, 1), done(K.ABSENCE, 3, 2), done(K.ABSENCE, 4, 3)]
        + [done(K.VOTER_VISIT, d, 10 + d) for d in range(5, 9)],
        rules(
            report_to_voters=KindRule(D(10), required=1, shortfall=D(10)),
            suggestion=KindRule(D(5), required=2, shortfall=D(5)),
            absence=KindRule(D(-5), cap=D(8)),
            voter_visit=KindRule(D(10)),
        ),
    )
    by_rule = [(line.kind, line.points) for line in result.lines]
    assert (K.REPORT_TO_VOTERS, D(-10)) in by_rule
    assert by_rule.count((K.ABSENCE, D(-5))) == 1 and (K.ABSENCE, D(-3)) in by_rule
    shortfall = next(
        line for line in result.lines if line.kind is K.SUGGESTION and line.ref is None
    )
    assert shortfall.points == D(-5)
    assert shortfall.title == "提出建议: 1 of 2 required"
    assert result.total == D(40) + D(5) - D(5) - D(10) - D(8)  # 22


def test_the_total_is_clamped_to_zero_and_the_maximum() -> None:
    low = score([done(K.ABSENCE, 1, 1)], rules(absence=KindRule(D(-5))))
    assert low.total == 0
    assert low.lines[-1].points == D(5) and "clamped" in low.lines[-1].rule
    high = score(
        [done(K.VOTER_VISIT, d, d) for d in range(1, 12)], rules(voter_visit=KindRule(D(10)))
    )
    assert high.total == D(100)
    assert high.lines[-1].points == D(-10)


def test_kinds_without_a_rule_score_nothing_but_are_listed() -> None:
    result = score([done(K.TRAINING, 1, 1)], rules(voter_visit=KindRule(D(1))))
    assert result.total == 0
    assert result.lines[0].rule == "training: no rule in this version"


def test_the_default_five_ones() -> None:
    # One of each of the five "ones", plus a station duty twice and a contact with a voter:
    # visit 2 + suggestion 5 + inspection 3 + report 10 + station 2 x 2 + contact 1 = 25.
    performed = [
        done(K.VOTER_VISIT, 1, 1),
        done(K.SUGGESTION, 2, 2),
        done(K.INSPECTION, 3, 3),
        done(K.REPORT_TO_VOTERS, 4, 4),
        done(K.STATION_DUTY, 5, 5, Source.STATION),
        done(K.STATION_DUTY, 6, 6, Source.STATION),
        done(K.VOTER_CONTACT, 7, 7, Source.CONTACT),
    ]
    assert score(performed, default_rules(NOW)).total == D(25)
    # Without a report to voters: -10 for the missing one, and its 10 points are not earned.
    assert score(performed[:3] + performed[4:], default_rules(NOW)).total == D(5)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (KindRule(D(1), cap=D(0)), "cap must be positive"),
        (KindRule(D(1), shortfall=D(2)), "needs a required count"),
        (KindRule(D("0.125")), "2 decimal places"),
        (KindRule(D(1), required=-1), "cannot be negative"),
    ],
)
def test_rules_that_cannot_score_are_refused(rule: KindRule, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        rules(voter_visit=rule)


@pytest.mark.parametrize(
    "kind", [K.STATION_DUTY, K.SUGGESTION, K.VOTER_CONTACT, K.OPINION_ANSWERED]
)
def test_derived_kinds_are_not_recorded_by_hand(kind: K) -> None:
    with pytest.raises(RuleViolation, match="not recorded"):
        DeputyActivity.record(
            deputy_id=uuid.uuid4(),
            kind=K.STATION_DUTY,
            held_on=date(2026, 1, 1),
            title="x",
            recorded_by="s",
            today=date(2026, 12, 7),
            now=NOW,
        )
