/**
 * The benches' round, driven through the API with the round's gates in force and the real clock:
 * projects of one applicant's unit brought to in_progress, each step in its round's stage. The
 * round's own deadline is yesterday (Asia/Shanghai), so that it may close today; the unit submits
 * under an extension, revoked once every project is submitted and checked. Then the round closes
 * its submissions, starts the review, the projects are scored, decided and approved, and publishing
 * the list (the round runs round@2 with no 公示 period: its signed list uploaded, published at once)
 * starts them all.
 */
import { minimalPdf } from '../helpers/files.js';

/** A request to the service under test as `token`; throws on any status of 300 or more. */
export type BenchCall = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => Promise<unknown>;

/** One file POSTed as multipart/form-data (field `file`) to the service under test as `token`; its answer. Throws on 300 or more. */
export type BenchUpload = (token: string, url: string, file: { name: string; type: string; content: Buffer }) => Promise<unknown>;

export interface BenchPeople {
  admin: string;
  applicant: string;
  /** The applicant's unit. */
  unitId: string;
  orgDept: string;
  committee: string;
  reviewer: { id: string; token: string };
}

/** BenchUpload over HTTP to a service at `base`: a browser's FormData, fetch setting the boundary. */
/** One JSON request to a bench's server; a non-2xx answer throws with its body. */
export async function api<T = unknown>(base: string, token: string, method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json: unknown = text.length > 0 ? JSON.parse(text) : undefined;
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(json)}`);
  return json as T;
}

export function fetchUpload(base: string): BenchUpload {
  return async (token, url, file) => {
    const form = new FormData();
    form.append('file', new Blob([file.content], { type: file.type }), file.name);
    const response = await fetch(`${base}${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
}

const LETTER = { rationale: 'r', activities: [{ content: 'c', form: 'f', when: 'w' }], expectedOutcomes: 'e', leader: 'l', members: ['m'], contact: 'c' };

const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** Runs `task` for 0..count-1, `parallel` at a time. */
async function inBatches(count: number, parallel: number, task: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < count; i += parallel) await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, (_, j) => task(i + j)));
}

/** The benches' round: no 公示 period, final acceptance in 2099, submissions due on `submissionDeadline`. */
async function createRound(call: BenchCall, admin: string, submissionDeadline: string): Promise<{ id: string }> {
  return (await call(admin, 'POST', '/api/v1/rounds', {
    year: Number(shanghaiDay(Date.now()).slice(0, 4)),
    title: 'bench',
    documentNumber: 'B-1',
    submissionDeadline,
    finalAcceptanceDate: '2099-12-31',
    funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    minReviews: 1,
    publicityWorkingDays: 0,
  })) as { id: string };
}

/**
 * The submission cycle's start: a round open for submissions until 2099, and `projectCount` draft
 * projects of the applicant's unit, ready for SUBMIT (applicant) and RETURN_FOR_REVISION (org_dept,
 * with a comment) in turn, each in the round's submission and preliminary-check gates.
 */
export async function benchDrafts(call: BenchCall, applicant: string, admin: string, projectCount: number, parallel = 25): Promise<{ roundId: string; ids: string[] }> {
  const round = await createRound(call, admin, '2099-12-30');
  const ids: string[] = new Array<string>(projectCount);
  await inBatches(projectCount, parallel, async (i) => {
    const { id } = (await call(applicant, 'POST', '/api/v1/projects', { roundId: round.id, category: 'fortress', direction: 'soul', title: 't', letter: LETTER })) as {
      id: string;
    };
    ids[i] = id;
  });
  return { roundId: round.id, ids };
}

/** A round whose `projectCount` projects are all in progress; their ids in creation order. */
export async function benchRound(call: BenchCall, upload: BenchUpload, people: BenchPeople, projectCount: number, parallel = 25): Promise<{ roundId: string; ids: string[] }> {
  const { admin, applicant, unitId, orgDept, committee, reviewer } = people;
  const round = await createRound(call, admin, shanghaiDay(Date.now() - 86_400_000));
  const roundId = round.id;
  const roundEvent = (token: string, body: Record<string, unknown>) => call(token, 'POST', `/api/v1/rounds/${roundId}/events`, body);
  // Reviewers are assigned only from the round's review panel.
  await call(orgDept, 'PUT', `/api/v1/rounds/${roundId}/panels/review`, { name: '评审组' });
  await call(orgDept, 'POST', `/api/v1/rounds/${roundId}/panels/review/members`, { userId: reviewer.id });
  await call(orgDept, 'POST', `/api/v1/rounds/${roundId}/extensions`, { unitId, submissionDeadline: '2099-12-30', reason: '基准测试的申报期' });

  const ids: string[] = new Array<string>(projectCount);
  await inBatches(projectCount, parallel, async (i) => {
    const { id } = (await call(applicant, 'POST', '/api/v1/projects', { roundId, category: 'fortress', direction: 'soul', title: 't', letter: LETTER })) as { id: string };
    await call(applicant, 'POST', `/api/v1/projects/${id}/events`, { type: 'SUBMIT' });
    await call(orgDept, 'POST', `/api/v1/projects/${id}/events`, { type: 'PASS_PRELIMINARY_CHECK' });
    await call(orgDept, 'POST', `/api/v1/projects/${id}/reviewers`, { reviewerId: reviewer.id });
    ids[i] = id;
  });

  await call(orgDept, 'DELETE', `/api/v1/rounds/${roundId}/extensions/${unitId}`, { reason: '申报已完成' });
  await roundEvent(orgDept, { type: 'CLOSE_SUBMISSIONS' });
  await roundEvent(orgDept, { type: 'START_REVIEW' });
  await inBatches(projectCount, parallel, async (i) => {
    const fire = (token: string, body: unknown) => call(token, 'POST', `/api/v1/projects/${ids[i]}/events`, body);
    await fire(reviewer.token, { type: 'SUBMIT_REVIEW', scores: { direction: 10, innovation: 10, practicality: 10, breadth: 10, exemplarity: 10 }, comment: 'ok' });
    await fire(orgDept, { type: 'COMPLETE_PANEL_REVIEW' });
    await fire(committee, { type: 'APPROVE', meetingReference: 'M-1' });
  });
  await roundEvent(committee, { type: 'CONCLUDE_DECISIONS' });
  const list = (await upload(orgDept, `/api/v1/rounds/${roundId}/documents?kind=approved_list`, { name: 'list.pdf', type: 'application/pdf', content: minimalPdf('bench') })) as {
    id: string;
  };
  await roundEvent(orgDept, { type: 'PUBLISH_LIST', documentNumber: 'B-2', publishedOn: shanghaiDay(Date.now()), document: list.id });
  return { roundId, ids };
}
