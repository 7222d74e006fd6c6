"""What one service is made of at run time: its database, its bus, its outbox and inbox, its handlers."""

from dataclasses import dataclass, field
from pathlib import Path

from services.messaging.consumer import Handler, Worker
from services.messaging.db import Database, upgrade
from services.messaging.outbox import Relay
from services.messaging.settings import BusSettings


@dataclass
class ServiceRuntime:
    name: str
    database: Database
    bus: BusSettings
    outbox_model: type
    inbox_model: type | None
    #: Alembic ``script_location`` of the service's own migration history.
    migrations: Path
    handlers: dict[str, Handler] = field(default_factory=dict)

    def relay(self) -> Relay:
        return Relay(self.database, self.outbox_model, self.bus, service=self.name)

    def worker(self) -> Worker:
        return Worker(self.name, self.handlers, self.database, self.inbox_model, self.bus)

    def upgrade_database(self) -> None:
        upgrade(self.database.url, self.migrations)
