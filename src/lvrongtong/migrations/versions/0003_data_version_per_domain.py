"""data version per domain

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:59:23.034837
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_version',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_version'))
    )
    op.bulk_insert(sa.table('data_version', sa.column('name', sa.String), sa.column('version', sa.Integer)),
                   [{'name': 'registry', 'version': 0}])


def downgrade() -> None:
    op.drop_table('data_version')
