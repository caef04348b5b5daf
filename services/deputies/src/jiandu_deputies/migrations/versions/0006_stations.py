"""Tables of the stations area: liaison stations and their star rating, dual contact (双联系),
deputies' activities and performance scores (履职"五个一").

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from jiandu_shared.storage.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _version() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))


def upgrade() -> None:
    op.create_table(
        "liaison_stations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.Uuid(), sa.ForeignKey("liaison_stations.id"), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("deputy_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _version(),
    )
    op.create_table(
        "station_checks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "station_id",
            sa.Uuid(),
            sa.ForeignKey("liaison_stations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item", sa.String(20), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("checked_by", sa.String(100), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_station_checks_station", "station_checks", ["station_id"])
    op.create_table(
        "station_activities",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("station_id", sa.Uuid(), sa.ForeignKey("liaison_stations.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("deputy_ids", sa.JSON(), nullable=False),
        sa.Column("citizens_received", sa.Integer(), nullable=False),
        sa.Column("opinions_collected", sa.Integer(), nullable=False),
        sa.Column("opinions_handled", sa.Integer(), nullable=False),
        sa.Column("opinions_replied_in_time", sa.Integer(), nullable=False),
        sa.Column("satisfaction_responses", sa.Integer(), nullable=False),
        sa.Column("satisfied_responses", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_station_activities_station_held", "station_activities", ["station_id", "held_on"]
    )
    op.create_index("ix_station_activities_held", "station_activities", ["held_on"])
    op.create_table(
        "station_rating_indexes",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("star_thresholds", sa.JSON(), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "station_ratings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("station_id", sa.Uuid(), sa.ForeignKey("liaison_stations.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("index_version", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("total_points", sa.JSON(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("station_id", "year", name="uq_station_ratings_station_year"),
    )
    op.create_index("ix_station_ratings_year", "station_ratings", ["year"])

    op.create_table(
        "committee_members",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("title", sa.String(100), nullable=True),
        sa.Column("deputy_id", sa.Uuid(), nullable=True),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "voters",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("gender", sa.String(10), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("industry", sa.String(50), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("vulnerable", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_voters_priority", "voters", ["priority", "registered_at"])
    op.create_table(
        "contact_links",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("contactor_id", sa.Uuid(), nullable=False),
        sa.Column("contactee_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        _version(),
    )
    op.create_index("ix_contact_links_contactor", "contact_links", ["kind", "contactor_id"])
    op.create_index("ix_contact_links_contactee", "contact_links", ["kind", "contactee_id"])
    op.create_table(
        "contact_records",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("link_id", sa.Uuid(), sa.ForeignKey("contact_links.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("contactor_id", sa.Uuid(), nullable=False),
        sa.Column("contactee_id", sa.Uuid(), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("raised", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_contact_records_link_on", "contact_records", ["link_id", "contacted_on"])
    op.create_index(
        "ix_contact_records_contactor_on", "contact_records", ["contactor_id", "contacted_on"]
    )

    op.create_table(
        "deputy_activities",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_deputy_activities_deputy_held", "deputy_activities", ["deputy_id", "held_on"]
    )
    op.create_table(
        "performance_rules",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("max_total", sa.JSON(), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "performance_scores",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("total_points", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("deputy_id", "year", name="uq_performance_scores_deputy_year"),
    )
    op.create_index("ix_performance_scores_year", "performance_scores", ["year"])


def downgrade() -> None:
    op.drop_index("ix_performance_scores_year", table_name="performance_scores")
    op.drop_table("performance_scores")
    op.drop_table("performance_rules")
    op.drop_index("ix_deputy_activities_deputy_held", table_name="deputy_activities")
    op.drop_table("deputy_activities")
    op.drop_index("ix_contact_records_contactor_on", table_name="contact_records")
    op.drop_index("ix_contact_records_link_on", table_name="contact_records")
    op.drop_table("contact_records")
    op.drop_index("ix_contact_links_contactee", table_name="contact_links")
    op.drop_index("ix_contact_links_contactor", table_name="contact_links")
    op.drop_table("contact_links")
    op.drop_index("ix_voters_priority", table_name="voters")
    op.drop_table("voters")
    op.drop_table("committee_members")
    op.drop_index("ix_station_ratings_year", table_name="station_ratings")
    op.drop_table("station_ratings")
    op.drop_table("station_rating_indexes")
    op.drop_index("ix_station_activities_held", table_name="station_activities")
    op.drop_index("ix_station_activities_station_held", table_name="station_activities")
    op.drop_table("station_activities")
    op.drop_index("ix_station_checks_station", table_name="station_checks")
    op.drop_table("station_checks")
    op.drop_table("liaison_stations")
