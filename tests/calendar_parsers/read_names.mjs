// Read an .ics file on stdin with ical.js and node-ical; print, as JSON, what each parser read:
// the calendar's names and description, and each event's summary, description and location
// (the first component of each UID). Used by tests/web/test_calendar_names.py.
import fs from "node:fs";
import ICAL from "ical.js";
import nodeIcal from "node-ical";

const text = fs.readFileSync(0, "utf8");
const CALENDAR = ["NAME", "X-WR-CALNAME", "X-WR-CALDESC"];
const EVENT = ["SUMMARY", "DESCRIPTION", "LOCATION"];

function withIcalJs() {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const read = (component, names) =>
    Object.fromEntries(names.map((n) => [n, component.getFirstPropertyValue(n.toLowerCase())]));
  const events = {};
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!(uid in events)) events[uid] = read(vevent, EVENT);
  }
  return { calendar: read(calendar, CALENDAR), events };
}

function withNodeIcal() {
  const parsed = nodeIcal.sync.parseICS(text);
  const plain = (value) =>
    value === undefined || value === null ? null : typeof value === "object" ? value.val : value;
  const head = parsed.vcalendar || {};
  const calendar = {
    NAME: plain(head.name),
    "X-WR-CALNAME": plain(head["WR-CALNAME"]),
    "X-WR-CALDESC": plain(head["WR-CALDESC"]),
  };
  const events = {};
  for (const item of Object.values(parsed)) {
    if (item.type !== "VEVENT" || item.uid in events) continue;
    events[item.uid] = {
      SUMMARY: plain(item.summary),
      DESCRIPTION: plain(item.description),
      LOCATION: plain(item.location),
    };
  }
  return { calendar, events };
}

process.stdout.write(JSON.stringify({ "ical.js": withIcalJs(), "node-ical": withNodeIcal() }));
