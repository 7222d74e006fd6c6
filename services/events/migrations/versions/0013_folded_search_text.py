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

from alembic import op

from services.events.queries import write_search_texts

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    write_search_texts(op.get_bind())


def downgrade() -> None:
    pass
