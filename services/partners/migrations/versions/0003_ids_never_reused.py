"""Ids are never handed out twice on SQLite: every table the other services' replicas know by id gets AUTOINCREMENT.

Without it SQLite gives a new row the id of the last deleted one, and a replica that keeps the deleted record as a
tombstone under that id ignores the new record. PostgreSQL's sequences never reuse an id: nothing to do there.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("districts", "organisations", "people", "api_keys", "centres", "partnerships", "memberships", "agreements",
          "meetings")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Each table is copied, dropped and renamed back, which SQLite allows only with foreign keys off, and that pragma
    # works only outside a transaction; the keys are checked once all tables are back.
    with op.get_context().autocommit_block():
        driver = op.get_bind().connection.driver_connection
        # On the driver's connection, out of the (empty) transaction SQLAlchemy began, which would ignore the pragma;
        # then one transaction of our own for the whole rebuild.
        if driver.in_transaction:
            driver.commit()
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            driver.execute("BEGIN IMMEDIATE")
            for table in TABLES:
                with op.batch_alter_table(table, recreate="always",
                                          table_kwargs={"sqlite_autoincrement": autoincrement}):
                    pass
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
            driver.commit()
        except BaseException:
            driver.rollback()
            raise
        finally:
            driver.execute("PRAGMA foreign_keys = ON")


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
