"""Performance evaluation in the domain: weighted indicator trees, scores, totals, grade bands."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from jiandu_finance.domain.performance import (
    Indicator,
    IndicatorSet,
    PerformanceEvaluation,
    Score,
    grade_of,
)
from jiandu_shared.contracts.finance.performance import (
    EvaluatedSubject,
    Grade,
    PerformanceEvaluated,
)
from jiandu_shared.errors import RuleViolation

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)
D = Decimal

TREE = (
    Indicator("1", "产出指标", D("40")),
    Indicator("1.1", "数量指标", D("20"), "1", "完成改造 30 个小区"),
    Indicator("1.2", "质量指标", D("20"), "1", "验收合格率 100%"),
    Indicator("2", "效益指标", D("30")),
    Indicator("3", "满意度指标", D("20")),
    Indicator("4", "成本指标", D("10")),
)


def a_set(indicators: tuple[Indicator, ...] = TREE) -> IndicatorSet:
    return IndicatorSet.define(
        name="民生实事项目绩效评价",
        subject=EvaluatedSubject.LIVELIHOOD_PROJECT,
        indicators=indicators,
        now=NOW,
        defined_by="staff",
    )


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("80", Grade.GOOD),
        ("79.99", Grade.FAIR),
        ("60", Grade.FAIR),
        ("59.99", Grade.POOR),
        ("0", Grade.POOR),
    ],
)
def test_grade_bands(total: str, grade: Grade) -> None:
    assert grade_of(D(total)) is grade


def test_a_total_outside_0_to_100_has_no_grade() -> None:
    with pytest.raises(RuleViolation):
        grade_of(D("100.01"))


def test_the_tree_weights_must_add_up() -> None:
    assert [i.code for i in a_set().leaves()] == ["1.1", "1.2", "2", "3", "4"]
    with pytest.raises(RuleViolation, match="sum to 99"):
        a_set((*TREE[:-1], Indicator("4", "成本指标", D("9"))))
    with pytest.raises(RuleViolation, match="under indicator 1 sum to 39"):
        a_set((TREE[0], TREE[1], Indicator("1.2", "质量", D("19"), "1"), *TREE[3:]))
    with pytest.raises(RuleViolation, match="listed before"):
        a_set((TREE[1], TREE[0], *TREE[2:]))
    with pytest.raises(RuleViolation, match="twice"):
        a_set((*TREE, Indicator("4", "again", D("1"))))


def evaluate(*scores: Score) -> PerformanceEvaluation:
    return PerformanceEvaluation.evaluate(
        a_set(),
        subject_id="P-2026-01",
        subject_name="老旧小区改造",
        year=2026,
        evaluator="第三方评价机构",
        scores=scores,
        findings="部分小区进度滞后",
        now=NOW,
        evaluated_by="staff",
    )


def test_an_evaluation_totals_its_scores_exactly() -> None:
    evaluation = evaluate(
        Score("1.1", D("18.5")),
        Score("1.2", D("19.25")),
        Score("2", D("26.1")),
        Score("3", D("17")),
        Score("4", D("8.9")),
    )
    assert evaluation.total == D("89.75") and evaluation.grade is Grade.GOOD
    (event,) = evaluation.events
    assert isinstance(event, PerformanceEvaluated)
    assert event.model_dump(mode="json")["total"] == "89.75"


def test_every_leaf_is_scored_once_within_its_weight() -> None:
    full = [Score("1.1", D("20")), Score("1.2", D("20")), Score("2", D("30")), Score("3", D("20"))]
    with pytest.raises(RuleViolation, match="without a score: 4"):
        evaluate(*full)
    with pytest.raises(RuleViolation, match="between 0 and its weight 10"):
        evaluate(*full, Score("4", D("10.01")))
    with pytest.raises(RuleViolation, match="unknown or not a leaf"):
        evaluate(*full, Score("4", D("10")), Score("1", D("1")))
    with pytest.raises(RuleViolation, match="twice"):
        evaluate(*full, Score("4", D("10")), Score("4", D("10")))
    assert evaluate(*full, Score("4", D("10"))).grade is Grade.EXCELLENT
