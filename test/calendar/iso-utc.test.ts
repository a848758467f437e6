/**
 * isoUtc, which formats each minute once and appends the seconds, writes exactly what
 * Date.prototype.toISOString writes: for any time, in any order, across minute, day and year
 * boundaries, and outside the four-digit years, where it is toISOString itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoUtc } from '../../src/clock.js';

const toIso = (ms: number) => new Date(ms).toISOString();
/** Every time a Date can hold (±8.64e15 ms) but the last, so that the next millisecond is one too. */
const anyTime = fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 - 1 });
const nearNow = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });

describe('isoUtc', () => {
  it('is toISOString for any sequence of times, near one another or not', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            anyTime,
            nearNow,
            nearNow.map((t) => t - (t % 60_000) + 59_999),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (times) => {
          for (const t of times) {
            expect(isoUtc(t)).toBe(toIso(t));
            // The next milliseconds reuse the minute just formatted.
            expect(isoUtc(t + 1)).toBe(toIso(t + 1));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('crosses minute, day and year boundaries millisecond by millisecond', () => {
    for (const boundary of [Date.UTC(2026, 11, 4, 5, 7), Date.UTC(2026, 11, 5), Date.UTC(2027, 0, 1), Date.UTC(2028, 1, 29), 0, Date.UTC(1969, 11, 31, 23, 59)]) {
      for (let t = boundary - 1500; t <= boundary + 1500; t += 1) expect(isoUtc(t)).toBe(toIso(t));
    }
  });

  it('is toISOString outside the four-digit years and for fractional times, and refuses an invalid time alike', () => {
    for (const t of [Date.UTC(10_000, 0, 1), Date.UTC(10_000, 0, 1) + 59_000, Date.UTC(-1, 0, 1), -62_167_219_200_001, 8.64e15, -8.64e15, 1_700_000_000_000.7, -0.5]) {
      expect(isoUtc(t)).toBe(toIso(t));
      expect(isoUtc(t)).toBe(toIso(t));
    }
    expect(() => isoUtc(Number.NaN)).toThrow(RangeError);
    expect(() => isoUtc(8.64e15 + 1)).toThrow(RangeError);
  });
});
