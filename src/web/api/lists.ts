/** Lists the screens read whole: every page of a paged answer, and the rounds. */
import { api, asProblem, ProblemError } from './client';
import type { components } from './schema';

export type Round = components['schemas']['Round'];
type RoundState = Round['state'];

/** Every item of a paged list, a page after another (at most 50 pages: 25,000 items of 500). */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i += 1) {
    const answer = await page(cursor);
    items.push(...answer.items);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return items;
}

/** The rounds, oldest first; only those in `state` when given (GET /rounds?state=...). */
export function listRounds(state?: RoundState): Promise<Round[]> {
  return allPages(async (cursor) => {
    const query = { limit: 500, ...(cursor ? { cursor } : {}), ...(state ? { state } : {}) };
    const { data, error, response } = await api.GET('/api/v1/rounds', { params: { query } });
    if (!data) throw new ProblemError(asProblem(error, response), response.status);
    return data;
  });
}
