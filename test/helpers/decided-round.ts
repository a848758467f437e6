/**
 * A round driven in order over HTTP, as the round's gates require (enforceRoundGates on): projects
 * of three units submitted while the round is open, the submissions closed after the deadline,
 * checked, reviewed, decided by the committee (four approved, one rejected), the decisions
 * concluded; then, on demand, the approved list published (round@2: with its signed document).
 *
 *   key      unit               category   title
 *   fortress 音乐学院党总支      fortress   “党建+专业”融合工程
 *   early    声乐系党支部        vanguard   琴房先锋岗
 *   late     声乐系党支部        vanguard   乐韵党课
 *   library  图书馆直属党支部    vanguard   <script>alert("书香")</script> & 读书会
 *   rejected 声乐系党支部        vanguard   常规组织生活（未获立项）
 */
import { expect } from 'vitest';
import { call, type FakeClock } from './app.js';
import { COMPLETE_LETTER, assignReviewers, createUser, fire, fireOk, uploadApprovedList, type User, type World } from './world.js';

export const SCRIPT_TITLE = '<script>alert("书香")</script> & 读书会';

export interface DecidedRound {
  ids: Record<'fortress' | 'early' | 'late' | 'library' | 'rejected', string>;
  libraryApplicant: User;
}

const shanghai = (clock: FakeClock, at: string) => clock.set(Date.parse(`${at}+08:00`));

export async function roundEvent(world: World, user: User, type: string, payload: Record<string, unknown> = {}) {
  const response = await call(world.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type, ...payload } });
  expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

async function draft(world: World, owner: User, title: string, category: 'fortress' | 'vanguard'): Promise<string> {
  const response = await call(world.app, owner.token, {
    method: 'POST',
    url: '/api/v1/projects',
    payload: { roundId: world.roundId, category, direction: category === 'vanguard' ? 'member_platforms' : 'integration', title, letter: COMPLETE_LETTER },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const id = response.body.id as string;
  const submitted = await fire(world, id, owner, 'SUBMIT');
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  return id;
}

/** The world's round with the committee's decisions concluded (round@1 `decided`, round@2 `in_publicity`), the clock at 2023-04-10 10:00 Shanghai. */
export async function driveToDecided(world: World, clock: FakeClock): Promise<DecidedRound> {
  const libraryApplicant = await createUser(world.app, '图书馆书记', 'applicant', world.units.direct);
  const ids = {
    fortress: await draft(world, world.parentApplicant, '“党建+专业”融合工程', 'fortress'),
    early: await draft(world, world.applicant, '琴房先锋岗', 'vanguard'),
    late: await draft(world, world.applicant, '乐韵党课', 'vanguard'),
    library: await draft(world, libraryApplicant, SCRIPT_TITLE, 'vanguard'),
    rejected: await draft(world, world.applicant, '常规组织生活（未获立项）', 'vanguard'),
  };
  shanghai(clock, '2023-03-30T09:00:00');
  await roundEvent(world, world.orgDept, 'CLOSE_SUBMISSIONS');
  for (const id of Object.values(ids)) await fireOk(world, id, 'PASS_PRELIMINARY_CHECK');
  await roundEvent(world, world.orgDept, 'START_REVIEW');
  for (const id of Object.values(ids)) {
    await assignReviewers(world, id);
    for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, id, 'SUBMIT_REVIEW', undefined, i);
    await fireOk(world, id, 'COMPLETE_PANEL_REVIEW');
  }
  for (const id of [ids.fortress, ids.early, ids.late, ids.library]) await fireOk(world, id, 'APPROVE');
  const rejected = await fire(world, ids.rejected, world.committee, 'REJECT', { reason: '属于常规工作，不符合立项要求' });
  expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
  shanghai(clock, '2023-04-10T10:00:00');
  await roundEvent(world, world.committee, 'CONCLUDE_DECISIONS');
  return { ids, libraryApplicant };
}

/**
 * PUBLISH_LIST by org_dept on 2023-04-20 10:00 Shanghai (after round@2's publicity period of five
 * working days from the conclusion): every approved project starts. A round@2 publishes with its
 * signed list, uploaded first.
 */
export async function publishList(world: World, clock: FakeClock, documentNumber = '党委〔2023〕12号', publishedOn = '2023-04-20') {
  shanghai(clock, `${publishedOn}T10:00:00`);
  const round = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` });
  const document = round.body.machine.version === 1 ? {} : { document: await uploadApprovedList(world) };
  return roundEvent(world, world.orgDept, 'PUBLISH_LIST', { documentNumber, publishedOn, ...document });
}
