"""invitation links with their own single-use token

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Invitations sent before this revision used password-reset links (valid one hour); they
    # keep working until then, through the reset route. Nothing to fill in.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('invitation_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_invitation_token_hash'), ['invitation_token_hash'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_invitation_token_hash'), type_='unique')
        batch_op.drop_column('invitation_sent_at')
        batch_op.drop_column('invitation_token_hash')
