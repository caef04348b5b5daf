"""The deputies unit of work: the kernel's, with this service's repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from jiandu_deputies import SERVICE_NAME
from jiandu_deputies.adapters import metadata as orm_metadata
from jiandu_deputies.adapters.dual_contact_repository import DualContactRepository
from jiandu_deputies.adapters.legislation_repository import (
    ContactPointRepository,
    DraftLawRepository,
    OpinionPackageRepository,
)
from jiandu_deputies.adapters.micro_project_repository import MicroProjectRepository
from jiandu_deputies.adapters.opinion_repository import CitizenOpinionRepository
from jiandu_deputies.adapters.performance_repository import PerformanceRepository
from jiandu_deputies.adapters.questioning_repository import (
    ProblemClueRepository,
    QuestioningSessionRepository,
    TrackedProblemRepository,
)
from jiandu_deputies.adapters.registry_repository import DeputyRepository
from jiandu_deputies.adapters.station_repository import StationRepository
from jiandu_deputies.adapters.suggestion_repository import SuggestionRepository
from jiandu_shared.storage.calendar import CalendarRepository
from jiandu_shared.storage.database import Database
from jiandu_shared.storage.unit_of_work import UnitOfWork


class DeputiesUnitOfWork(UnitOfWork):
    # repositories: one line per repository, in area order
    deputies: DeputyRepository
    stations: StationRepository
    dual_contact: DualContactRepository
    performance: PerformanceRepository
    citizen_opinions: CitizenOpinionRepository
    suggestions: SuggestionRepository
    contact_points: ContactPointRepository
    draft_laws: DraftLawRepository
    opinion_packages: OpinionPackageRepository
    micro_projects: MicroProjectRepository
    questioning_sessions: QuestioningSessionRepository
    problem_clues: ProblemClueRepository
    tracked_problems: TrackedProblemRepository
    calendar: CalendarRepository

    def __init__(self, database: Database, on_commit: Callable[[], None] | None = None) -> None:
        super().__init__(database, orm_metadata.metadata, SERVICE_NAME, on_commit)

    def _open(self, session: AsyncSession) -> None:
        # open: one line per repository, in area order
        self.deputies = DeputyRepository(session, self.track)
        self.stations = StationRepository(session, self.track)
        self.dual_contact = DualContactRepository(session, self.track)
        self.performance = PerformanceRepository(session, self.track)
        self.citizen_opinions = CitizenOpinionRepository(session, self.track)
        self.suggestions = SuggestionRepository(session, self.track)
        self.contact_points = ContactPointRepository(session, self.track)
        self.draft_laws = DraftLawRepository(session, self.track)
        self.opinion_packages = OpinionPackageRepository(session, self.track)
        self.micro_projects = MicroProjectRepository(session, self.track)
        self.questioning_sessions = QuestioningSessionRepository(session, self.track)
        self.problem_clues = ProblemClueRepository(session, self.track)
        self.tracked_problems = TrackedProblemRepository(session, self.track)
        self.calendar = CalendarRepository(session, orm_metadata.official_years)
