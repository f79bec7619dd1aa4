import type { HelperOptions } from 'handlebars';

/** The styles {{formatDate value style}} knows; "iso" is for <time datetime="...">. */
const styles: Readonly<Record<string, Intl.DateTimeFormatOptions | undefined>> = {
  date: { dateStyle: 'medium' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { timeStyle: 'short' },
  iso: undefined,
};

// Creating an Intl formatter costs far more than using one; locales and styles are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached UTC formatter for a locale and style, falling back to en-GB for an unknown locale. */
function formatterFor(locale: string, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${style}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    } catch {
      formatter = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * {{formatDate createdAt}} or {{formatDate createdAt "date"|"time"|"iso"}}: an ISO 8601 timestamp (UTC)
 * as readable text in the request's locale, in UTC and saying so. Pair it with
 * <time datetime="{{formatDate createdAt "iso"}}">. A value that is not a date is shown as it is.
 */
export default function formatDate(value: unknown, ...rest: unknown[]): string {
  const options = rest.at(-1) as HelperOptions;
  const style = rest.length > 1 ? rest[0] : 'datetime';
  if (typeof style !== 'string' || !Object.hasOwn(styles, style)) {
    throw new Error(`formatDate's style must be one of ${Object.keys(styles).join(', ')}, not ${JSON.stringify(style)}.`);
  }
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return String(value);
  const formatOptions = styles[style];
  if (!formatOptions) return date.toISOString();
  const locale = (options.data as { locale?: unknown } | undefined)?.locale;
  const text = formatterFor(typeof locale === 'string' ? locale : 'en-GB', style, formatOptions).format(date);
  return style === 'date' ? text : `${text} UTC`;
}
