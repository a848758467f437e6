/** The service's only source of time; tests hand in a fake one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Asia/Shanghai has kept UTC+8 without daylight saving since 1991. */
const SHANGHAI_OFFSET = '+08:00';
const DAY_MS = 86_400_000;

/** The exclusive end of a calendar day in Asia/Shanghai: a deadline "29 March" closes here. */
export function endOfShanghaiDay(date: string): number {
  const start = Date.parse(`${date}T00:00:00${SHANGHAI_OFFSET}`);
  if (Number.isNaN(start)) throw new RangeError(`not a calendar date: ${date}`);
  return start + DAY_MS;
}

/** The minute isoUtc last formatted, and its text up to the seconds ("2026-12-04T05:06:"). */
let minuteStart = Number.NaN;
let minutePrefix = '';

/**
 * `new Date(epochMs).toISOString()`, byte for byte: the date, hours and minutes are formatted once
 * a minute and the seconds and milliseconds appended, since every event the service records (often
 * dozens within a millisecond) stamps its time. Outside the years 0–9999, where toISOString writes
 * six-digit years, and for invalid times, it is toISOString itself.
 */
export function isoUtc(epochMs: number): string {
  const offset = epochMs - minuteStart;
  if (offset >= 0 && offset < 60_000 && Number.isInteger(epochMs)) {
    const seconds = Math.floor(offset / 1000);
    const millis = offset - seconds * 1000;
    return `${minutePrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }
  const text = new Date(epochMs).toISOString();
  // Years 0 to 9999 (four digits, no sign): the text up to the minutes is the same all minute long.
  if (Number.isInteger(epochMs) && epochMs >= -62_167_219_200_000 && epochMs < 253_402_300_800_000) {
    minuteStart = epochMs - (((epochMs % 60_000) + 60_000) % 60_000);
    minutePrefix = text.slice(0, 17);
  }
  return text;
}
