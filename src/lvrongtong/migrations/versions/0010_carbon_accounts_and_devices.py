"""carbon accounts and devices

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 11:40:00
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import lvrongtong.kit.db  # noqa: F401


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
