"""catalogues and catalogue items

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:25:02.128638
"""
from alembic import op
import sqlalchemy as sa
import lvrongtong.kit.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalogue',
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('document_no', sa.String(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('levels', sa.Integer(), nullable=False),
    sa.Column('expected_counts', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_catalogue'))
    )
    op.create_table('catalogue_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('scope_zh', sa.Text(), nullable=False),
    sa.Column('remarks_zh', sa.Text(), nullable=False),
    sa.Column('industry_classes', sa.JSON(), nullable=False),
    sa.Column('ghg_contribution', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('verification', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version'], ['catalogue.version'], name=op.f('fk_catalogue_item_version_catalogue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_item')),
    sa.UniqueConstraint('version', 'code', name='version_code')
    )
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_item_name_zh'), ['name_zh'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_item_version'), ['version'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('catalogue_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_item_version'))
        batch_op.drop_index(batch_op.f('ix_catalogue_item_name_zh'))

    op.drop_table('catalogue_item')
    op.drop_table('catalogue')
