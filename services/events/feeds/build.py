"""Which events a feed holds, the cheap version that says when it changed, and its bytes.

A feed is a *scope* (all public events, a district's, a centre's, an organisation's, a partnership's private one, or
one event) narrowed by ``audience=``/``category=`` filters and a time window. Its bytes are the cached header and
the stored VEVENTs joined (see ``services/events/ical``); only events without a stored VEVENT are rendered.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import String, and_, cast, func, not_, or_, select

from services.calendar import recurrence
from services.events.feeds.components import render_pending
from services.events.ical import CalendarMeta, assemble_calendar
from services.events.models import Centre, District, Event, Organisation, Partnership, RegistrationCount
from services.messaging.models import utcnow

#: Defaults of the window, each overridable in the app's config.
WINDOW_DEFAULTS = {"FEED_PAST_DAYS": 90, "FEED_FUTURE_DAYS": 730, "FEED_CANCELLED_DAYS": 30}
#: Registration counts too: a single date's DESCRIPTION says its places left.
REPLICAS = (District, Centre, Organisation, Partnership, RegistrationCount)


@dataclass(frozen=True)
class Scope:
    """The events a feed may hold, before filters and window: ``where`` are SQL conditions on ``Event``."""

    key: str
    meta: CalendarMeta
    where: tuple = ()
    event_id: object = None


@dataclass(frozen=True)
class Filters:
    """``audience=`` and ``category=``: any of the audiences, and any of the categories, when given."""

    audiences: frozenset = field(default_factory=frozenset)
    categories: frozenset = field(default_factory=frozenset)

    def key(self) -> tuple:
        return tuple(sorted(self.audiences)), tuple(sorted(self.categories))

    def sql(self) -> tuple:
        conditions = []
        if self.audiences:
            # Audiences come from a fixed list of plain words, so their quoted JSON form is a safe pattern.
            text = cast(Event.audiences, String)
            conditions.append(or_(*(text.like(f'%"{audience}"%') for audience in sorted(self.audiences))))
        if self.categories:
            conditions.append(Event.category.in_(sorted(self.categories)))
        return tuple(conditions)


@dataclass(frozen=True)
class Window:
    """From ``FEED_PAST_DAYS`` back to ``FEED_FUTURE_DAYS`` ahead; a cancelled event for ``FEED_CANCELLED_DAYS``."""

    start: datetime
    end: datetime
    cancelled_start: datetime

    @classmethod
    def of_day(cls, day: date, config) -> "Window":
        """The window of a whole day, so that a feed's bytes stay the same all day long unless events change."""
        now = datetime.combine(day, time(0), UTC)
        days = {name: int(config.get(name, default)) for name, default in WINDOW_DEFAULTS.items()}
        return cls(start=now - timedelta(days=days["FEED_PAST_DAYS"]),
                   end=now + timedelta(days=days["FEED_FUTURE_DAYS"]),
                   cancelled_start=now - timedelta(days=days["FEED_CANCELLED_DAYS"]))

    def _start_for(self, status: str) -> datetime:
        return max(self.start, self.cancelled_start) if status == "cancelled" else self.start

    def latest_start(self) -> datetime:
        """No event starting after this ends before the window (it ends after it starts)."""
        return max(self.start, self.cancelled_start)

    def ends_inside(self):
        """SQL: the event (its first occurrence) ends inside the window, by its status."""
        return or_(and_(Event.status != "cancelled", Event.ends_at > self._start_for("scheduled")),
                   and_(Event.status == "cancelled", Event.ends_at > self._start_for("cancelled")))

    def reaches(self, status: str, series: recurrence.Series) -> bool:
        """Whether a later occurrence of a series that began before the window ends inside it."""
        start = self._start_for(status)
        if series.ends_at > start:
            return True
        following = recurrence.next_occurrence(series, start)
        return following is not None and following.starts_at < self.end


def version(session, scope: Scope) -> tuple:
    """Changes whenever the feed's bytes may: the events of the scope, and the replica names they show."""
    where = (Event.id == scope.event_id,) if scope.event_id is not None else scope.where
    events = select(func.count().label("count"), func.sum(Event.version).label("versions"),
                    func.max(Event.updated_at).label("updated")).where(*where).subquery()
    replicas = [select(func.count() + func.coalesce(func.sum(model.version), 0)).select_from(model).scalar_subquery()
                for model in REPLICAS]
    return tuple(session.execute(select(events.c.count, events.c.versions, events.c.updated, *replicas)).one())


def window_key(config) -> tuple:
    """What, besides the version, decides which events a feed holds: today's date and the window's settings."""
    return (utcnow().date(), *(int(config.get(name, default)) for name, default in WINDOW_DEFAULTS.items()))


def build_feed(session, scope: Scope, filters: Filters, config, day: date) -> bytes:
    """The feed's bytes on ``day``: stored VEVENTs joined, after rendering (and storing) the missing ones.

    The components are sorted by their text: the same bytes, so the same ETag, from every worker and database,
    without an ORDER BY that would make the database sort the large column.
    """
    if scope.event_id is not None:
        return assemble_calendar(scope.meta, _texts(session, (Event.id == scope.event_id,)))
    window = Window.of_day(day, config)
    where = (*scope.where, *filters.sql(), Event.starts_at < window.end)
    # Events that end inside the window, exactly in SQL; then series that began before it, checked here.
    texts = _texts(session, (*where, window.ends_inside()))
    texts += _texts(session, (*where, Event.rrule.is_not(None), Event.starts_at < window.latest_start(),
                              not_(window.ends_inside())), series=window)
    return assemble_calendar(scope.meta, sorted(texts))


def _texts(session, where: tuple, series: Window | None = None) -> list[str]:
    """The stored VEVENTs of the events ``where`` (of a series: that reach the window)."""
    def events():
        found = session.scalars(select(Event).where(*where).execution_options(populate_existing=True))
        return [e for e in found if series is None or series.reaches(e.status, e.series)]

    for attempt in range(2):
        texts = session.scalars(select(Event.vevent).where(*where)).all() if series is None else \
            [e.vevent for e in events()]
        if None not in texts:
            return texts
        if attempt == 0:
            render_pending(session)
    # Changed again since that render: render these now, without storing.
    found = events()
    rendered = render_pending(session, [e for e in found if e.vevent is None], store=False)
    return [e.vevent if e.vevent is not None else rendered[e.id] for e in found]
