"""quiz attempts counted on each module progress row

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 20:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Every attempt so far, counted on its (student, module) progress row. The quiz service has
# always touched that row on an attempt, so each attempt has one.
BACKFILL = """
UPDATE module_progress SET quiz_attempts = (
    SELECT count(*) FROM quiz_attempt
    WHERE quiz_attempt.user_id = module_progress.user_id
      AND quiz_attempt.module_id = module_progress.module_id)
WHERE EXISTS (
    SELECT 1 FROM quiz_attempt
    WHERE quiz_attempt.user_id = module_progress.user_id
      AND quiz_attempt.module_id = module_progress.module_id)
"""


def upgrade():
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_module_progress_quiz_attempts_positive'), 'quiz_attempts >= 0')
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE module_progress')


def downgrade():
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_module_progress_quiz_attempts_positive'), type_='check')
        batch_op.drop_column('quiz_attempts')
