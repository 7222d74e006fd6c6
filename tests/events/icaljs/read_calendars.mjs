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
    // A date changed on its own (a VEVENT with RECURRENCE-ID, related to its series) shows at its own time.
    const details = event.getOccurrenceDetails(next.clone());
    const shown = time(details.startDate.clone());
    if (details.item !== event) {
      shown.recurrence_id = details.recurrenceId.toString();
      shown.status = details.item.component.getFirstPropertyValue("status");
    }
    found.push(shown);
  }
  return found;
}

function describe(vevent, request, masters) {
  const uid = vevent.getFirstPropertyValue("uid");
  const event = vevent.hasProperty("recurrence-id") ? new ICAL.Event(vevent) : masters.get(uid) || new ICAL.Event(vevent);
  const recurrenceId = vevent.getFirstPropertyValue("recurrence-id");
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
    recurrence_id: recurrenceId ? recurrenceId.toString() : null,
    occurrences: recurrenceId ? [] : occurrences(event, request.until, request.max || 500),
  };
}

// Each series' master ICAL.Event, with the VEVENTs that change one of its dates (RECURRENCE-ID) related to it.
function masters(calendar) {
  const found = new Map();
  const vevents = calendar.getAllSubcomponents("vevent");
  for (const vevent of vevents) {
    if (!vevent.hasProperty("recurrence-id")) found.set(vevent.getFirstPropertyValue("uid"), new ICAL.Event(vevent));
  }
  for (const vevent of vevents) {
    const master = found.get(vevent.getFirstPropertyValue("uid"));
    if (vevent.hasProperty("recurrence-id") && master) master.relateException(new ICAL.Event(vevent));
  }
  return found;
}

// A VFREEBUSY answer: its window and each busy period with its FBTYPE.
function freebusy(component) {
  return {
    uid: component.getFirstPropertyValue("uid"),
    start: time(component.getFirstPropertyValue("dtstart")),
    end: time(component.getFirstPropertyValue("dtend")),
    periods: component.getAllProperties("freebusy").map((property) => {
      const period = property.getFirstValue();
      return { fbtype: property.getParameter("fbtype"), start: period.start.toUnixTime(),
               end: period.getEnd().toUnixTime() };
    }),
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
  const series = masters(calendar);
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
    events: calendar.getAllSubcomponents("vevent").map((vevent) => describe(vevent, request, series)),
    freebusy: calendar.getAllSubcomponents("vfreebusy").map(freebusy),
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
