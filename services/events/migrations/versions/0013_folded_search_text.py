"""folded_search_text: the search text holds the organiser and the place too, Polish letters folded

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 03:10:00

Residents search without Polish letters ("koled" for "Wieczór kolęd") and by the organiser's name or the place
("Łukasińskiego"). The stored ``events.search_text`` was the title and description, case-folded; it is now also the
organiser's name, the location and the centre's name, folded: ``services.events.queries.search_text``, the one
rule the service writes it by, and searches it with. Every event's is made again here. A downgrade
leaves it folded: the old search still finds what has no Polish letters.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.events.queries import search_text

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Events read and written at a time, so that a large calendar is not held in memory at once.
BATCH = 500


def upgrade() -> None:
    connection = op.get_bind()
    organisations = dict(connection.execute(sa.text("SELECT id, name FROM organisations")).all())
    centres = dict(connection.execute(sa.text("SELECT id, name FROM centres")).all())
    ids = connection.execute(sa.text("SELECT id FROM events ORDER BY id")).scalars().all()
    for first in range(0, len(ids), BATCH):
        query = sa.text("SELECT id, title, description, organisation_id, location, centre_id FROM events "
                        "WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
        rows = connection.execute(query, {"ids": ids[first:first + BATCH]}).all()
        values = [{"id": row.id, "text": search_text(row, organisations.get(row.organisation_id),
                                                     centres.get(row.centre_id))} for row in rows]
        connection.execute(sa.text("UPDATE events SET search_text = :text WHERE id = :id"), values)


def downgrade() -> None:
    pass
