"""district_in_search_text: the search text holds the district's name, and no deleted organiser's or place's name

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 06:20:00

Residents search by the district ("Raków") though the title, organiser and place do not say it; a deleted
organisation's, centre's or district's name, which the pages no longer show, is no longer searched. Every event's
``events.search_text`` is made again here by ``services.events.queries.write_search_texts`` (the rule of
``search_text``). A downgrade leaves it so: the old search finds all it found, and the district's name too.
"""
from collections.abc import Sequence

from alembic import op

from services.events.queries import write_search_texts

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    write_search_texts(op.get_bind())


def downgrade() -> None:
    pass
