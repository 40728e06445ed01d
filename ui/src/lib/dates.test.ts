import { afterEach, describe, expect, it } from 'vitest';
import { clockTime, datePattern, localDate, localTime, plainDate, useClinicWay } from './dates.svelte';

afterEach(() => useClinicWay({ timeZone: '', dateFormat: 'dayMonthYear', timeFormat: 'twentyFourHour' }));

describe('the clinic’s way of writing dates and times', () => {
  it('writes dates day first or month first', () => {
    useClinicWay({ timeZone: 'Europe/London', dateFormat: 'dayMonthYear', timeFormat: 'twentyFourHour' });
    expect(plainDate('1985-04-02')).toBe('02/04/1985');
    expect(datePattern()).toBe('DD/MM/YYYY');
    expect(localTime('2026-04-02T13:30:00Z')).toBe('02/04/2026 14:30'); // British Summer Time
    useClinicWay({ timeZone: 'Europe/London', dateFormat: 'monthDayYear', timeFormat: 'twentyFourHour' });
    expect(plainDate('1985-04-02')).toBe('04/02/1985');
    expect(datePattern()).toBe('MM/DD/YYYY');
    expect(localDate('2026-04-02T13:30:00Z')).toBe('04/02/2026');
  });

  it('shows anything that is not a stored date as it is', () => {
    expect(plainDate('')).toBe('');
    expect(plainDate('14/03/1980')).toBe('14/03/1980');
  });

  it('writes 12-hour times with AM and PM, midnight and noon as 12', () => {
    useClinicWay({ timeZone: 'UTC', dateFormat: 'dayMonthYear', timeFormat: 'twelveHour' });
    expect(clockTime('2026-11-28T00:05:00Z')).toBe('12:05 AM');
    expect(clockTime('2026-11-28T12:30:00Z')).toBe('12:30 PM');
    expect(clockTime('2026-11-28T14:30:00Z')).toBe('2:30 PM');
    expect(clockTime('2026-11-28T09:05:00Z')).toBe('9:05 AM');
    useClinicWay({ timeZone: 'UTC', dateFormat: 'dayMonthYear', timeFormat: 'twentyFourHour' });
    expect(clockTime('2026-11-28T00:05:00Z')).toBe('00:05');
  });

  it('turns instants into the clinic’s local day and time across a daylight-saving change', () => {
    useClinicWay({ timeZone: 'America/Chicago', dateFormat: 'monthDayYear', timeFormat: 'twelveHour' });
    // Clocks went back at 2:00 on 1 November 2026: 1:30 happened twice, an hour apart.
    expect(localTime('2026-11-01T06:30:00Z')).toBe('11/01/2026 1:30 AM');
    expect(localTime('2026-11-01T07:30:00Z')).toBe('11/01/2026 1:30 AM');
    expect(localTime('2026-11-01T08:30:00Z')).toBe('11/01/2026 2:30 AM');
    // Late evening in Chicago is already the next day in UTC.
    expect(localDate('2026-11-02T04:30:00Z')).toBe('11/01/2026');
    // Spring: 1:59 is followed by 3:00.
    expect(clockTime('2026-03-08T07:59:00Z')).toBe('1:59 AM');
    expect(clockTime('2026-03-08T08:00:00Z')).toBe('3:00 AM');
  });
});
