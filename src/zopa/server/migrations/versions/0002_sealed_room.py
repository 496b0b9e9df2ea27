"""Room format 2: answers sealed at rest, random per-room ids, HMAC-tagged members, preference
rounds and locks, sign-in failures shared by every server process.

Rooms made before this revision keep ``format = 1`` and are refused with a message saying to
recreate them: their audit chain is SHA-256 (not keyed) and their answers were stored in clear.
The clear-text answers are dropped here (the columns go), so the file no longer holds them.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rooms") as b:
        b.add_column(sa.Column("format", sa.Integer(), nullable=False, server_default="1"))
        b.drop_column("budget_used")
    with op.batch_alter_table("members") as b:
        b.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        b.add_column(sa.Column("mac", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("preferences") as b:
        b.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="1"))
        b.add_column(sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("amendments") as b:
        b.add_column(sa.Column("ref", sa.String(24), nullable=True))
    op.execute("UPDATE amendments SET ref = CAST(id AS VARCHAR(24))")
    with op.batch_alter_table("amendments") as b:
        b.alter_column("ref", existing_type=sa.String(24), nullable=False)
        b.create_unique_constraint("uq_amendments_room_ref", ["room_id", "ref"])
    with op.batch_alter_table("disclosures") as b:
        b.add_column(sa.Column("ref", sa.String(24), nullable=True))
        b.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        b.drop_column("question")
        b.drop_column("answer")
    op.execute("UPDATE disclosures SET ref = CAST(id AS VARCHAR(24))")
    op.execute(sa.text("UPDATE disclosures SET sealed = :e").bindparams(e=b""))
    with op.batch_alter_table("disclosures") as b:
        b.alter_column("ref", existing_type=sa.String(24), nullable=False)
        b.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)
        b.create_unique_constraint("uq_disclosures_room_ref", ["room_id", "ref"])
    op.create_table(
        "sign_in_failures",
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("window", sa.Integer(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("room format 2 cannot be downgraded (answers are sealed)")
