"""double marking: a sample of attempts graded twice, blind, for reviewer agreement

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-06 16:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0011"
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


def downgrade():
    op.drop_table("blind_score")
    op.drop_index(op.f("ix_blind_grade_reviewer_id"), table_name="blind_grade")
    op.drop_table("blind_grade")
    op.drop_index("ix_double_marking_cohort_state", table_name="double_marking")
    op.drop_table("double_marking")
