"""Calendar imports: an organisation's iCal feed, fetched safely (``fetch``), read with its producers' quirks
(``parse``), kept in sync with its events by UID (``sync``), on a schedule by its own process (``runner``)."""
