"""quiz option order per attempt, quiz feedback and cooldown settings, the completion rule,
reviewer guides

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 16:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course") as batch:
        batch.add_column(
            sa.Column(
                "quiz_feedback", sa.String(length=16), server_default="wrong-only", nullable=False
            )
        )
        batch.add_column(
            sa.Column("quiz_retry_cooldown", sa.Integer(), server_default="60", nullable=False)
        )
        batch.add_column(
            sa.Column("homework_required", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.create_check_constraint(
            "quiz_feedback_known", "quiz_feedback IN ('wrong-only', 'full')"
        )
        batch.create_check_constraint(
            "quiz_cooldown_range", "quiz_retry_cooldown BETWEEN 0 AND 86400"
        )
    with op.batch_alter_table("module") as batch:
        batch.add_column(sa.Column("reviewer_guide", sa.JSON(), nullable=True))
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.add_column(sa.Column("option_order", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.drop_column("option_order")
    with op.batch_alter_table("module") as batch:
        batch.drop_column("reviewer_guide")
    with op.batch_alter_table("course") as batch:
        batch.drop_constraint("quiz_cooldown_range", type_="check")
        batch.drop_constraint("quiz_feedback_known", type_="check")
        batch.drop_column("homework_required")
        batch.drop_column("quiz_retry_cooldown")
        batch.drop_column("quiz_feedback")
