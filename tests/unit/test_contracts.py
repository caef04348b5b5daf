"""The contracts catalogue and the envelope: no I/O."""

from __future__ import annotations

import re
import uuid

import pytest
from pydantic import ValidationError

from jiandu_shared.contracts import CATALOGUE, Classification, Envelope, EventData, wrap
from jiandu_shared.contracts.topics import ProposalSource, ProposalSubmitted
from jiandu_shared.correlation import correlation_scope

ROUTING_KEY = re.compile(r"^(topics|deputies|finance|notifications)\.[a-z_]+\.[a-z_]+$")
PERSONAL_FIELDS = {"name", "phone", "contact", "email", "address", "id_card", "submitter_name"}


def proposal_submitted() -> ProposalSubmitted:
    return ProposalSubmitted(
        proposal_id=uuid.uuid4(),
        tracking_code="JD-ABCDEFGHJK",
        year=2027,
        source=ProposalSource.PUBLIC,
        focus_area="ecology",
        title="河道治理",
    )


def test_every_event_type_is_a_routing_key_of_its_producer() -> None:
    for spec in CATALOGUE:
        assert ROUTING_KEY.match(spec.type), spec.type
        assert spec.version >= 1
        assert spec.description, f"{spec.type} needs a docstring"


def test_events_carry_no_personal_contact_data() -> None:
    for spec in CATALOGUE:
        fields = set(spec.model.model_fields)
        assert not fields & PERSONAL_FIELDS, (spec.type, fields & PERSONAL_FIELDS)


def test_envelope_round_trips_with_typed_data() -> None:
    with correlation_scope("flow-7", causation_id="cause-1"):
        envelope = wrap(proposal_submitted(), producer="topics")
    assert envelope.type == "topics.proposal.submitted"
    assert envelope.correlation_id == "flow-7"
    assert envelope.causation_id == "cause-1"
    assert envelope.classification is Classification.INTERNAL
    assert envelope.occurred_at.tzinfo is not None
    parsed = Envelope[ProposalSubmitted].model_validate_json(envelope.model_dump_json())
    assert parsed == envelope


def test_an_envelope_without_data_fields_is_rejected() -> None:
    raw = wrap(proposal_submitted(), producer="topics").model_dump(mode="json")
    del raw["data"]["proposal_id"]
    with pytest.raises(ValidationError):
        Envelope[ProposalSubmitted].model_validate(raw)


def test_an_event_type_must_name_service_aggregate_and_verb() -> None:
    with pytest.raises(ValueError, match=r"<service>\.<aggregate>\.<verb>"):

        class Badly(EventData):
            event_type = "topics.badly"

    assert "topics.badly" not in CATALOGUE


def test_every_schema_in_the_catalogue_has_its_own_name() -> None:
    """AsyncAPI documents key message and nested schemas by class name: two contracts of one
    name (say ``OpinionDeadlineRecomputed`` in topics and deputies) would overwrite each other,
    and which one won would depend on import order."""
    names = [spec.model.__name__ for spec in CATALOGUE]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    nested: dict[str, object] = {}
    for spec in CATALOGUE:
        for name, schema in spec.model.model_json_schema().get("$defs", {}).items():
            assert nested.setdefault(name, schema) == schema, f"two nested schemas named {name}"
