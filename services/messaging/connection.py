"""Opening a kombu connection for the configured transport."""

from kombu import Connection

from services.messaging import filesystem
from services.messaging.settings import BusSettings


def connect(settings: BusSettings) -> Connection:
    """A kombu connection: the filesystem folders for the embedded bus, publisher confirms on AMQP."""
    if settings.is_filesystem:
        data = settings.bus_dir / "data"
        control = settings.bus_dir / "control"
        processed = settings.bus_dir / "processed"
        for folder in (data, control, processed):
            folder.mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(data),
            "data_folder_out": str(data),
            "control_folder": str(control),
            # A consumer claims a message by renaming it into this folder. It must be on the same file system as
            # the data folder: a move across file systems is a copy, and two consumers could both copy one file.
            "store_processed": True,
            "processed_folder": str(processed),
            "polling_interval": settings.poll_seconds,
        }
        return Connection(hostname="localhost", transport=filesystem.Transport, transport_options=options)
    return Connection(
        settings.broker_url,
        transport_options={"confirm_publish": True},
        connect_timeout=5,
        heartbeat=settings.heartbeat_seconds,
    )


def describe(settings: BusSettings) -> str:
    """The broker's address for logs and error messages, without its password."""
    if settings.is_filesystem:
        return f"filesystem://{settings.bus_dir}"
    return Connection(settings.broker_url).as_uri(include_password=False)
