"""How a satisfaction evaluation (满意度测评) reads in every response: opinions and inquiries."""

from __future__ import annotations

from pydantic import BaseModel

from jiandu_shared.contracts.topics import SatisfactionLevel
from jiandu_topics.domain.opinion import EvaluationResult


class ResultOut(BaseModel):
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    total: int
    verdict: SatisfactionLevel
    passed: bool

    @classmethod
    def of(cls, r: EvaluationResult) -> ResultOut:
        return cls(
            satisfied=r.satisfied,
            basically_satisfied=r.basically_satisfied,
            unsatisfied=r.unsatisfied,
            total=r.total,
            verdict=r.verdict,
            passed=r.passed,
        )
