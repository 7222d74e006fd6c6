from services.messaging.db import run_migrations
from services.programme.models import Base

run_migrations(Base.metadata)
