import { z } from 'zod';

// zod's ISO date check knows month lengths and leap years; the date-time check below reuses it for the
// date part. zod's own datetime check is not used because it insists on seconds, and "14:30Z" or an
// offset written "+0200" are ISO 8601 too.
const calendarDate = z.iso.date();
const dateTimeShape = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** A 'YYYY-MM-DD' text that is a real calendar date, or null when it is not one. */
export function calendarDateOf(value: unknown): string | null {
  return typeof value === 'string' && calendarDate.safeParse(value).success ? value : null;
}

/** An ISO 8601 date and time with Z or an offset, as UTC `toISOString()`; null when it is not one. */
export function utcTimeOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = dateTimeShape.exec(value);
  if (!match) return null;
  const [, date, hours, minutes, seconds = '00', fraction = '', zulu, sign, offsetHours = '00', offsetMinutes = '00'] = match;
  if (calendarDateOf(date) === null) return null;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return null;
  if (!zulu && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return null;
  const [year, month, day] = date!.split('-').map(Number) as [number, number, number];
  // setUTCFullYear rather than Date.UTC, which would read the years 0 to 99 as 1900 to 1999.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(Number(hours), Number(minutes), Number(seconds), Math.floor(Number(`0${fraction}`) * 1000));
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return new Date(local.getTime() - offset).toISOString();
}
