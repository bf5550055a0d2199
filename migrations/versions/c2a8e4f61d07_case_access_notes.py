"""The case's access instructions (Instruções de acesso), shown to the technician

Revision ID: c2a8e4f61d07
Revises: 7e336a4d6693
Create Date: 2026-12-05 05:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c2a8e4f61d07'
down_revision = '7e336a4d6693'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch_op:
        batch_op.add_column(sa.Column('access_notes', sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('access_notes')
