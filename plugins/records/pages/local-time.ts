// The record form's date-and-time controls (datetime-local) hold a wall-clock time without a zone; stored
// values are UTC. The browser says where it is: its IANA time zone (exact across daylight saving) or, as
// the brief fallback, its current UTC offset in minutes; without either the form works in UTC.

/** Where the person filling in a form is: an IANA time zone and/or `getTimezoneOffset()` minutes (UTC minus local). */
export interface FormTimeZone {
  timeZone: string | null;
  offsetMinutes: number;
}

const localInputShape = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const zoneNameShape = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter for the zone, or null when the zone is not one this runtime knows. */
function zoneFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    } catch {
      return null;
    }
    // Zone names are few; the bound only keeps a flood of made-up names from growing the map.
    if (formatters.size < 500) formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The form's zone from its hidden `_timeZone` and `_tzOffset` fields; anything unusable falls back to UTC. */
export function formTimeZoneOf(timeZone: string, offset: string): FormTimeZone {
  const minutes = /^[+-]?\d{1,4}$/.test(offset.trim()) ? Number(offset.trim()) : 0;
  const zone = zoneNameShape.test(timeZone) && zoneFormatter(timeZone) ? timeZone : null;
  return { timeZone: zone, offsetMinutes: Math.abs(minutes) <= 14 * 60 ? minutes : 0 };
}

/** How far the zone's wall clock is ahead of UTC at that instant, in milliseconds. */
function zoneAheadMs(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const parts = Object.fromEntries(formatter.formatToParts(new Date(utcMs)).map((part) => [part.type, part.value]));
  const wall = new Date(0);
  wall.setUTCFullYear(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime() - Math.floor(utcMs / 1000) * 1000;
}

/** A datetime-local value ("2024-05-31T14:30") in the form's zone as an ISO UTC time, or null when it is not one. */
export function utcOfLocalInput(text: string, zone: FormTimeZone): string | null {
  const match = localInputShape.exec(text);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59) return null;
  const wall = new Date(0);
  // setUTCFullYear rather than Date.UTC, which would read the years 0 to 99 as 1900 to 1999.
  wall.setUTCFullYear(year, month - 1, day);
  if (wall.getUTCDate() !== day) return null;
  wall.setUTCHours(hours, minutes, seconds, milliseconds);
  const wallMs = wall.getTime();
  const formatter = zone.timeZone ? zoneFormatter(zone.timeZone) : null;
  if (!formatter) return new Date(wallMs + zone.offsetMinutes * 60_000).toISOString();
  // The offset at the wall time, then again at the instant that gives: right on both sides of a DST change.
  const first = wallMs - zoneAheadMs(formatter, wallMs);
  return new Date(wallMs - zoneAheadMs(formatter, first)).toISOString();
}

/**
 * A stored UTC time as a datetime-local value in UTC ("2024-05-31T14:30"), seconds and milliseconds only
 * when it has them, so that saving the form unchanged keeps the time exactly; the page's script shows it in local time.
 */
export function localInputOfUtc(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().slice(0, 23).replace(/\.000$/, '').replace(/:00$/, '');
}
