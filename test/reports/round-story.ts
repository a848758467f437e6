/**
 * A round with a known story, built over HTTP, for the report tests: projects of several units
 * scored with chosen totals by the three reviewers (organ committee, 舞蹈学院党总支, 舞蹈系党支部:
 * none of them conflicts with the units that apply), then driven on, stage by stage of the round
 * (its gates are enforced), to approval, acceptance, grading, failure or rejection. The round needs
 * two reviews of each project.
 *
 *   project   unit                totals (R0, R1, R2)  mean    median  then
 *   A         声乐系党支部         80, 75, 85           80      80      graded first, recommended (vanguard)
 *   C         图书馆直属党支部     70, 90, 80           80      80      final acceptance after one return (fortress)
 *   B         音乐学院党总支       60, 68, 87           71.67   68      rejected by the committee (spread 27: disagreement)
 *   G         音乐学院党总支       60, 84, 84           76      84      graded qualified (fortress)
 *   H         图书馆直属党支部     76, 76, 76           76      76      failed (vanguard)
 *   E         声乐系党支部         50, 55, —            52.5    52.5    rejected by the committee on two reviews (two assigned)
 *   D         声乐系党支部         77, 77, 77           77      77      graded first (the helpers' letter and scores)
 *   N         声乐系党支部         no reviews                            submitted, returned for revision at the check: not ranked
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { EventType, Scores } from '../../machines/project.types.js';
import { call } from '../helpers/app.js';
import { COMPLETE_LETTER, advanceRound, assignReviewers, createDraft, createUser, createWorld, fire, fireOk, type User, type World } from '../helpers/world.js';

export interface Story {
  world: World;
  directApplicant: User;
  ids: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'G' | 'H' | 'N', string>;
}

/** Five criterion scores adding up to `total` (as evenly as the integers allow, first criteria higher). */
export function scoresFor(total: number): Scores {
  const base = Math.floor(total / 5);
  const extra = total - base * 5;
  const [direction, innovation, practicality, breadth, exemplarity] = [0, 1, 2, 3, 4].map((i) => base + (i < extra ? 1 : 0)) as [number, number, number, number, number];
  return { direction, innovation, practicality, breadth, exemplarity };
}

export async function step(world: World, projectId: string, user: User, type: EventType, payload: Record<string, unknown> = {}) {
  const response = await fire(world, projectId, user, type, payload);
  expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(200);
}

export async function createProject(world: World, owner: User, title: string, category: 'fortress' | 'vanguard' = 'vanguard'): Promise<string> {
  const direction = category === 'vanguard' ? 'member_platforms' : 'foundation';
  const response = await call(world.app, owner.token, {
    method: 'POST',
    url: '/api/v1/projects',
    payload: { roundId: world.roundId, category, direction, title, letter: { ...COMPLETE_LETTER, leader: `${title}负责人` } },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

/** Created, submitted, checked and assigned to as many of the reviewers as it will have totals. */
async function checked(world: World, owner: User, title: string, reviews: number, category: 'fortress' | 'vanguard' = 'vanguard'): Promise<string> {
  const id = await createProject(world, owner, title, category);
  await step(world, id, owner, 'SUBMIT');
  await step(world, id, world.orgDept, 'PASS_PRELIMINARY_CHECK');
  if (reviews === world.reviewers.length) await assignReviewers(world, id);
  else
    for (const reviewer of world.reviewers.slice(0, reviews))
      await call(world.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${id}/reviewers`, payload: { reviewerId: reviewer.id } });
  return id;
}

/** Scored with the given totals, in reviewer order, and the panel closed. */
async function reviewed(world: World, id: string, totals: readonly number[]): Promise<void> {
  for (const [i, total] of totals.entries()) {
    await step(world, id, world.reviewers[i]!, 'SUBMIT_REVIEW', { scores: scoresFor(total), comment: `评审意见 ${total}` });
  }
  await step(world, id, world.orgDept, 'COMPLETE_PANEL_REVIEW');
}

const TOTALS = {
  A: [80, 75, 85],
  // A different split of A's totals: equal mean and median, so A and C share rank 1.
  C: [70, 90, 80],
  B: [60, 68, 87],
  G: [60, 84, 84],
  H: [76, 76, 76],
  E: [50, 55],
} as const;

export async function buildStory(app: FastifyInstance): Promise<Story> {
  const world = await createWorld(app, { minReviews: 2, reviewers: 3 });
  const directApplicant = await createUser(app, '图书馆书记', 'applicant', world.units.direct);
  const { applicant, parentApplicant, orgDept, committee } = world;

  // Open: every project submitted and checked (N returned), the reviewers assigned.
  const A = await checked(world, applicant, '“红色旋律”党员先锋岗', 3);
  const C = await checked(world, directApplicant, '“书香党建”阅读推广', 3, 'fortress');
  const B = await checked(world, parentApplicant, '=HYPERLINK("http://x","点我")', 3);
  const G = await checked(world, parentApplicant, '“乐动青春”志愿服务队, 第二期', 3, 'fortress');
  const H = await checked(world, directApplicant, '书香“悦”读', 3);
  const E = await checked(world, applicant, '声乐系结对帮扶', 2);
  const D = (await createDraft(world)).id;
  await fireOk(world, D, 'SUBMIT');
  await fireOk(world, D, 'PASS_PRELIMINARY_CHECK');
  await assignReviewers(world, D);
  const N = await createProject(world, applicant, '未评审的项目');
  await step(world, N, applicant, 'SUBMIT');
  await step(world, N, orgDept, 'RETURN_FOR_REVISION', { comment: '活动安排需细化到月' });

  // Under review: the reviews, the panel, the committee's decisions.
  await advanceRound(world, 'under_review');
  for (const [id, totals] of [
    [A, TOTALS.A],
    [C, TOTALS.C],
    [B, TOTALS.B],
    [G, TOTALS.G],
    [H, TOTALS.H],
    [E, TOTALS.E],
  ] as const)
    await reviewed(world, id, totals);
  for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, D, 'SUBMIT_REVIEW', undefined, i);
  await fireOk(world, D, 'COMPLETE_PANEL_REVIEW');
  for (const id of [A, C, G, H, D]) await step(world, id, committee, 'APPROVE', { meetingReference: '党委会〔2023〕5次' });
  await step(world, B, committee, 'REJECT', { reason: '评审意见分歧较大，暂缓立项' });
  await step(world, E, committee, 'REJECT', { reason: '评分偏低，不予立项' });

  // The list published starts the approved projects; progress while in execution.
  await advanceRound(world, 'in_execution');
  await step(world, C, directApplicant, 'SUBMIT_PROGRESS_REPORT', { text: '已举办读书会两期' });

  // Acceptance, from the final-acceptance date.
  await advanceRound(world, 'under_acceptance');
  await step(world, A, applicant, 'SUBMIT_FINAL_REPORT', { summary: '完成全部活动，举办汇报音乐会' });
  await step(world, A, orgDept, 'GRADE', { grade: 'first' });
  await step(world, A, committee, 'RECOMMEND', { note: '推荐参加省级评选' });

  await step(world, C, directApplicant, 'SUBMIT_FINAL_REPORT', { summary: '初稿' });
  await step(world, C, orgDept, 'RETURN_FINAL_REPORT', { comment: '请补充活动照片' });
  await step(world, C, directApplicant, 'SUBMIT_FINAL_REPORT', { summary: '举办读书会六期，参与师生三百余人' });

  await step(world, G, parentApplicant, 'SUBMIT_FINAL_REPORT', { summary: '志愿服务四十次' });
  await step(world, G, orgDept, 'GRADE', { grade: 'qualified' });

  await step(world, H, directApplicant, 'SUBMIT_FINAL_REPORT', { summary: '未完成' });
  await step(world, H, orgDept, 'FAIL', { reason: '未完成预期成果' });

  await fireOk(world, D, 'SUBMIT_FINAL_REPORT');
  await fireOk(world, D, 'GRADE');

  return { world, directApplicant, ids: { A, B, C, D, E, G, H, N } };
}

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('the CSV does not end with CRLF');
  return records;
}
