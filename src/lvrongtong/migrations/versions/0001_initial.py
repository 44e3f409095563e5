"""initial schema: reference, registry, auth, audit, demo

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 05:20:52.925639
"""
from alembic import op
import sqlalchemy as sa
import lvrongtong.kit.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('before_digest', sa.String(length=64), nullable=True),
    sa.Column('after_digest', sa.String(length=64), nullable=True),
    sa.Column('changed_fields', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_user_id'), ['user_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('demo_dataset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('logins', sa.JSON(), nullable=False),
    sa.Column('built_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_dataset'))
    )
    op.create_table('industry',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=4), nullable=True),
    sa.Column('section', sa.String(length=1), nullable=False),
    sa.Column('name_zh', sa.String(length=128), nullable=False),
    sa.Column('source', sa.String(length=256), nullable=False),
    sa.Column('verification', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['industry.code'], name=op.f('fk_industry_parent_code_industry')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_industry'))
    )
    with op.batch_alter_table('industry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_industry_parent_code'), ['parent_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_industry_section'), ['section'], unique=False)

    op.create_table('reference_dataset',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('standard', sa.String(length=128), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=512), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('loaded_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_reference_dataset'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=6), nullable=True),
    sa.Column('source', sa.String(length=256), nullable=False),
    sa.Column('verification', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['region.code'], name=op.f('fk_region_parent_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('subtype', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['organisation.id'], name=op.f('fk_organisation_parent_id_organisation')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_organisation_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('uscc', name=op.f('uq_organisation_uscc'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_type'), ['type'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_app_user_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=False),
    sa.Column('size_class', sa.String(length=8), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('ets_covered', sa.Boolean(), nullable=False),
    sa.Column('registered_capital_cny', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('created_by_org_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_org_id'], ['organisation.id'], name=op.f('fk_enterprise_created_by_org_id_organisation')),
    sa.ForeignKeyConstraint(['industry_code'], ['industry.code'], name=op.f('fk_enterprise_industry_code_industry')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_enterprise_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('uscc', name=op.f('uq_enterprise_uscc'))
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_region_code'), ['region_code'], unique=False)

    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_accepted', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_import_job_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    op.create_table('access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_access_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_access_token_token_sha256'))
    )
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_token_user_id'), ['user_id'], unique=False)

    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_sha256', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['app_user.id'], name=op.f('fk_api_key_created_by_user_id_app_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_api_key_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('key_sha256', name=op.f('uq_api_key_key_sha256'))
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_key_prefix'), ['prefix'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=False),
    sa.Column('total_investment_cny', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.Column('capacity', sa.JSON(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_by_org_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_org_id'], ['organisation.id'], name=op.f('fk_project_created_by_org_id_organisation')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_project_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['industry_code'], ['industry.code'], name=op.f('fk_project_industry_code_industry')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_project_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('code', name=op.f('uq_project_code'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_region_code'), ['region_code'], unique=False)

    op.create_table('instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('holder_org_id', sa.Integer(), nullable=False),
    sa.Column('counterparty_enterprise_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_cny', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.Column('balance_cny', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.Column('rate_pct', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=False),
    sa.Column('declared_green', sa.Boolean(), nullable=False),
    sa.Column('declared_transition', sa.Boolean(), nullable=False),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cny >= 0', name=op.f('ck_instrument_amount_non_negative')),
    sa.CheckConstraint('balance_cny >= 0', name=op.f('ck_instrument_balance_non_negative')),
    sa.ForeignKeyConstraint(['counterparty_enterprise_id'], ['enterprise.id'], name=op.f('fk_instrument_counterparty_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['holder_org_id'], ['organisation.id'], name=op.f('fk_instrument_holder_org_id_organisation')),
    sa.ForeignKeyConstraint(['industry_code'], ['industry.code'], name=op.f('fk_instrument_industry_code_industry')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_instrument_project_id_project')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_instrument_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument')),
    sa.UniqueConstraint('holder_org_id', 'kind', 'reference', name='holder_kind_reference')
    )
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_counterparty_enterprise_id'), ['counterparty_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_declared_green'), ['declared_green'], unique=False)
        batch_op.create_index('ix_instrument_holder_kind', ['holder_org_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_region_code'), ['region_code'], unique=False)

    op.create_table('bond',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bond_type', sa.String(length=32), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('matures_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['instrument.id'], name=op.f('fk_bond_id_instrument'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bond'))
    )
    op.create_table('loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=400), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('matures_on', sa.Date(), nullable=False),
    sa.Column('collateral', sa.String(length=32), nullable=False),
    sa.Column('carbon_reduction_tool', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['instrument.id'], name=op.f('fk_loan_id_instrument'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan'))
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_approved_on'), ['approved_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_disbursed_on'), ['disbursed_on'], unique=False)
    audit_head = sa.table('audit_head', sa.column('id', sa.Integer), sa.column('seq', sa.Integer),
                          sa.column('hash', sa.String))
    op.bulk_insert(audit_head, [{'id': 1, 'seq': 0, 'hash': '0' * 64}])


def downgrade() -> None:
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_disbursed_on'))
        batch_op.drop_index(batch_op.f('ix_loan_approved_on'))

    op.drop_table('loan')
    op.drop_table('bond')
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_region_code'))
        batch_op.drop_index(batch_op.f('ix_instrument_project_id'))
        batch_op.drop_index(batch_op.f('ix_instrument_kind'))
        batch_op.drop_index(batch_op.f('ix_instrument_industry_code'))
        batch_op.drop_index('ix_instrument_holder_kind')
        batch_op.drop_index(batch_op.f('ix_instrument_declared_green'))
        batch_op.drop_index(batch_op.f('ix_instrument_counterparty_enterprise_id'))

    op.drop_table('instrument')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_region_code'))
        batch_op.drop_index(batch_op.f('ix_project_name'))
        batch_op.drop_index(batch_op.f('ix_project_industry_code'))
        batch_op.drop_index(batch_op.f('ix_project_enterprise_id'))

    op.drop_table('project')
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_prefix'))
        batch_op.drop_index(batch_op.f('ix_api_key_organisation_id'))

    op.drop_table('api_key')
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_token_user_id'))

    op.drop_table('access_token')
    op.drop_table('import_job')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_region_code'))
        batch_op.drop_index(batch_op.f('ix_enterprise_name'))
        batch_op.drop_index(batch_op.f('ix_enterprise_industry_code'))

    op.drop_table('enterprise')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_organisation_id'))

    op.drop_table('app_user')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_type'))

    op.drop_table('organisation')
    op.drop_table('region')
    op.drop_table('reference_dataset')
    with op.batch_alter_table('industry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_industry_section'))
        batch_op.drop_index(batch_op.f('ix_industry_parent_code'))

    op.drop_table('industry')
    op.drop_table('demo_dataset')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
