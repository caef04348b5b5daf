"""Repository of liaison stations, their activity log, rating indexes and ratings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Text, cast, func, select

from jiandu_deputies.adapters.orm_stations import (
    liaison_stations,
    station_activities,
    station_rating_indexes,
    station_ratings,
)
from jiandu_deputies.domain.rating import RatingIndex, StationRating
from jiandu_deputies.domain.stations import LiaisonStation, StationActivity
from jiandu_shared.contracts.deputies.stations import StationKind, StationLevel
from jiandu_shared.errors import NotFound
from jiandu_shared.storage.repository import Repository


class StationRepository(Repository[LiaisonStation]):
    """``uow.stations``: stations and what belongs to them (activities, ratings), and the
    versions of the rating index."""

    entity = LiaisonStation
    label = "liaison station"

    async def by_name(self, name: str) -> LiaisonStation | None:
        station = await self.session.scalar(
            select(LiaisonStation).where(liaison_stations.c.name == name)
        )
        return None if station is None else self.seen(station)

    async def find(
        self,
        *,
        level: StationLevel | None,
        kind: StationKind | None,
        parent_id: uuid.UUID | None,
        deputy_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[LiaisonStation], int]:
        c = liaison_stations.c
        conditions: list[ColumnElement[bool]] = []
        if level is not None:
            conditions.append(c.level == level)
        if kind is not None:
            conditions.append(c.kind == kind)
        if parent_id is not None:
            conditions.append(c.parent_id == parent_id)
        if deputy_id is not None:
            # JSON lists are searched as text alike on SQLite and PostgreSQL.
            conditions.append(cast(c.deputy_ids, Text).contains(str(deputy_id)))
        return await self.page(
            liaison_stations, conditions, (c.level, c.name, c.id), limit=limit, offset=offset
        )

    async def all_ids(self) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(liaison_stations.c.id).order_by(liaison_stations.c.name)
        )
        return list(rows)

    # --- the activity log ----------------------------------------------------------------

    def add_activity(self, activity: StationActivity) -> None:
        self.session.add(activity)
        self._track(activity)

    async def activity(self, activity_id: uuid.UUID) -> StationActivity:
        activity = await self.session.get(StationActivity, activity_id)
        if activity is None:
            raise NotFound("station activity", activity_id)
        return activity

    async def activities(
        self,
        station_id: uuid.UUID | None,
        *,
        start: date,
        end: date,
        deputy_id: uuid.UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[Sequence[StationActivity], int]:
        """Activities held from ``start`` to ``end`` (inclusive), oldest first."""
        c = station_activities.c
        conditions: list[ColumnElement[bool]] = [c.held_on >= start, c.held_on <= end]
        if station_id is not None:
            conditions.append(c.station_id == station_id)
        if deputy_id is not None:
            conditions.append(cast(c.deputy_ids, Text).contains(str(deputy_id)))
        total = await self.session.scalar(
            select(func.count()).select_from(station_activities).where(*conditions)
        )
        query = (
            select(StationActivity)
            .where(*conditions)
            .order_by(c.held_on, c.recorded_at, c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        rows = list(await self.session.scalars(query))
        if deputy_id is not None:  # the text search could match a longer id: check exactly
            rows = [a for a in rows if deputy_id in a.deputy_ids]
        return rows, int(total or 0)

    # --- the rating index and ratings ----------------------------------------------------

    async def current_index(self) -> RatingIndex | None:
        index = await self.session.scalar(
            select(RatingIndex).order_by(station_rating_indexes.c.version.desc()).limit(1)
        )
        return index

    async def index(self, version: int) -> RatingIndex | None:
        index: RatingIndex | None = await self.session.get(RatingIndex, version)
        return index

    def add_index(self, index: RatingIndex) -> None:
        self.session.add(index)
        self._track(index)

    def add_rating(self, rating: StationRating) -> None:
        self.session.add(rating)
        self._track(rating)

    async def rating(self, station_id: uuid.UUID, year: int) -> StationRating | None:
        rating: StationRating | None = await self.session.scalar(
            select(StationRating).where(
                station_ratings.c.station_id == station_id, station_ratings.c.year == year
            )
        )
        return rating

    async def ratings(
        self, *, year: int, stars: int | None, limit: int, offset: int
    ) -> tuple[Sequence[StationRating], int]:
        c = station_ratings.c
        conditions: list[ColumnElement[bool]] = [c.year == year]
        if stars is not None:
            conditions.append(c.stars == stars)
        total = await self.session.scalar(
            select(func.count()).select_from(station_ratings).where(*conditions)
        )
        rows = await self.session.scalars(
            select(StationRating)
            .where(*conditions)
            .order_by(c.stars.desc(), c.station_id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)
