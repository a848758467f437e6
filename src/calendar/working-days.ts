/**
 * Working days in Asia/Shanghai, by a calendar kept as a setting (the State Council's yearly notice
 * of public holidays and adjusted working days, 调休), not as code. Pure functions, no I/O.
 *
 * A day is a working day when it is Monday to Friday and not a holiday of its year, or a Saturday or
 * Sunday its year lists as an adjusted working day. A year the calendar does not have counts its
 * weekends only; `yearsWithoutCalendar` names such years so that a caller can warn.
 */

/** One year's exceptions to "Monday to Friday": YYYY-MM-DD dates of that year, Asia/Shanghai. */
export interface CalendarYear {
  /** Days off that would otherwise be working days (法定节假日). */
  holidays: readonly string[];
  /** Saturdays or Sundays that are working days (调休上班). */
  workdays: readonly string[];
}

/** The calendar: one entry per year it knows, keyed by the year. */
export type Calendar = Readonly<Record<number, CalendarYear>>;

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

function dayNumber(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

const dateOfDayNumber = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The year of a YYYY-MM-DD date. */
export const yearOf = (date: string): number => Number(date.slice(0, 4));

/** Saturday or Sunday. */
export function isWeekend(date: string): boolean {
  const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The Asia/Shanghai calendar date of an instant (epoch ms). */
export function shanghaiDate(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant (epoch ms) an Asia/Shanghai calendar day begins. */
export function shanghaiMidnight(date: string): number {
  return dayNumber(date) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Monday to Friday unless a holiday of its year; Saturday and Sunday only as an adjusted working day. */
export function isWorkingDay(date: string, calendar: Calendar): boolean {
  const year = calendar[yearOf(date)];
  if (isWeekend(date)) return year !== undefined && year.workdays.includes(date);
  return year === undefined || !year.holidays.includes(date);
}

/** The n-th working day after `date` (the date itself not counted); n = 0 is the date itself. */
export function addWorkingDays(date: string, n: number, calendar: Calendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number, not ${n}`);
  let day = dayNumber(date);
  for (let left = n; left > 0;) {
    day += 1;
    if (isWorkingDay(dateOfDayNumber(day), calendar)) left -= 1;
  }
  return dateOfDayNumber(day);
}

/**
 * The exclusive end of a period of `workingDays` working days that starts at `startedAt` (epoch ms):
 * the Asia/Shanghai midnight after the n-th working day after startedAt's own day. The day it starts
 * on does not count, whatever the hour. n = 0: the period ends as it starts.
 */
export function publicityEndsAt(startedAt: number, workingDays: number, calendar: Calendar): number {
  if (workingDays === 0) return startedAt;
  const last = addWorkingDays(shanghaiDate(startedAt), workingDays, calendar);
  return shanghaiMidnight(last) + DAY_MS;
}

/** The years from `from`'s to `to`'s (YYYY-MM-DD, either order) that the calendar does not have, ascending. */
export function yearsWithoutCalendar(from: string, to: string, calendar: Calendar): number[] {
  const [first, last] = [yearOf(from), yearOf(to)].sort((a, b) => a - b) as [number, number];
  const missing: number[] = [];
  for (let year = first; year <= last; year += 1) if (calendar[year] === undefined) missing.push(year);
  return missing;
}
