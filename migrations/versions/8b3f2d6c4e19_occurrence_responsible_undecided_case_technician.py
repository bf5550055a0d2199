"""an occurrence's responsible user and undecided resolution; the case's technician follows its visits

Revision ID: 8b3f2d6c4e19
Revises: 5e1a9c0b7d21
Create Date: 2026-12-05 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b3f2d6c4e19'
down_revision = '5e1a9c0b7d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responsible_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_occurrences_responsible_id'), ['responsible_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_occurrences_responsible_id_users'), 'users', ['responsible_id'], ['id']
        )
        batch_op.alter_column('resolved', existing_type=sa.Boolean(), nullable=True)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_chosen', sa.Boolean(), server_default=sa.false(), nullable=False))
    # A technician already on a case was chosen; a case without one gets its latest visit's.
    op.execute("UPDATE cases SET assignee_chosen = (assignee_id IS NOT NULL)")
    op.execute(
        """
        UPDATE cases SET assignee_id = (
            SELECT a.assignee_id FROM appointments a
            WHERE a.case_id = cases.id AND a.deleted_at IS NULL AND a.status <> 'cancelled'
              AND a.calendar_type = 'technical_assistance'
            ORDER BY a.starts_at DESC, a.id DESC LIMIT 1
        )
        WHERE assignee_id IS NULL
        """
    )


def downgrade():
    op.execute("UPDATE cases SET assignee_id = NULL WHERE assignee_chosen = false")
    op.execute("UPDATE occurrences SET resolved = false WHERE resolved IS NULL")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('assignee_chosen')
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.alter_column('resolved', existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_occurrences_responsible_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_occurrences_responsible_id'))
        batch_op.drop_column('responsible_id')
