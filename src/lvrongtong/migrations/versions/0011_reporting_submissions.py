"""regulatory reporting submissions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 11:40:00
"""
from alembic import op
import sqlalchemy as sa
import lvrongtong.kit.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=32), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('ruleset_version', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_with_errors', sa.Integer(), nullable=False),
    sa.Column('rows_with_warnings', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('by_rule', sa.JSON(), nullable=False),
    sa.Column('findings_stored', sa.Integer(), nullable=False),
    sa.Column('control', sa.JSON(), nullable=True),
    sa.Column('totals', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('parquet_path', sa.String(length=300), nullable=True),
    sa.Column('actor', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', lvrongtong.kit.db.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['organisation.id'], name=op.f('fk_report_submission_institution_id_organisation')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['report_submission.id'], name=op.f('fk_report_submission_supersedes_id_report_submission')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_report_submission_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submission')),
    sa.UniqueConstraint('receipt', name=op.f('uq_report_submission_receipt'))
    )
    with op.batch_alter_table('report_submission', schema=None) as batch_op:
        batch_op.create_index('ix_report_submission_inst_period', ['institution_id', 'period', 'sequence'], unique=True)
        batch_op.create_index(batch_op.f('ix_report_submission_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_submission_current'), ['current'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_submission_sha256'), ['sha256'], unique=False)

    op.create_table('report_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.String(length=64), nullable=False),
    sa.Column('rule_id', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['report_submission.id'], name=op.f('fk_report_finding_submission_id_report_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_finding'))
    )
    with op.batch_alter_table('report_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_finding_submission_id'), ['submission_id'], unique=False)

    op.create_table('report_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.String(length=64), nullable=False),
    sa.Column('change', sa.String(length=8), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['report_submission.id'], name=op.f('fk_report_change_submission_id_report_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_change'))
    )
    with op.batch_alter_table('report_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_change_submission_id'), ['submission_id'], unique=False)


def downgrade() -> None:
    op.drop_table('report_change')
    op.drop_table('report_finding')
    op.drop_table('report_submission')
