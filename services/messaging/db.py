"""Database plumbing shared by the services: engines, sessions and the Alembic runner.

On SQLite (WAL), a session that writes takes the file's one write lock at BEGIN (``BEGIN IMMEDIATE``), so that it
waits its turn instead of failing when it later upgrades a read lock. A read-only session (``session(read_only=True)``,
and every GET request's session) opens no transaction to read: each read sees the latest commit and holds no lock, so
a slow reader never holds up a writer. Should such a session write after all (a GET that confirms a subscription),
the write lock is taken (``BEGIN IMMEDIATE``) just before its first write, and it waits its turn like any writer.
"""

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

#: Execution option of the connections of read-only sessions.
READ_ONLY = "osl_read_only"
#: How the statements begin that make a read-only session's connection take the write lock.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def sqlite_busy_seconds() -> float:
    """How long an SQLite writer waits for the write lock before "database is locked". Write transactions are short
    (milliseconds), so a few seconds is ample; past it the web answers 503 and a consumer waits and tries again."""
    from services.messaging.settings import env_float

    return env_float("OSL_SQLITE_BUSY_SECONDS", 5.0)


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": sqlite_busy_seconds()})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, open transactions, so that each can start as BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Several processes (web, relay, consumer) write one file. Taking the write lock at BEGIN makes a
        # transaction wait for another instead of failing when it later upgrades its read lock (which, once
        # another process has committed since the read, SQLite refuses at once). A read-only session begins nothing.
        if not connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, cursor, statement, _parameters, _context, _executemany):
        if (connection.get_execution_options().get(READ_ONLY) and not cursor.connection.in_transaction
                and statement.lstrip()[:7].upper().startswith(WRITES)):
            cursor.execute("BEGIN IMMEDIATE")  # a read-only session writes after all: it takes its turn here

    return engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One service's database: an engine and a session factory."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        #: Sessions that only read: on SQLite they take no write lock (see the module's docstring).
        self.read_sessionmaker = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}),
                                              expire_on_commit=False)

    @contextmanager
    def session(self, read_only: bool = False):
        """A session that commits when the block ends and rolls back if it raises."""
        session: Session = (self.read_sessionmaker if read_only else self.sessionmaker)()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """Raise if the database does not answer."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str, script_location: Path):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, script_location: Path, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` with the service's own migration history."""
    from alembic import command

    if url.startswith("sqlite"):
        make_engine(url).dispose()  # creates the folder of the file
    command.upgrade(alembic_config(url, script_location), revision)


def run_migrations(target_metadata) -> None:
    """The body of every service's Alembic ``env.py``."""
    from alembic import context

    config = context.config
    connectable = make_engine(config.get_main_option("sqlalchemy.url"))
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()
