"""Performance evaluation (绩效评价) of livelihood projects, government investment projects,
special funds and micro projects.

An indicator set (绩效评价指标体系) is a weighted tree: first-level indicators such as 产出
(output), 效益 (benefit), 满意度 (satisfaction), 成本 (cost), with second- and third-level ones
under them. The first level's weights sum to 100; the weights of a node's children sum to the
node's weight. Leaves are scored (0 to their weight); the total is the sum of the leaf scores,
out of 100, and gives the grade:

    优 excellent  90 ≤ total ≤ 100
    良 good       80 ≤ total < 90
    中 fair       60 ≤ total < 80
    差 poor            total < 60

(the bands of the Ministry of Finance's project expenditure evaluation practice). Weights and
scores are exact decimals with at most two places.

Pure domain: no framework imports.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from jiandu_shared.contracts import EventData
from jiandu_shared.contracts.finance.performance import (
    EvaluatedSubject,
    Grade,
    IndicatorSetDefined,
    PerformanceEvaluated,
)
from jiandu_shared.errors import RuleViolation

HUNDRED = Decimal(100)
MAX_INDICATORS = 200
MAX_DEPTH = 3

# Lower bound of each grade, from the best down.
GRADE_BANDS: list[tuple[Grade, Decimal]] = [
    (Grade.EXCELLENT, Decimal(90)),
    (Grade.GOOD, Decimal(80)),
    (Grade.FAIR, Decimal(60)),
    (Grade.POOR, Decimal(0)),
]
GRADE_LABELS = {Grade.EXCELLENT: "优", Grade.GOOD: "良", Grade.FAIR: "中", Grade.POOR: "差"}


def grade_of(total: Decimal) -> Grade:
    if not Decimal(0) <= total <= HUNDRED:
        raise RuleViolation(f"a total score lies between 0 and 100, not {total}")
    for grade, lower in GRADE_BANDS:
        if total >= lower:
            return grade
    return Grade.POOR  # unreachable: the last band starts at 0


@dataclass(frozen=True)
class Indicator:
    """One node of the tree; ``parent`` is the code of the node above (None at the top)."""

    code: str
    name: str
    weight: Decimal
    parent: str | None = None
    target: str | None = None  # 指标值 / 目标, e.g. "≥95%", "按期完工"


@dataclass(frozen=True)
class Score:
    code: str
    score: Decimal
    comment: str | None = None


def _check_tree(indicators: tuple[Indicator, ...]) -> None:
    if not indicators or len(indicators) > MAX_INDICATORS:
        raise RuleViolation(f"an indicator set has 1 to {MAX_INDICATORS} indicators")
    codes = Counter(i.code for i in indicators)
    if twice := sorted(c for c, n in codes.items() if n > 1):
        raise RuleViolation(f"indicator codes appear twice: {', '.join(twice)}")
    by_code = {i.code: i for i in indicators}
    depth: dict[str, int] = {}
    for indicator in indicators:  # parents come first, so the tree has no cycle
        if indicator.weight <= 0 or indicator.weight > HUNDRED:
            raise RuleViolation(f"indicator {indicator.code}: a weight lies in (0, 100]")
        if indicator.parent is None:
            depth[indicator.code] = 1
            continue
        if indicator.parent not in depth:
            raise RuleViolation(
                f"indicator {indicator.code}: its parent {indicator.parent} must be listed "
                f"before it"
            )
        depth[indicator.code] = depth[indicator.parent] + 1
        if depth[indicator.code] > MAX_DEPTH:
            raise RuleViolation(f"indicator {indicator.code}: at most {MAX_DEPTH} levels")
    top = sum((i.weight for i in indicators if i.parent is None), Decimal(0))
    if top != HUNDRED:
        raise RuleViolation(f"the first-level weights sum to {top}, not 100")
    for code, node in by_code.items():
        children = [i for i in indicators if i.parent == code]
        if children and (total := sum((c.weight for c in children), Decimal(0))) != node.weight:
            raise RuleViolation(
                f"the weights under indicator {code} sum to {total}, not its weight {node.weight}"
            )


class IndicatorSet:
    """A weighted indicator tree used to evaluate one kind of project."""

    def __init__(
        self,
        *,
        id: uuid.UUID,
        name: str,
        subject: EvaluatedSubject,
        indicators: tuple[Indicator, ...],
        defined_at: datetime,
        defined_by: str,
    ) -> None:
        self.id = id
        self.name = name
        self.subject = subject
        self.indicators = indicators
        self.defined_at = defined_at
        self.defined_by = defined_by
        self.events: list[EventData] = []

    @classmethod
    def define(
        cls,
        *,
        name: str,
        subject: EvaluatedSubject,
        indicators: tuple[Indicator, ...],
        now: datetime,
        defined_by: str,
    ) -> IndicatorSet:
        _check_tree(indicators)
        indicator_set = cls(
            id=uuid.uuid4(),
            name=name,
            subject=subject,
            indicators=indicators,
            defined_at=now,
            defined_by=defined_by,
        )
        indicator_set.events.append(
            IndicatorSetDefined(
                indicator_set_id=indicator_set.id,
                title=name,
                subject=subject,
                indicators=len(indicators),
                scored_indicators=len(indicator_set.leaves()),
            )
        )
        return indicator_set

    def leaves(self) -> list[Indicator]:
        parents = {i.parent for i in self.indicators}
        return [i for i in self.indicators if i.code not in parents]


class PerformanceEvaluation:
    """One evaluation of a project against an indicator set: scores, total, grade, findings."""

    def __init__(
        self,
        *,
        id: uuid.UUID,
        indicator_set_id: uuid.UUID,
        subject: EvaluatedSubject,
        subject_id: str,
        subject_name: str,
        year: int,
        evaluator: str,
        scores: tuple[Score, ...],
        total: Decimal,
        grade: Grade,
        findings: str | None,
        evaluated_at: datetime,
        evaluated_by: str,
    ) -> None:
        self.id = id
        self.indicator_set_id = indicator_set_id
        self.subject = subject
        self.subject_id = subject_id
        self.subject_name = subject_name
        self.year = year
        self.evaluator = evaluator
        self.scores = scores
        self.total = total
        self.grade = grade
        self.findings = findings
        self.evaluated_at = evaluated_at
        self.evaluated_by = evaluated_by
        self.events: list[EventData] = []

    @classmethod
    def evaluate(
        cls,
        indicator_set: IndicatorSet,
        *,
        subject_id: str,
        subject_name: str,
        year: int,
        evaluator: str,
        scores: tuple[Score, ...],
        findings: str | None,
        now: datetime,
        evaluated_by: str,
    ) -> PerformanceEvaluation:
        leaves = {i.code: i for i in indicator_set.leaves()}
        given = Counter(s.code for s in scores)
        if twice := sorted(c for c, n in given.items() if n > 1):
            raise RuleViolation(f"indicators scored twice: {', '.join(twice)}")
        if unknown := sorted(set(given) - set(leaves)):
            raise RuleViolation(
                f"not scored indicators of this set (unknown or not a leaf): {', '.join(unknown)}"
            )
        if missing := sorted(set(leaves) - set(given)):
            raise RuleViolation(f"indicators without a score: {', '.join(missing)}")
        for score in scores:
            weight = leaves[score.code].weight
            if not Decimal(0) <= score.score <= weight:
                raise RuleViolation(
                    f"indicator {score.code}: a score lies between 0 and its weight {weight}, "
                    f"not {score.score}"
                )
        total = sum((s.score for s in scores), Decimal(0))
        grade = grade_of(total)
        evaluation = cls(
            id=uuid.uuid4(),
            indicator_set_id=indicator_set.id,
            subject=indicator_set.subject,
            subject_id=subject_id,
            subject_name=subject_name,
            year=year,
            evaluator=evaluator,
            scores=tuple(sorted(scores, key=lambda s: list(leaves).index(s.code))),
            total=total,
            grade=grade,
            findings=findings,
            evaluated_at=now,
            evaluated_by=evaluated_by,
        )
        evaluation.events.append(
            PerformanceEvaluated(
                evaluation_id=evaluation.id,
                indicator_set_id=indicator_set.id,
                subject=indicator_set.subject,
                subject_id=subject_id,
                year=year,
                total=total,
                grade=grade,
            )
        )
        return evaluation
