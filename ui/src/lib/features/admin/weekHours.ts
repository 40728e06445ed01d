// A week's hours between the core's form (`DayHours | null`, Monday first) and the
// rows of WeekHours.svelte.
import type { DayHours } from '../../api';

/** One day's row: open (or working) that day, and from–to as typed. */
export type DayRow = { open: boolean; opens: string; closes: string };

/** The rows for a stored week (closed days keep a suggestion for when they open). */
export function toRows(days: (DayHours | null)[] | null, fallback: (DayHours | null)[] = []): DayRow[] {
  return Array.from({ length: 7 }, (_, i) => {
    const day = days ? days[i] : fallback[i];
    return day ? { open: true, opens: day.opens, closes: day.closes } : { open: false, opens: '09:00', closes: '17:00' };
  });
}

/** The core's form of the rows. */
export function fromRows(rows: DayRow[]): (DayHours | null)[] {
  return rows.map((r) => (r.open ? { opens: r.opens, closes: r.closes } : null));
}
