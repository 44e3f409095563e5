"""quarantine fingerprint: a redelivered bad reading is quarantined once

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('iot_quarantine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
        batch_op.create_index('ux_iot_quarantine_fingerprint', ['fingerprint'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('iot_quarantine', schema=None) as batch_op:
        batch_op.drop_index('ux_iot_quarantine_fingerprint')
        batch_op.drop_column('fingerprint')
