/** The calendar_years table: one row per year of the working-day calendar. */
import type Database from 'better-sqlite3';
import type { Db } from '../db/client.js';
import type { CalendarYearRow } from '../db/schema.js';

interface StoredRow {
  year: number;
  holidays: string;
  workdays: string;
  version: number;
  updatedBy: string;
  updatedAt: string;
}

const COLUMNS = 'year, holidays, workdays, version, updated_by AS updatedBy, updated_at AS updatedAt';

const parsed = (row: StoredRow): CalendarYearRow => ({ ...row, holidays: JSON.parse(row.holidays) as string[], workdays: JSON.parse(row.workdays) as string[] });

export class CalendarRepository {
  private readonly sqlite: Database.Database;

  constructor(db: Db) {
    this.sqlite = db.$client;
  }

  /** Every year the calendar has, ascending. */
  all(): CalendarYearRow[] {
    return this.sqlite.prepare<[], StoredRow>(`SELECT ${COLUMNS} FROM calendar_years ORDER BY year`).all().map(parsed);
  }

  get(year: number): CalendarYearRow | undefined {
    const row = this.sqlite.prepare<[number], StoredRow>(`SELECT ${COLUMNS} FROM calendar_years WHERE year = ?`).get(year);
    return row ? parsed(row) : undefined;
  }

  /** Sets the year's lists (a new row, or the existing one replaced). */
  put(row: CalendarYearRow): void {
    this.sqlite
      .prepare(
        `INSERT INTO calendar_years (year, holidays, workdays, version, updated_by, updated_at)
         VALUES (@year, @holidays, @workdays, @version, @updatedBy, @updatedAt)
         ON CONFLICT (year) DO UPDATE SET holidays = excluded.holidays, workdays = excluded.workdays, version = excluded.version,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      )
      .run({ ...row, holidays: JSON.stringify(row.holidays), workdays: JSON.stringify(row.workdays) });
  }
}
