"""the technician's own visit note (apart from the office's), and whether a rejection may be resent

Revision ID: a7c1e93d5b20
Revises: 63240b290676
Create Date: 2026-12-05 00:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c1e93d5b20'
down_revision = '63240b290676'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('technician_notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('technician_notes_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('technician_notes_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_appointments_technician_notes_by_id_users'), 'users', ['technician_notes_by_id'], ['id']
        )
    with op.batch_alter_table('sync_rejections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retryable', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('sync_rejections', schema=None) as batch_op:
        batch_op.drop_column('retryable')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointments_technician_notes_by_id_users'), type_='foreignkey')
        batch_op.drop_column('technician_notes_by_id')
        batch_op.drop_column('technician_notes_at')
        batch_op.drop_column('technician_notes')
