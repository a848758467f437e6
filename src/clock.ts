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

export const isoUtc = (epochMs: number): string => new Date(epochMs).toISOString();
