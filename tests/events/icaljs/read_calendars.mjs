// Reads calendars with Mozilla ical.js (the parser Thunderbird uses) and prints what it understood, as JSON.
//
// One request per stdin line: {"ics": "...", "until": "2028-01-01", "max": 500}.
// One answer per stdout line: {"ok": true, "calendar": {...}, "events": [...]} or {"ok": false, "error": "..."}.
// A single process answers many requests, so tests do not pay a node start per calendar.
import readline from "node:readline";
import ICAL from "ical.js";

function time(value) {
  return {
    local: value.toString(),
    tzid: value.zone ? value.zone.tzid : null,
    is_date: value.isDate,
    unix: value.isDate ? null : value.toUnixTime(),
  };
}

function occurrences(event, until, max) {
  const found = [];
  const limit = until ? ICAL.Time.fromDateString(until) : null;
  const iterator = event.iterator();
  for (let next = iterator.next(); next && found.length < max; next = iterator.next()) {
    if (limit && next.compare(limit) > 0) break;
    const start = next.clone();
    found.push(time(start));
  }
  return found;
}

function describe(vevent, request) {
  const event = new ICAL.Event(vevent);
  const organizer = vevent.getFirstProperty("organizer");
  const geo = vevent.getFirstPropertyValue("geo");
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    description: event.description,
    location: event.location,
    url: vevent.getFirstPropertyValue("url"),
    status: vevent.getFirstPropertyValue("status"),
    categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
    organizer: organizer ? { value: organizer.getFirstValue(), cn: organizer.getParameter("cn") } : null,
    geo: geo ? geo : null,
    dtstamp: vevent.getFirstPropertyValue("dtstamp").toString(),
    start: time(event.startDate),
    end: time(event.endDate),
    recurring: event.isRecurring(),
    occurrences: occurrences(event, request.until, request.max || 500),
  };
}

function read(request) {
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(request.ics));
  if (calendar.name !== "vcalendar") throw new Error(`not a VCALENDAR but ${calendar.name}`);
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  const property = (name) => calendar.getFirstPropertyValue(name);
  return {
    ok: true,
    calendar: {
      version: property("version"),
      prodid: property("prodid"),
      method: property("method"),
      name: property("name"),
      "x-wr-calname": property("x-wr-calname"),
      timezones: calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
    },
    events: calendar.getAllSubcomponents("vevent").map((vevent) => describe(vevent, request)),
  };
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
for await (const line of lines) {
  let answer;
  try {
    answer = read(JSON.parse(line));
  } catch (error) {
    answer = { ok: false, error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
