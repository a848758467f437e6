/**
 * The working-day calendar as a setting: each year's public holidays and adjusted working days
 * (调休), set by org_dept or the admin (SET_CALENDAR, one entry per change with the full lists and
 * what changed), read by everyone, and handed to the rules that count working days (a publicity
 * period of the round, src/calendar/working-days.ts).
 */
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { CalendarYearRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { appendRecord, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { CalendarRepository } from './calendar.repository.js';
import type { CalendarYearView, PutCalendarYearInput } from './calendar.schemas.js';
import { isCalendarDate, isWeekend, yearOf, type Calendar } from './working-days.js';

const toView = (row: CalendarYearRow): CalendarYearView => ({ ...row, holidays: [...row.holidays], workdays: [...row.workdays] });

/** What a list gained and lost; absent when it did not change. */
function listChange(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } | undefined {
  const added = after.filter((date) => !before.includes(date));
  const removed = before.filter((date) => !after.includes(date));
  return added.length === 0 && removed.length === 0 ? undefined : { added, removed };
}

/** The problem for one list's first wrong date: 422 naming the field, its index and the date. */
function checkList(year: number, field: 'holidays' | 'workdays', dates: readonly string[]): void {
  const seen = new Set<string>();
  dates.forEach((date, index) => {
    const at = { field: `${field}[${index}]`, date };
    if (!isCalendarDate(date))
      throw new Problem('unprocessable', `${field}[${index}] 不是有效日期：${date} / ${field}[${index}] is not a calendar date: ${date}`, { ...at, code: 'invalid_date' });
    if (yearOf(date) !== year) {
      throw new Problem('unprocessable', `${field}[${index}] 不在 ${year} 年内：${date} / ${field}[${index}] is not in ${year}: ${date}`, { ...at, code: 'date_outside_year' });
    }
    if (seen.has(date)) throw new Problem('unprocessable', `${field} 中 ${date} 重复 / ${date} is listed twice in ${field}`, { ...at, code: 'duplicate_date' });
    seen.add(date);
    if (field === 'workdays' && !isWeekend(date)) {
      throw new Problem('unprocessable', `调休上班日须为周六或周日：${date} / An adjusted working day must be a Saturday or Sunday: ${date}`, {
        ...at,
        code: 'workday_not_weekend',
      });
    }
  });
}

export class CalendarService {
  private readonly repository: CalendarRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
  ) {
    this.repository = new CalendarRepository(db);
  }

  /** Every year set, for the rules that count working days; a year absent counts weekends only. */
  calendar(): Calendar {
    return Object.fromEntries(this.repository.all().map((row) => [row.year, { holidays: row.holidays, workdays: row.workdays }]));
  }

  list(): { items: CalendarYearView[] } {
    return { items: this.repository.all().map(toView) };
  }

  /** The year, or 404 saying that such a year counts weekends only. */
  get(year: number): CalendarYearView {
    const row = this.repository.get(year);
    if (!row) {
      throw new Problem('not-found', `${year} 年的工作日历尚未设置，只按周末计算 / No calendar for ${year}: only weekends are days off`, { code: 'calendar_year_not_set', year });
    }
    return toView(row);
  }

  /**
   * SET_CALENDAR: the year's lists replaced (sorted). 422 naming the first wrong date; 412 when
   * If-Match names another version. A request that changes nothing writes nothing.
   */
  put(act: Act, year: number, input: PutCalendarYearInput, expectedVersion: number | null): Promise<{ created: boolean; year: CalendarYearView }> {
    checkList(year, 'holidays', input.holidays);
    checkList(year, 'workdays', input.workdays);
    const both = input.workdays.find((date) => input.holidays.includes(date));
    if (both !== undefined) {
      throw new Problem('unprocessable', `${both} 不能既是节假日又是调休上班日 / ${both} cannot be both a holiday and a working day`, {
        field: `workdays[${input.workdays.indexOf(both)}]`,
        date: both,
        code: 'date_in_both_lists',
      });
    }
    const holidays = [...input.holidays].sort();
    const workdays = [...input.workdays].sort();
    return this.committer.run(() => {
      const current = this.repository.get(year);
      if (expectedVersion !== null && expectedVersion !== (current?.version ?? 0)) {
        throw new Problem(
          'precondition-failed',
          current
            ? `${year} 年日历已更新到版本 ${current.version} / The calendar of ${year} is at version ${current.version}`
            : `${year} 年日历尚未设置 / The calendar of ${year} is not set`,
          { currentVersion: current?.version ?? null },
        );
      }
      const changes = {
        ...(listChange(current?.holidays ?? [], holidays) ? { holidays: listChange(current?.holidays ?? [], holidays) } : {}),
        ...(listChange(current?.workdays ?? [], workdays) ? { workdays: listChange(current?.workdays ?? [], workdays) } : {}),
      };
      if (current && Object.keys(changes).length === 0) return { created: false, year: toView(current) };
      const row: CalendarYearRow = { year, holidays, workdays, version: (current?.version ?? 0) + 1, updatedBy: act.actor.id, updatedAt: isoUtc(this.clock.now()) };
      this.repository.put(row);
      appendRecord(this.log, act, {
        subjectKind: 'calendar',
        subjectId: String(year),
        event: 'SET_CALENDAR',
        fromState: current ? 'set' : 'none',
        toState: 'set',
        payload: { year, holidays, workdays, changes, ...(input.reason ? { reason: input.reason } : {}) },
        at: row.updatedAt,
      });
      return { created: !current, year: toView(row) };
    });
  }
}
