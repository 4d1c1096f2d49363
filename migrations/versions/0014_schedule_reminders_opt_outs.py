"""cohort schedules, late work, extensions, due-date reminders, mail opt-outs, calendar feeds

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 16:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course") as batch:
        batch.add_column(sa.Column("module_every_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("homework_due_days", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            batch.f("ck_course_every_days_positive"),
            "module_every_days IS NULL OR module_every_days >= 0",
        )
        batch.create_check_constraint(
            batch.f("ck_course_due_days_positive"),
            "homework_due_days IS NULL OR homework_due_days >= 0",
        )
    with op.batch_alter_table("cohort") as batch:
        batch.add_column(
            sa.Column(
                "timezone", sa.String(length=64), server_default="Asia/Almaty", nullable=False
            )
        )
        batch.add_column(
            sa.Column("late_policy", sa.String(length=8), server_default="accept", nullable=False)
        )
        batch.create_check_constraint(
            batch.f("ck_cohort_late_known"), "late_policy IN ('accept', 'refuse')"
        )
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f("uq_user_calendar_token_hash"), ["calendar_token_hash"])
    with op.batch_alter_table("submission") as batch:
        batch.add_column(
            sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("module_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_notification_module_id_module"),
            "module",
            ["module_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("unsubscribe_url", sa.String(length=1000), nullable=True))

    op.create_table(
        "cohort_module_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("due_at > opens_at", name=op.f("ck_cohort_module_date_due_after_open")),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_cohort_module_date_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["module.id"],
            name=op.f("fk_cohort_module_date_module_id_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_module_date")),
        sa.UniqueConstraint(
            "cohort_id", "module_id", name=op.f("uq_cohort_module_date_cohort_id_module_id")
        ),
    )
    op.create_index(
        op.f("ix_cohort_module_date_cohort_id"), "cohort_module_date", ["cohort_id"], unique=False
    )
    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days BETWEEN 1 AND 90", name=op.f("ck_extension_days_in_range")),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_extension_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["user.id"],
            name=op.f("fk_extension_granted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["module.id"],
            name=op.f("fk_extension_module_id_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension")),
        sa.UniqueConstraint(
            "enrolment_id", "module_id", name=op.f("uq_extension_enrolment_id_module_id")
        ),
    )
    op.create_index(op.f("ix_extension_enrolment_id"), "extension", ["enrolment_id"], unique=False)
    op.create_index(
        "uq_extension_whole_course",
        "extension",
        ["enrolment_id"],
        unique=True,
        sqlite_where=sa.text("module_id IS NULL"),
        postgresql_where=sa.text("module_id IS NULL"),
    )
    op.create_table(
        "due_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_due_reminder_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["module.id"],
            name=op.f("fk_due_reminder_module_id_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_reminder")),
        sa.UniqueConstraint(
            "enrolment_id",
            "module_id",
            "due_at",
            name=op.f("uq_due_reminder_enrolment_id_module_id_due_at"),
        ),
    )
    op.create_table(
        "mail_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_mail_opt_out_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_opt_out")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_mail_opt_out_user_id_kind")),
    )


def downgrade():
    op.drop_table("mail_opt_out")
    op.drop_table("due_reminder")
    op.drop_index("uq_extension_whole_course", table_name="extension")
    op.drop_index(op.f("ix_extension_enrolment_id"), table_name="extension")
    op.drop_table("extension")
    op.drop_index(op.f("ix_cohort_module_date_cohort_id"), table_name="cohort_module_date")
    op.drop_table("cohort_module_date")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("unsubscribe_url")
    with op.batch_alter_table("notification") as batch:
        batch.drop_constraint(batch.f("fk_notification_module_id_module"), type_="foreignkey")
        batch.drop_column("module_id")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("late")
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint(batch.f("uq_user_calendar_token_hash"), type_="unique")
        batch.drop_column("calendar_token_hash")
        batch.drop_column("timezone")
    with op.batch_alter_table("cohort") as batch:
        batch.drop_constraint(batch.f("ck_cohort_late_known"), type_="check")
        batch.drop_column("late_policy")
        batch.drop_column("timezone")
    with op.batch_alter_table("course") as batch:
        batch.drop_constraint(batch.f("ck_course_due_days_positive"), type_="check")
        batch.drop_constraint(batch.f("ck_course_every_days_positive"), type_="check")
        batch.drop_column("homework_due_days")
        batch.drop_column("module_every_days")
