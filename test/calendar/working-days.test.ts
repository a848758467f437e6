/**
 * Working days (src/calendar/working-days.ts): weekends off, a year's holidays and adjusted working
 * days (调休) from the calendar, Asia/Shanghai days; the 2024 National Day week as the worked example.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay, publicityEndsAt, shanghaiDate, yearsWithoutCalendar, type Calendar } from '../../src/calendar/working-days.js';

/** 2024: National Day 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 worked instead. */
const CALENDAR_2024: Calendar = {
  2024: {
    holidays: ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07'],
    workdays: ['2024-09-29', '2024-10-12'],
  },
};

const at = (shanghai: string) => Date.parse(`${shanghai}+08:00`);

describe('isWorkingDay', () => {
  it('follows Monday to Friday, the holidays and the adjusted working days', () => {
    expect(isWorkingDay('2024-09-27', CALENDAR_2024)).toBe(true); // Friday
    expect(isWorkingDay('2024-09-28', CALENDAR_2024)).toBe(false); // Saturday
    expect(isWorkingDay('2024-09-29', CALENDAR_2024)).toBe(true); // Sunday, 调休
    expect(isWorkingDay('2024-10-01', CALENDAR_2024)).toBe(false); // Tuesday, 国庆
    expect(isWorkingDay('2024-10-07', CALENDAR_2024)).toBe(false); // Monday, 国庆
    expect(isWorkingDay('2024-10-08', CALENDAR_2024)).toBe(true);
    expect(isWorkingDay('2024-10-12', CALENDAR_2024)).toBe(true); // Saturday, 调休
    expect(isWorkingDay('2024-10-13', CALENDAR_2024)).toBe(false); // Sunday
  });

  it('counts weekends only in a year the calendar does not have', () => {
    expect(isWorkingDay('2025-10-01', CALENDAR_2024)).toBe(true); // a Wednesday, no 2025 calendar
    expect(isWorkingDay('2025-10-04', CALENDAR_2024)).toBe(false); // a Saturday
  });
});

describe('addWorkingDays', () => {
  it('skips the National Day week and counts the adjusted Sunday and Saturday', () => {
    expect(addWorkingDays('2024-09-27', 1, CALENDAR_2024)).toBe('2024-09-29');
    expect(addWorkingDays('2024-09-29', 1, CALENDAR_2024)).toBe('2024-09-30');
    expect(addWorkingDays('2024-09-30', 1, CALENDAR_2024)).toBe('2024-10-08');
    expect(addWorkingDays('2024-09-30', 5, CALENDAR_2024)).toBe('2024-10-12');
    expect(addWorkingDays('2024-09-30', 6, CALENDAR_2024)).toBe('2024-10-14');
    expect(addWorkingDays('2024-10-03', 0, CALENDAR_2024)).toBe('2024-10-03');
  });

  it('without the calendar, the same span runs through the holidays', () => {
    expect(addWorkingDays('2024-09-30', 5, {})).toBe('2024-10-07');
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays('2024-09-30', -1, CALENDAR_2024)).toThrow(RangeError);
    expect(() => addWorkingDays('2024-09-30', 1.5, CALENDAR_2024)).toThrow(RangeError);
    expect(() => addWorkingDays('2024-02-30', 1, CALENDAR_2024)).toThrow(RangeError);
  });
});

describe('publicityEndsAt', () => {
  it('ends at the Shanghai midnight after the n-th working day after the start day', () => {
    // Started Monday 30 September at 10:00: five working days are 10-08..10-12, so it ends as 13 October begins.
    expect(new Date(publicityEndsAt(at('2024-09-30T10:00:00'), 5, CALENDAR_2024)).toISOString()).toBe('2024-10-12T16:00:00.000Z');
    // Started late in the evening of Friday 27 September (still the 27th in Shanghai, already in UTC too).
    expect(new Date(publicityEndsAt(at('2024-09-27T23:30:00'), 2, CALENDAR_2024)).toISOString()).toBe('2024-09-30T16:00:00.000Z');
  });

  it('takes the Shanghai day of the start, not the UTC one', () => {
    // 00:30 on 1 October in Shanghai is still 30 September in UTC: the day counted from is 1 October.
    expect(shanghaiDate(at('2024-10-01T00:30:00'))).toBe('2024-10-01');
    expect(new Date(publicityEndsAt(at('2024-10-01T00:30:00'), 1, CALENDAR_2024)).toISOString()).toBe('2024-10-08T16:00:00.000Z');
  });

  it('is the start itself for zero working days', () => {
    const start = at('2024-10-02T15:00:00');
    expect(publicityEndsAt(start, 0, CALENDAR_2024)).toBe(start);
  });
});

describe('yearsWithoutCalendar', () => {
  it('names the years of a span the calendar does not have', () => {
    expect(yearsWithoutCalendar('2024-12-20', '2025-01-10', CALENDAR_2024)).toEqual([2025]);
    expect(yearsWithoutCalendar('2024-09-30', '2024-10-12', CALENDAR_2024)).toEqual([]);
    expect(yearsWithoutCalendar('2026-01-02', '2023-12-30', CALENDAR_2024)).toEqual([2023, 2025, 2026]);
  });
});

describe('properties', () => {
  const day = fc.integer({ min: Date.UTC(2023, 0, 1) / 86_400_000, max: Date.UTC(2026, 11, 31) / 86_400_000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
  const count = fc.integer({ min: 0, max: 40 });

  it('the n-th working day (n ≥ 1) is a working day, after the date', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 40 }), (date, n) => {
        const result = addWorkingDays(date, n, CALENDAR_2024);
        return isWorkingDay(result, CALENDAR_2024) && result > date;
      }),
    );
  });

  it('is monotone in n: one more working day is strictly later', () => {
    fc.assert(fc.property(day, count, (date, n) => addWorkingDays(date, n + 1, CALENDAR_2024) > addWorkingDays(date, n, CALENDAR_2024)));
  });

  it('n = 0 is the identity, and n + m is m after n', () => {
    fc.assert(
      fc.property(day, count, count, (date, n, m) => {
        expect(addWorkingDays(date, 0, CALENDAR_2024)).toBe(date);
        expect(addWorkingDays(addWorkingDays(date, n, CALENDAR_2024), m, CALENDAR_2024)).toBe(addWorkingDays(date, n + m, CALENDAR_2024));
      }),
    );
  });

  it('the publicity end is a Shanghai midnight right after a working day, never before the start', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 0, 1) }), fc.integer({ min: 1, max: 20 }), (start, n) => {
        const end = publicityEndsAt(start, n, CALENDAR_2024);
        const lastDay = shanghaiDate(end - 1);
        return end > start && shanghaiDate(end) !== lastDay && isWorkingDay(lastDay, CALENDAR_2024) && lastDay > shanghaiDate(start);
      }),
    );
  });
});
