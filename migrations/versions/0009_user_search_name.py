"""user.search_name: the case-folded name that searches compare

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 2000


def _fold(text):
    # The same fold as app.textsearch.fold, frozen here so that later changes to the app
    # cannot change what this migration wrote.
    import unicodedata

    folded = unicodedata.normalize('NFKC', unicodedata.normalize('NFKC', text or '').casefold())
    return folded.replace('ё', 'е')[:480]


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=480), server_default='', nullable=False))
    # Neither SQLite's lower() nor PostgreSQL's under the C locale folds Cyrillic: the fold is
    # Python's, written in batches in id order (constant memory at any number of accounts).
    bind = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('search_name', sa.String))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(user.c.id, user.c.name).where(user.c.id > last).order_by(user.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            user.update().where(user.c.id == sa.bindparam('uid')).values(search_name=sa.bindparam('folded')),
            [{'uid': uid, 'folded': _fold(name)} for uid, name in rows],
        )
        last = rows[-1][0]
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('search_name', server_default=None)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('search_name')
