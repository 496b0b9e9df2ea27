"""The mediation room: rooms, members, sealed preferences, drafts, amendments, disclosures,
audit chain, browser sessions.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("public", sa.Text(), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("budget_used", sa.Integer(), nullable=False),
        sa.Column("key_fingerprint", sa.String(32), nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("party_id", sa.String(100), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("consent_acceptability", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_members_room_id", "members", ["room_id"])
    op.create_table(
        "preferences",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("party_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("room_id", "party_id"),
    )
    op.create_index("ix_preferences_room_id", "preferences", ["room_id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("draft_id", sa.String(100), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("author", sa.String(100), nullable=True),
        sa.Column("revises", sa.String(100), nullable=True),
        sa.Column("package", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("room_id", "draft_id"),
    )
    op.create_index("ix_drafts_room_id", "drafts", ["room_id"])
    op.create_table(
        "draft_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("draft_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("package", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.UniqueConstraint("room_id", "draft_id", "version"),
    )
    op.create_index("ix_draft_versions_room_id", "draft_versions", ["room_id"])
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("draft_id", sa.String(100), nullable=False),
        sa.Column("party_id", sa.String(100), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("decided_version", sa.Integer(), nullable=True),
    )
    op.create_index("ix_amendments_room_id", "amendments", ["room_id"])
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("asker", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
    )
    op.create_index("ix_disclosures_room_id", "disclosures", ["room_id"])
    op.create_index("ix_disclosures_fingerprint", "disclosures", ["fingerprint"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("room_id", "seq"),
    )
    op.create_index("ix_audit_events_room_id", "audit_events", ["room_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_sessions_member_id", "sessions", ["member_id"])


def downgrade() -> None:
    for t in (
        "sessions",
        "audit_events",
        "disclosures",
        "amendments",
        "draft_versions",
        "drafts",
        "preferences",
        "members",
        "rooms",
    ):
        op.drop_table(t)
