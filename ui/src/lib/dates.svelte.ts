// Dates and times as the clinic writes them (Settings → Booking): in its time zone,
// day or month first, 24- or 12-hour clock. Stored instants are UTC ISO strings and
// stored dates `YYYY-MM-DD`; people never see either raw. The way is loaded once
// signed in (`useClinicWay`) and is reactive, so a change in Settings shows at once.
import type { ClinicSettings } from './api';

type Way = Pick<ClinicSettings, 'timeZone' | 'dateFormat' | 'timeFormat'>;

const way = $state<Way>({ timeZone: '', dateFormat: 'dayMonthYear', timeFormat: 'twentyFourHour' });

/** Uses the clinic's settings from now on. */
export function useClinicWay(settings: Way) {
  way.timeZone = settings.timeZone;
  way.dateFormat = settings.dateFormat;
  way.timeFormat = settings.timeFormat;
}

/** The clinic's time zone, or the computer's while none is known. */
function zone(): string | undefined {
  return way.timeZone || undefined;
}

function numericParts(iso: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

function writeDate(year: string, month: string, day: string): string {
  return way.dateFormat === 'monthDayYear' ? `${month}/${day}/${year}` : `${day}/${month}/${year}`;
}

function writeTime(hour: number, minute: string): string {
  if (way.timeFormat === 'twelveHour') {
    return `${hour % 12 === 0 ? 12 : hour % 12}:${minute} ${hour < 12 ? 'AM' : 'PM'}`;
  }
  return `${String(hour).padStart(2, '0')}:${minute}`;
}

/** A stored instant as the clinic's local date, e.g. "02/04/2026". */
export function localDate(iso: string): string {
  const p = numericParts(iso);
  return writeDate(p.year, p.month, p.day);
}

/** A stored instant as the clinic's local time of day, e.g. "14:30" or "2:30 PM". */
export function clockTime(iso: string): string {
  const p = numericParts(iso);
  return writeTime(Number(p.hour), p.minute);
}

/** A stored instant as the clinic's local date and time, e.g. "02/04/2026 14:30". */
export function localTime(iso: string): string {
  return `${localDate(iso)} ${clockTime(iso)}`;
}

/** A stored date `YYYY-MM-DD` (a birth date, an expiry) as the clinic writes dates;
 * anything else is shown as it is. */
export function plainDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  return m ? writeDate(m[1], m[2], m[3]) : ymd;
}

/** How a date field wants its date typed, e.g. "DD/MM/YYYY". */
export function datePattern(): string {
  return way.dateFormat === 'monthDayYear' ? 'MM/DD/YYYY' : 'DD/MM/YYYY';
}
