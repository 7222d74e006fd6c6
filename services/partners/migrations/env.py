from services.messaging.db import run_migrations
from services.partners.models import Base

run_migrations(Base.metadata)
