"""JSON columns for small value lists of the topics domain, alike on SQLite and PostgreSQL.

Values are replaced by assignment in the domain, never edited in place, so plain (non-mutable)
JSON columns see every change.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from jiandu_shared.contracts.topics import ProposalSource, SatisfactionLevel
from jiandu_topics.domain.opinion import EvaluationResult
from jiandu_topics.domain.proposal import ProposalRef

E = TypeVar("E", bound=StrEnum)


class EnumList(TypeDecorator[list[E]], Generic[E]):
    """A list of string-enum members stored by value."""

    impl = JSON
    cache_ok = True

    def __init__(self, enum: type[E]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: list[E] | None, dialect: Dialect) -> Any:
        return None if value is None else [self.enum(v).value for v in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[E] | None:
        return None if value is None else [self.enum(v) for v in value]


class ProposalRefs(TypeDecorator[tuple[ProposalRef, ...]]):
    """The sources and submitters of duplicates merged into a proposal."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: tuple[ProposalRef, ...] | None, dialect: Dialect) -> Any:
        if value is None:
            return []
        return [
            {
                "proposal_id": str(ref.proposal_id),
                "source": ref.source.value,
                "tracking_code": ref.tracking_code,
                "submitter_name": ref.submitter_name,
                "submitter_ref": ref.submitter_ref,
            }
            for ref in value
        ]

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[ProposalRef, ...]:
        return tuple(
            ProposalRef(
                proposal_id=uuid.UUID(raw["proposal_id"]),
                source=ProposalSource(raw["source"]),
                tracking_code=raw["tracking_code"],
                submitter_name=raw["submitter_name"],
                submitter_ref=raw.get("submitter_ref"),
            )
            for raw in value or ()
        )


class EvaluationResultJson(TypeDecorator[EvaluationResult]):
    """The tally and verdict of one rated answer; SQL NULL while unrated."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def process_bind_param(self, value: EvaluationResult | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return {
            "satisfied": value.satisfied,
            "basically_satisfied": value.basically_satisfied,
            "unsatisfied": value.unsatisfied,
            "verdict": value.verdict.value,
        }

    def process_result_value(self, value: Any, dialect: Dialect) -> EvaluationResult | None:
        if value is None:
            return None
        return EvaluationResult(
            satisfied=int(value["satisfied"]),
            basically_satisfied=int(value["basically_satisfied"]),
            unsatisfied=int(value["unsatisfied"]),
            verdict=SatisfactionLevel(value["verdict"]),
        )
