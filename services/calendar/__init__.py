"""The calendar core: the rules that every service must apply alike, because the services exchange their results.

Pure functions and values, with no Flask and no database, each rule once:

- ``times``: Europe/Warsaw, the wire format of times, all-day dates and excluded dates;
- ``recurrence``: which repeat rules are accepted, and the occurrences of a series in a window, bounded;
- ``membership``: whether a partnership member is current on a day;
- ``meetings``: a partner meeting seen as an event;
- ``registration``: whether an event takes registrations through OSL, and its places in words;
- ``ical``: the VEVENT of an event and the calendar around it, the same bytes in a feed and in an e-mail; VFREEBUSY;
- ``rooms``: when a room may be booked (hours, closures, Polish holidays, buffer, horizon) and its free ranges.
"""
