"""videos per module and language, their renditions, transcoding jobs, data saver choice;
the module's single self-hosted video_file goes (app.video, ADR 0019)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=16)


ORIGIN = ("course", "upload", "narrated")


def upgrade():
    op.create_table(
        "video",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("origin", _enum("video_origin", *ORIGIN), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "duration IS NULL OR duration > 0", name=op.f("ck_video_duration_positive")
        ),
        sa.CheckConstraint(
            "(sha256 IS NULL) = (published_at IS NULL)",
            name=op.f("ck_video_published_has_timestamp"),
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["module.id"],
            name=op.f("fk_video_module_id_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video")),
        sa.UniqueConstraint("module_id", "language", name=op.f("uq_video_module_id_language")),
    )
    op.create_table(
        "video_rendition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bit_rate", sa.Integer(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.CheckConstraint("size >= 0", name=op.f("ck_video_rendition_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
            name=op.f("fk_video_rendition_video_id_video"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_rendition")),
        sa.UniqueConstraint(
            "video_id", "sha256", "kind", name=op.f("uq_video_rendition_video_id_sha256_kind")
        ),
    )
    op.create_index("ix_video_rendition_key", "video_rendition", ["key"], unique=False)
    op.create_table(
        "transcode_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("origin", _enum("video_origin", *ORIGIN), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("source_size", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            _enum("transcode_status", "queued", "running", "succeeded", "failed", "superseded"),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "progress BETWEEN 0 AND 100", name=op.f("ck_transcode_job_progress_percent")
        ),
        sa.CheckConstraint(
            "status != 'failed' OR error IS NOT NULL",
            name=op.f("ck_transcode_job_failure_has_error"),
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
            name=op.f("fk_transcode_job_video_id_video"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcode_job")),
    )
    op.create_index(
        "ix_transcode_job_video_status", "transcode_job", ["video_id", "status"], unique=False
    )
    op.create_table(
        "video_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quality", _enum("video_quality", "normal", "lowest", "audio"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_video_preference_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_video_preference")),
    )
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_module_one_video_source"), type_="check")
        batch_op.drop_column("video_file")


def downgrade():
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.add_column(sa.Column("video_file", sa.String(length=300), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_module_one_video_source"), "video_url IS NULL OR video_file IS NULL"
        )
    op.drop_table("video_preference")
    op.drop_index("ix_transcode_job_video_status", table_name="transcode_job")
    op.drop_table("transcode_job")
    op.drop_index("ix_video_rendition_key", table_name="video_rendition")
    op.drop_table("video_rendition")
    op.drop_table("video")
