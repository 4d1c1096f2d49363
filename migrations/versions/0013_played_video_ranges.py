"""played video ranges and the resume position on each module progress row

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None

# No backfill: ``video_seconds`` held the furthest position reached, which says nothing of what
# was played in between. Videos already counted as watched stay watched (video_watched_at); the
# next report of a student starts their union of played ranges.


def upgrade():
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_played', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_column('video_played')
