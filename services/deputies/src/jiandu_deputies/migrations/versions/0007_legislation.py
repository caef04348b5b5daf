"""Tables of the legislation area: legislative contact points, draft laws (articles), opinion
packages (opinions); micro projects (votes, spending); questioning sessions (attendees), problem
clues, tracked problems (progress reports).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _parent(column: str, table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        column, sa.Uuid(), sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False
    )


def _money(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    # Whole fen in a BIGINT (jiandu_shared.money.YuanColumn).
    return sa.Column(name, sa.BigInteger(), nullable=nullable)


def upgrade() -> None:
    # --- grassroots legislative contact points ---------------------------------------------
    op.create_table(
        "legislative_contact_points",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("legislature", sa.String(200), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        _at("registered_at", nullable=False),
    )
    op.create_table(
        "draft_laws",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("legislature", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("opinion_deadline", sa.Date(), nullable=False),
        _at("received_at", nullable=False),
    )
    op.create_index("ix_draft_laws_received_at", "draft_laws", ["received_at"])
    op.create_table(
        "draft_law_articles",
        _parent("draft_law_id", "draft_laws"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("draft_law_id", "number", name="pk_draft_law_articles"),
    )
    op.create_table(
        "opinion_packages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("draft_law_id", sa.Uuid(), sa.ForeignKey("draft_laws.id"), nullable=False),
        sa.Column(
            "contact_point_id",
            sa.Uuid(),
            sa.ForeignKey("legislative_contact_points.id"),
            nullable=False,
        ),
        sa.Column("legislature", sa.String(200), nullable=False),
        sa.Column("opinion_deadline", sa.Date(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        _at("opened_at", nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        _at("forwarded_at"),
        sa.Column("forwarded_by", sa.String(128), nullable=True),
        sa.Column("cover_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint(
            "draft_law_id", "contact_point_id", name="uq_opinion_package_law_point"
        ),
    )
    op.create_index("ix_opinion_packages_draft_law_id", "opinion_packages", ["draft_law_id"])
    op.create_index(
        "ix_opinion_packages_contact_point_id", "opinion_packages", ["contact_point_id"]
    )
    op.create_table(
        "legislative_opinions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _parent("package_id", "opinion_packages"),
        sa.Column("article_number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contributor_kind", sa.String(20), nullable=False),
        sa.Column("contributor_name", sa.String(100), nullable=True),
        sa.Column("contributor_contact", sa.String(200), nullable=True),
        sa.Column("deputy_id", sa.Uuid(), nullable=True),
        _at("collected_at", nullable=False),
        sa.Column("collected_by", sa.String(128), nullable=True),
    )
    op.create_index("ix_legislative_opinions_package_id", "legislative_opinions", ["package_id"])

    # --- micro projects ----------------------------------------------------------------------
    op.create_table(
        "micro_projects",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(200), nullable=True),
        _money("estimated_cost"),
        sa.Column("proposer_name", sa.String(100), nullable=True),
        sa.Column("proposer_contact", sa.String(200), nullable=True),
        sa.Column("station_id", sa.Uuid(), nullable=True),
        sa.Column("proposed_by", sa.String(128), nullable=True),
        sa.Column("tracking_code", sa.String(20), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        _at("proposed_at", nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        _money("budget_amount"),
        sa.Column("implementing_department_id", sa.Uuid(), nullable=True),
        _at("screened_at"),
        sa.Column("screening_note", sa.Text(), nullable=True),
        _at("vote_opened_at"),
        _at("vote_closed_at"),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_report", sa.Text(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        _money("final_cost"),
        sa.Column("acceptance_note", sa.Text(), nullable=True),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    for column in ("year", "station_id", "state", "implementing_department_id"):
        op.create_index(f"ix_micro_projects_{column}", "micro_projects", [column])
    op.create_table(
        "micro_project_votes",
        _parent("micro_project_id", "micro_projects"),
        sa.Column("deputy_id", sa.Uuid(), nullable=False),
        sa.Column("choice", sa.String(20), nullable=False),
        _at("cast_at", nullable=False),
        sa.PrimaryKeyConstraint("micro_project_id", "deputy_id", name="pk_micro_project_votes"),
    )
    op.create_table(
        "micro_project_spendings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _parent("micro_project_id", "micro_projects"),
        _money("amount", nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _at("recorded_at", nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
    )
    op.create_index(
        "ix_micro_project_spendings_micro_project_id",
        "micro_project_spendings",
        ["micro_project_id"],
    )

    # --- questioning -------------------------------------------------------------------------
    op.create_table(
        "questioning_sessions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("theme", sa.String(200), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        _at("scheduled_at", nullable=False),
        sa.Column("scheduled_by", sa.String(128), nullable=False),
        _at("held_at"),
        _at("closed_at"),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_questioning_sessions_held_on", "questioning_sessions", ["held_on"])
    op.create_table(
        "questioning_attendees",
        _parent("session_id", "questioning_sessions"),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("official_name", sa.String(100), nullable=False),
        sa.Column("official_title", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("session_id", "department_id", name="pk_questioning_attendees"),
    )
    op.create_table(
        "problem_clues",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "session_id", sa.Uuid(), sa.ForeignKey("questioning_sessions.id"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("submitter_name", sa.String(100), nullable=True),
        sa.Column("submitter_contact", sa.String(200), nullable=True),
        _at("submitted_at", nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("sift_note", sa.Text(), nullable=True),
        _at("sifted_at"),
        sa.Column("sifted_by", sa.String(128), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_problem_clues_session_id", "problem_clues", ["session_id"])
    op.create_table(
        "questioning_problems",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "session_id", sa.Uuid(), sa.ForeignKey("questioning_sessions.id"), nullable=False
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("official_name", sa.String(100), nullable=False),
        sa.Column("asked_by_deputy_id", sa.Uuid(), nullable=True),
        sa.Column("clue_ids", sa.JSON(), nullable=False),
        _at("put_at", nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        _at("committed_at"),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("unofficial_years", sa.JSON(), nullable=False),
        sa.Column("commitments", sa.Integer(), nullable=False),
        sa.Column("resolution_summary", sa.Text(), nullable=True),
        _at("resolution_reported_at"),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("satisfaction", sa.String(40), nullable=True),
        sa.Column("conclusion_note", sa.Text(), nullable=True),
        _at("concluded_at"),
        sa.Column("due_soon_claimed_round", sa.Integer(), nullable=True),
        sa.Column("overdue_claimed_round", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    for column in ("session_id", "department_id", "state", "due"):
        op.create_index(f"ix_questioning_problems_{column}", "questioning_problems", [column])
    op.create_table(
        "problem_progress_reports",
        _parent("problem_id", "questioning_problems"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("reported_at", nullable=False),
        sa.Column("reported_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("problem_id", "number", name="pk_problem_progress_reports"),
    )


def downgrade() -> None:
    for table in (
        "problem_progress_reports",
        "questioning_problems",
        "problem_clues",
        "questioning_attendees",
        "questioning_sessions",
        "micro_project_spendings",
        "micro_project_votes",
        "micro_projects",
        "legislative_opinions",
        "opinion_packages",
        "draft_law_articles",
        "draft_laws",
        "legislative_contact_points",
    ):
        op.drop_table(table)
