"""teaching a cohort: double marking (blind second grades), announcements, nudges

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-06 16:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "double_marking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "first",
                "second",
                "agreed",
                "disputed",
                "settled",
                name="marking_state",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("seed", sa.Text(), nullable=False),
        sa.Column("selected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("selected_by_id", sa.Integer(), nullable=True),
        sa.Column("settled_round", sa.Integer(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(state = 'settled') = (settled_at IS NOT NULL AND settled_round IS NOT NULL)",
            name=op.f("ck_double_marking_settled_is_complete"),
        ),
        sa.CheckConstraint(
            "settled_round IS NULL OR settled_round IN (1, 2)",
            name=op.f("ck_double_marking_round_known"),
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_double_marking_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"], ["module.id"], name=op.f("fk_double_marking_module_id_module")
        ),
        sa.ForeignKeyConstraint(
            ["selected_by_id"],
            ["user.id"],
            name=op.f("fk_double_marking_selected_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["settled_by_id"],
            ["user.id"],
            name=op.f("fk_double_marking_settled_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_double_marking_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_double_marking")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_double_marking_submission_id")),
    )
    op.create_index(
        "ix_double_marking_cohort_state",
        "double_marking",
        ["cohort_id", "state", "module_id"],
        unique=False,
    )
    op.create_table(
        "blind_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("accept", "return", name="blind_decision", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("round IN (1, 2)", name=op.f("ck_blind_grade_round_known")),
        sa.ForeignKeyConstraint(
            ["marking_id"],
            ["double_marking.id"],
            name=op.f("fk_blind_grade_marking_id_double_marking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user.id"], name=op.f("fk_blind_grade_reviewer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blind_grade")),
        sa.UniqueConstraint("marking_id", "round", name=op.f("uq_blind_grade_marking_id_round")),
        sa.UniqueConstraint(
            "marking_id", "reviewer_id", name=op.f("uq_blind_grade_marking_id_reviewer_id")
        ),
    )
    op.create_index(
        op.f("ix_blind_grade_reviewer_id"), "blind_grade", ["reviewer_id"], unique=False
    )
    op.create_table(
        "blind_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grade_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["rubric_criterion.id"],
            name=op.f("fk_blind_score_criterion_id_rubric_criterion"),
        ),
        sa.ForeignKeyConstraint(
            ["grade_id"],
            ["blind_grade.id"],
            name=op.f("fk_blind_score_grade_id_blind_grade"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blind_score")),
        sa.UniqueConstraint(
            "grade_id", "criterion_id", name=op.f("uq_blind_score_grade_id_criterion_id")
        ),
    )

    op.create_table(
        "teaching_settings",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("reviewers_may_announce", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_teaching_settings_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_teaching_settings")),
    )
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("body_html", sa.JSON(), nullable=False),
        sa.Column("mailed_through_user_id", sa.Integer(), nullable=False),
        sa.Column("mail_done", sa.Boolean(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_announcement_version_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_announcement_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_announcement_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    op.create_index(
        "ix_announcement_cohort_created", "announcement", ["cohort_id", "created_at"], unique=False
    )
    op.create_table(
        "announcement_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcement.id"],
            name=op.f("fk_announcement_version_announcement_id_announcement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"],
            ["user.id"],
            name=op.f("fk_announcement_version_written_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_version")),
        sa.UniqueConstraint(
            "announcement_id",
            "version",
            name=op.f("uq_announcement_version_announcement_id_version"),
        ),
    )
    op.create_table(
        "nudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_nudge_cohort_id_cohort"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user.id"], name=op.f("fk_nudge_sent_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_nudge_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge")),
    )
    op.create_index(
        "ix_nudge_cohort_user", "nudge", ["cohort_id", "user_id", "sent_at"], unique=False
    )
    op.create_index(
        "ix_nudge_unmailed",
        "nudge",
        ["id"],
        unique=False,
        sqlite_where=sa.text("mailed_at IS NULL"),
        postgresql_where=sa.text("mailed_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_nudge_unmailed", table_name="nudge")
    op.drop_index("ix_nudge_cohort_user", table_name="nudge")
    op.drop_table("nudge")
    op.drop_table("announcement_version")
    op.drop_index("ix_announcement_cohort_created", table_name="announcement")
    op.drop_table("announcement")
    op.drop_table("teaching_settings")
    op.drop_table("blind_score")
    op.drop_index(op.f("ix_blind_grade_reviewer_id"), table_name="blind_grade")
    op.drop_table("blind_grade")
    op.drop_index("ix_double_marking_cohort_state", table_name="double_marking")
    op.drop_table("double_marking")
