"""On the real broker and PostgreSQL: an opinion a citizen sent by a deputy's code and the
deputy raised as a supervision topic arrives in topics as a proposal of source deputy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiandu_deputies.bootstrap import SPEC as DEPUTIES
from jiandu_topics.bootstrap import SPEC as TOPICS
from tests.service.deputies.opinions_support import (
    STAFF,
    as_deputy,
    opinion_body,
    register_deputy,
)
from tests.support.services import eventually, platform, running

pytestmark = pytest.mark.connected


@pytest.mark.parametrize("database_kind", ["postgresql"])
async def test_an_opinion_raised_as_a_topic_arrives_in_topics_as_a_deputy_proposal(
    rabbit_url: str, data_dir: Path, database_url: Any
) -> None:
    settings = platform(rabbit_url, data_dir)
    async with (
        running(TOPICS, settings, database_url=database_url()) as (_, topics),
        running(DEPUTIES, settings, database_url=database_url()) as (service, deputies),
    ):
        deputy = await register_deputy(service)
        receipt = await deputies.post(
            f"/public/deputies/{deputy.public_code}/opinions",
            json=opinion_body(subject="农村养老服务站运营难"),
        )
        assert receipt.status_code == 201, receipt.text
        page = await deputies.get("/citizen-opinions", headers=as_deputy(deputy))
        (opinion,) = page.json()["items"]
        raised = await deputies.post(
            f"/citizen-opinions/{opinion['id']}/raise-as-topic",
            json={
                "focus_area": "elderly_care_social_security",
                "rationale": "Voters at the liaison station raised it three times.",
                "year": 2027,
            },
            headers=as_deputy(deputy),
        )
        assert raised.status_code == 200, raised.text

        async def recorded() -> list[dict[str, Any]]:
            found = await topics.get("/proposals", params={"source": "deputy"}, headers=STAFF)
            assert found.status_code == 200, found.text
            return list(found.json()["items"])

        (proposal,) = await eventually(recorded, timeout=20)
        assert proposal["citizen_opinion_id"] == opinion["id"]
        assert proposal["submitter_ref"] == str(deputy.id)
        assert (proposal["title"], proposal["year"]) == ("农村养老服务站运营难", 2027)
        assert proposal["focus_area"] == "elderly_care_social_security"
        # The citizen's name and contact never left the deputies service.
        assert "王五" not in str(proposal) and "13800000000" not in str(proposal)
