"""enrolment progress summary and report indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


# The rules of app/cohorts/summary.py, on the source tables (plain SQL: the models may have
# moved on by the time this runs). SQLite's max() of several values is PostgreSQL's greatest().
BACKFILL = """
UPDATE enrolment SET
    completed_modules = (
        SELECT count(*) FROM module_progress JOIN module ON module.id = module_progress.module_id
        WHERE module_progress.user_id = enrolment.user_id
          AND module.course_id = enrolment.course_id
          AND NOT module.retired
          AND module_progress.completed_at IS NOT NULL),
    last_activity_at = {greatest}(
        enrolment.enrolled_at,
        coalesce((
            SELECT max(module_progress.last_activity_at)
            FROM module_progress JOIN module ON module.id = module_progress.module_id
            WHERE module_progress.user_id = enrolment.user_id
              AND module.course_id = enrolment.course_id), enrolment.enrolled_at),
        coalesce((
            SELECT max(submission.updated_at) FROM submission
            WHERE submission.user_id = enrolment.user_id
              AND submission.cohort_id = enrolment.cohort_id), enrolment.enrolled_at))
"""


def upgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_modules', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_enrolment_completed_modules_positive'), 'completed_modules >= 0')

    greatest = 'greatest' if op.get_bind().dialect.name == 'postgresql' else 'max'
    op.execute(BACKFILL.format(greatest=greatest))

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_cohort_activity', ['cohort_id', 'last_activity_at', 'user_id'], unique=False, postgresql_include=['completed_modules'])
        batch_op.create_index('ix_enrolment_cohort_completed', ['cohort_id', 'completed_modules', 'user_id'], unique=False)

    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.create_index('ix_module_progress_completed', ['module_id', 'user_id'], unique=False, postgresql_where=sa.text('completed_at IS NOT NULL'), sqlite_where=sa.text('completed_at IS NOT NULL'))

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_first_attempt', ['cohort_id', 'reviewed_at'], unique=False, postgresql_include=['submitted_at'], postgresql_where=sa.text('attempt_no = 1'), sqlite_where=sa.text('attempt_no = 1'))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_name_id', ['name', 'id'], unique=False)

    # The backfill rewrote every enrolment: fresh statistics for the planner now. (Index-only
    # scans also want the visibility map a VACUUM builds; VACUUM cannot run in the migration's
    # transaction, so the README's upgrade notes ask for `VACUUM ANALYZE enrolment`.)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE enrolment')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_name_id')

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_first_attempt', postgresql_include=['submitted_at'], postgresql_where=sa.text('attempt_no = 1'), sqlite_where=sa.text('attempt_no = 1'))

    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_module_progress_completed', postgresql_where=sa.text('completed_at IS NOT NULL'), sqlite_where=sa.text('completed_at IS NOT NULL'))

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_cohort_completed')
        batch_op.drop_index('ix_enrolment_cohort_activity', postgresql_include=['completed_modules'])
        batch_op.drop_constraint(batch_op.f('ck_enrolment_completed_modules_positive'), type_='check')
        batch_op.drop_column('last_activity_at')
        batch_op.drop_column('completed_modules')
