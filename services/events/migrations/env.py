from services.events.models import Base
from services.messaging.db import run_migrations

run_migrations(Base.metadata)
