/**
 * The weekends-only publicity end, the default until a calendar is wired: the exclusive end is the
 * Asia/Shanghai midnight after the n-th working day after the start's day; 0 days end at the start.
 */
import { describe, expect, it } from 'vitest';
import { weekendsOnlyPublicityEnd } from '../../src/rounds/publicity.js';

const at = (shanghai: string) => Date.parse(`${shanghai}+08:00`);
const end = (start: string, days: number) => new Date(weekendsOnlyPublicityEnd(at(start), days)).toISOString();

describe('weekendsOnlyPublicityEnd', () => {
  it('counts from the day after the start, skipping Saturdays and Sundays', () => {
    // Monday 2024-05-06: Tue 7 … Mon 13.
    expect(end('2024-05-06T10:00:00', 5)).toBe('2024-05-13T16:00:00.000Z');
    // Friday 2024-05-10 late in the evening Shanghai time (still Friday there, Saturday never counts): Mon 13.
    expect(end('2024-05-10T23:30:00', 1)).toBe('2024-05-13T16:00:00.000Z');
    // A start on a Saturday: Mon 13 … Fri 17.
    expect(end('2024-05-11T09:00:00', 5)).toBe('2024-05-17T16:00:00.000Z');
    // A start at 07:00 UTC on Sunday is 15:00 Sunday in Shanghai: the next working day is Monday.
    expect(new Date(weekendsOnlyPublicityEnd(Date.parse('2024-05-12T07:00:00Z'), 1)).toISOString()).toBe('2024-05-13T16:00:00.000Z');
  });

  it('ends a period of 0 working days at its start', () => {
    expect(weekendsOnlyPublicityEnd(at('2024-05-11T09:00:00'), 0)).toBe(at('2024-05-11T09:00:00'));
  });

  it('moves forward one working day at a time', () => {
    const start = at('2024-09-27T12:00:00');
    let previous = start;
    for (let days = 1; days <= 30; days += 1) {
      const next = weekendsOnlyPublicityEnd(start, days);
      // The period's last day, in Asia/Shanghai: a weekday.
      const weekday = new Date(next - 1 + 8 * 3_600_000).getUTCDay();
      expect(next).toBeGreaterThan(previous);
      expect([1, 2, 3, 4, 5]).toContain(weekday);
      previous = next;
    }
  });
});
