from services.messaging.db import run_migrations
from services.notify.models import Base

run_migrations(Base.metadata)
