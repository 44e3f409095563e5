"""carbon assets and supply chain

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 10:00:00

Tables of ``accounts``: carbon_asset (allowances, CCER / certified reductions), carbon_asset_txn (their
movements) and account_supplier (what a buyer bought from each supplier, for its scope-3 category 1
view). Written by hand in the style of 0010/0011; checked on SQLite and PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa
import lvrongtong.kit.db


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('carbon_asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('market', sa.String(length=60), nullable=False),
    sa.Column('compliance_period', sa.String(length=16), nullable=False),
    sa.Column('vintage', sa.Integer(), nullable=True),
    sa.Column('project_ref', sa.String(length=120), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['carbon_account.id'], name=op.f('fk_carbon_asset_account_id_carbon_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_carbon_asset_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carbon_asset')),
    sa.UniqueConstraint('account_id', 'kind', 'code', name='uq_carbon_asset_account_kind_code')
    )
    with op.batch_alter_table('carbon_asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carbon_asset_account_id'), ['account_id'], unique=False)

    op.create_table('carbon_asset_txn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('quantity_tco2e', sa.Numeric(precision=20, scale=6), nullable=False),
    sa.Column('price_cny', sa.Numeric(precision=16, scale=4), nullable=True),
    sa.Column('counterparty', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity_tco2e > 0', name=op.f('ck_carbon_asset_txn_quantity_positive')),
    sa.CheckConstraint('price_cny IS NULL OR price_cny >= 0', name=op.f('ck_carbon_asset_txn_price_non_negative')),
    sa.ForeignKeyConstraint(['asset_id'], ['carbon_asset.id'], name=op.f('fk_carbon_asset_txn_asset_id_carbon_asset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_carbon_asset_txn_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carbon_asset_txn'))
    )
    with op.batch_alter_table('carbon_asset_txn', schema=None) as batch_op:
        batch_op.create_index('ix_carbon_asset_txn_asset_date', ['asset_id', 'occurred_on'], unique=False)

    op.create_table('account_supplier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('supplier_uscc', sa.String(length=18), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('purchased_value_cny', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.Column('purchased_quantity', sa.Numeric(precision=24, scale=6), nullable=True),
    sa.Column('purchased_unit', sa.String(length=16), nullable=False),
    sa.Column('goods', sa.String(length=200), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['carbon_account.id'], name=op.f('fk_account_supplier_account_id_carbon_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_account_supplier_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_supplier')),
    sa.UniqueConstraint('account_id', 'supplier_uscc', 'period', name='uq_account_supplier_period')
    )
    with op.batch_alter_table('account_supplier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_supplier_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_supplier_supplier_uscc'), ['supplier_uscc'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('account_supplier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_supplier_supplier_uscc'))
        batch_op.drop_index(batch_op.f('ix_account_supplier_account_id'))
    op.drop_table('account_supplier')
    with op.batch_alter_table('carbon_asset_txn', schema=None) as batch_op:
        batch_op.drop_index('ix_carbon_asset_txn_asset_date')
    op.drop_table('carbon_asset_txn')
    with op.batch_alter_table('carbon_asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carbon_asset_account_id'))
    op.drop_table('carbon_asset')
