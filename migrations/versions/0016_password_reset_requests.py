"""password reset requests: one row per /forgot-password, kept until its mail is written

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 16:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_password_reset_request_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_request")),
    )
    op.create_index(
        "ix_password_reset_request_processed_created",
        "password_reset_request",
        ["processed_at", "created_at"],
        unique=False,
    )


def downgrade():
    op.drop_index(
        "ix_password_reset_request_processed_created", table_name="password_reset_request"
    )
    op.drop_table("password_reset_request")
