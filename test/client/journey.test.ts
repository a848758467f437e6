/**
 * The committed OpenAPI document is enough to build a client: a client generated from it
 * (openapi-typescript types in schema.d.ts + openapi-fetch) drives a project from draft to graded
 * and recommended against a real listening server, over TCP, with nothing from the service but its
 * base URL, under the product's default edition (round@2 / project@2): the committee's conclusion
 * opens the 公示, an objection is lodged and handled, the signed list (a PDF, sent as
 * multipart/form-data through the client's bodySerializer) is published after the period, the
 * acceptance panel reviews the final report, org_dept proposes the grade, the committee confirms it
 * and recommends the project, and org_dept records the outcome.
 * Every answer it receives must be documented: its status for the operation, its media type, and
 * a body valid against the documented schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import createClient, { type Client } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/app.js';
import { minimalPdf } from '../helpers/files.js';
import { schemaValidator, type OpenApiDocument } from '../helpers/openapi-schemas.js';
import type { components, paths } from '../../src/web/api/schema.js';

type Project = components['schemas']['Project'];
type Problem = components['schemas']['Problem'];

const root = path.resolve(import.meta.dirname, '../..');
const document = JSON.parse(fs.readFileSync(path.join(root, 'openapi/openapi.json'), 'utf8')) as OpenApiDocument;

interface Exchange {
  method: string;
  path: string;
  status: number;
  mediaType: string;
  body: string;
}

/** A fetch that keeps every exchange, so the test can check each answer against the document. */
function recordingFetch(exchanges: Exchange[]) {
  return async (request: Request): Promise<Response> => {
    const response = await fetch(request);
    exchanges.push({
      method: request.method.toLowerCase(),
      path: new URL(request.url).pathname,
      status: response.status,
      mediaType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
      body: await response.clone().text(),
    });
    return response;
  };
}

/** The operation of the document a concrete path and method belong to. */
function operationOf(method: string, concretePath: string) {
  for (const [template, item] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(concretePath) && item[method]) return item[method];
  }
  return undefined;
}

/** The data of a successful answer; fails the test with the problem otherwise. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

let t: TestApp;
let api: Client<paths>;
const exchanges: Exchange[] = [];

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  api = createClient<paths>({ baseUrl: address, fetch: recordingFetch(exchanges) });
});

afterAll(async () => {
  await t.close();
});

describe('a client generated from openapi/openapi.json', () => {
  it('drives a project from draft to graded and recommended over HTTP', async () => {
    const admin = auth(ADMIN_TOKEN);

    // Administration: the unit tree, the people, the round.
    const general = ok(await api.POST('/api/v1/units', { headers: admin, body: { name: '音乐学院党总支', type: 'general_branch' } }));
    const branch = ok(await api.POST('/api/v1/units', { headers: admin, body: { name: '声乐系党支部', type: 'branch', parentId: general.id } }));
    const dance = ok(await api.POST('/api/v1/units', { headers: admin, body: { name: '舞蹈学院党总支', type: 'general_branch' } }));
    const library = ok(await api.POST('/api/v1/units', { headers: admin, body: { name: '图书馆直属党支部', type: 'direct_branch' } }));
    expect(branch.parentId).toBe(general.id);

    const person = async (name: string, role: components['schemas']['User']['role'], unitId?: string) => {
      const created = ok(await api.POST('/api/v1/users', { headers: admin, body: { name, role, ...(unitId ? { unitId } : {}) } }));
      return { id: created.user.id, headers: auth(created.token) };
    };
    const applicant = await person('王书记', 'applicant', branch.id);
    const orgDept = await person('组织部李老师', 'org_dept');
    const committee = await person('党委会议秘书', 'committee');
    const reviewers = [await person('赵教授', 'reviewer', dance.id), await person('钱馆长', 'reviewer', library.id)];

    const round = ok(
      await api.POST('/api/v1/rounds', {
        headers: admin,
        body: {
          year: 2023,
          title: '2023年度党建项目立项',
          documentNumber: '办字〔2023〕8号',
          submissionDeadline: '2023-03-29',
          finalAcceptanceDate: '2023-12-31',
          funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
          minReviews: 2,
          // Both reviewers sit on the acceptance panel too: two acceptance reviews per final report.
          minAcceptanceReviews: 2,
        },
      }),
    );
    expect(round).toMatchObject({ machine: { id: 'round', version: 2 }, projectMachine: { id: 'project', version: 2 }, publicityWorkingDays: 5 });

    // The round's review panel is named, its members the reviewers.
    const panelPath = { path: { id: round.id, kind: 'review' as const } };
    expect((await api.PUT('/api/v1/rounds/{id}/panels/{kind}', { params: panelPath, headers: orgDept.headers, body: { name: '2023年度评审组' } })).response.status).toBe(201);
    for (const reviewer of reviewers) {
      ok(await api.POST('/api/v1/rounds/{id}/panels/{kind}/members', { params: panelPath, headers: orgDept.headers, body: { userId: reviewer.id } }));
    }
    expect(ok(await api.GET('/api/v1/rounds/{id}/panels/{kind}', { params: panelPath, headers: orgDept.headers })).members).toHaveLength(2);

    // The applicant drafts, completes and submits.
    const created = await api.POST('/api/v1/projects', {
      headers: applicant.headers,
      body: { roundId: round.id, category: 'vanguard', direction: 'member_platforms', title: '“红色旋律”党员先锋岗' },
    });
    const draft: Project = ok(created);
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('etag')).toBe(`"${draft.version}"`);
    expect(draft.state).toBe('draft');
    expect(draft.stateLabel).toEqual({ zh: '草稿', en: 'Draft' });
    const id = draft.id;
    const project = { path: { id } };

    const incomplete = await api.POST('/api/v1/projects/{id}/events', { params: project, headers: applicant.headers, body: { type: 'SUBMIT' } });
    expect(incomplete.response.status).toBe(422);
    const guard: Problem | undefined = incomplete.error;
    expect(guard?.violation?.code).toBe('letter_incomplete');

    const edited = ok(
      await api.PATCH('/api/v1/projects/{id}', {
        params: { ...project, header: { 'if-match': `"${draft.version}"` } },
        headers: applicant.headers,
        body: {
          letter: {
            rationale: '学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。',
            activities: [{ content: '“红色旋律”主题党日', form: '主题党日 + 音乐会', when: '2023年5月' }],
            expectedOutcomes: '举办汇报音乐会一场。',
            leader: '王书记',
            members: ['李老师', '张老师'],
            contact: '024-12345678',
          },
        },
      }),
    );
    expect(edited.version).toBe(draft.version + 1);
    expect(edited.allowedEvents).toContain('SUBMIT');

    const illegal = await api.POST('/api/v1/projects/{id}/events', {
      params: project,
      headers: applicant.headers,
      body: { type: 'SUBMIT_FINAL_REPORT', summary: '完成全部活动' },
    });
    expect(illegal.response.status).toBe(409);
    expect(illegal.error?.allowedEvents).toEqual(expect.arrayContaining(['SUBMIT', 'WITHDRAW']));

    const submitOnce = { params: { ...project, header: { 'idempotency-key': 'submit-1' } }, headers: applicant.headers, body: { type: 'SUBMIT' } } as const;
    const submitted = ok(await api.POST('/api/v1/projects/{id}/events', submitOnce));
    expect(submitted.project.state).toBe('submitted');
    expect(submitted.transition).toMatchObject({ event: 'SUBMIT', fromState: 'draft', toState: 'submitted' });
    const replay = await api.POST('/api/v1/projects/{id}/events', submitOnce);
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(ok(replay)).toEqual(submitted);

    // The organisation department checks, with optimistic locking.
    const stale = await api.POST('/api/v1/projects/{id}/events', {
      params: { ...project, header: { 'if-match': `"${draft.version}"` } },
      headers: orgDept.headers,
      body: { type: 'PASS_PRELIMINARY_CHECK' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.currentVersion).toBe(submitted.project.version);
    const checked = ok(
      await api.POST('/api/v1/projects/{id}/events', {
        params: { ...project, header: { 'if-match': `"${submitted.project.version}"` } },
        headers: orgDept.headers,
        body: { type: 'PASS_PRELIMINARY_CHECK', comment: '材料齐全' },
      }),
    );
    expect(checked.project.state).toBe('preliminarily_checked');

    // The panel, once the deadline has passed and the round is under review.
    for (const reviewer of reviewers) {
      ok(await api.POST('/api/v1/projects/{id}/reviewers', { params: project, headers: orgDept.headers, body: { reviewerId: reviewer.id } }));
    }
    const roundEvent = async (who: { headers: Record<string, string> }, body: paths['/api/v1/rounds/{id}/events']['post']['requestBody']['content']['application/json']) =>
      ok(await api.POST('/api/v1/rounds/{id}/events', { params: { path: { id: round.id } }, headers: who.headers, body })).round;
    t.clock.set(Date.parse('2023-03-30T09:00:00+08:00'));
    expect((await roundEvent(orgDept, { type: 'CLOSE_SUBMISSIONS' })).state).toBe('submissions_closed');
    expect((await roundEvent(orgDept, { type: 'START_REVIEW' })).state).toBe('under_review');
    const early = await api.POST('/api/v1/projects/{id}/events', { params: project, headers: orgDept.headers, body: { type: 'COMPLETE_PANEL_REVIEW' } });
    expect(early.response.status).toBe(422);
    for (const [index, reviewer] of reviewers.entries()) {
      ok(
        await api.POST('/api/v1/projects/{id}/events', {
          params: project,
          headers: reviewer.headers,
          body: { type: 'SUBMIT_REVIEW', scores: { direction: 16 + index, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 }, comment: '特色鲜明' },
        }),
      );
    }
    const panel = ok(await api.GET('/api/v1/projects/{id}/reviewers', { params: project, headers: orgDept.headers }));
    expect(panel.items.map((a) => a.reviewed)).toEqual([true, true]);
    expect(panel.nextCursor).toBeNull();

    // Decision, implementation, acceptance.
    const fire = async (who: { headers: Record<string, string> }, body: paths['/api/v1/projects/{id}/events']['post']['requestBody']['content']['application/json']) =>
      ok(await api.POST('/api/v1/projects/{id}/events', { params: project, headers: who.headers, body })).project;
    expect((await fire(orgDept, { type: 'COMPLETE_PANEL_REVIEW' })).state).toBe('panel_reviewed');
    expect((await fire(committee, { type: 'APPROVE', meetingReference: '党委会〔2023〕5次' })).state).toBe('committee_approved');
    // The conclusion opens the 公示: five working days from Thursday 2023-03-30, to the Shanghai midnight after Thursday 6 April.
    const concluded = await roundEvent(committee, { type: 'CONCLUDE_DECISIONS' });
    expect(concluded).toMatchObject({ state: 'in_publicity', publicity: { workingDays: 5, endsAt: '2023-04-06T16:00:00.000Z' } });
    const roundPath = { path: { id: round.id } };
    const proposed = ok(await api.GET('/api/v1/rounds/{id}/proposed-list', { params: roundPath, headers: reviewers[0]!.headers }));
    expect(proposed.projects.map((p) => p.id)).toEqual([id]);
    // An objection to the list as a whole, lodged during the period; org_dept records how it was handled.
    t.clock.set(Date.parse('2023-04-03T10:00:00+08:00'));
    const lodged = await api.POST('/api/v1/rounds/{id}/objections', { params: roundPath, headers: reviewers[1]!.headers, body: { reason: '名单未注明公示起止时间' } });
    expect(lodged.response.status).toBe(201);
    expect(ok(lodged)).toMatchObject({ number: 1, projectId: null, handling: null });
    const handled = ok(
      await api.POST('/api/v1/rounds/{id}/objections/{number}/handling', {
        params: { path: { id: round.id, number: 1 } },
        headers: orgDept.headers,
        body: { outcome: 'dismissed', response: '公示通知已注明起止时间' },
      }),
    );
    expect(handled.handling).toMatchObject({ outcome: 'dismissed', by: { id: orgDept.id } });
    // After the period: the signed list, a PDF. The schema types the multipart part `file` as a string (format binary); the
    // client sends the form through a bodySerializer that builds FormData with the PDF as a Blob under the name given.
    t.clock.set(Date.parse('2023-04-20T10:00:00+08:00'));
    const signedList = minimalPdf('立项名单（盖章）');
    const uploaded = await api.POST('/api/v1/rounds/{id}/documents', {
      params: { ...roundPath, query: { kind: 'approved_list' } },
      headers: orgDept.headers,
      body: { file: '立项名单（盖章）.pdf' },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(signedList)], { type: 'application/pdf' }), body.file);
        return form;
      },
    });
    expect(uploaded.response.status).toBe(201);
    const listDocument = ok(uploaded);
    expect(listDocument).toMatchObject({ kind: 'approved_list', mediaType: 'application/pdf', size: signedList.length });
    // Publishing the list, with its document, starts the approved project.
    const published = await roundEvent(orgDept, { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-20', document: listDocument.id });
    expect(published).toMatchObject({ state: 'in_execution', publication: { document: { fileId: listDocument.id, sha256: listDocument.sha256 } } });
    expect(ok(await api.GET('/api/v1/projects/{id}', { params: project, headers: applicant.headers })).state).toBe('in_progress');
    expect((await fire(applicant, { type: 'SUBMIT_PROGRESS_REPORT', text: '已完成主题党日两次' })).state).toBe('in_progress');
    expect((await roundEvent(orgDept, { type: 'OPEN_ACCEPTANCE' })).state).toBe('under_acceptance');
    t.clock.set(Date.parse('2023-12-31T10:00:00+08:00'));
    expect((await fire(applicant, { type: 'SUBMIT_FINAL_REPORT', summary: '完成全部活动，举办汇报音乐会' })).state).toBe('final_acceptance');
    // The acceptance panel scores the final report; org_dept proposes the grade; the committee confirms the round's grades.
    const acceptancePanel = { path: { id: round.id, kind: 'acceptance' as const } };
    expect((await api.PUT('/api/v1/rounds/{id}/panels/{kind}', { params: acceptancePanel, headers: orgDept.headers, body: { name: '2023年度结项评审组' } })).response.status).toBe(
      201,
    );
    for (const reviewer of reviewers) {
      ok(await api.POST('/api/v1/rounds/{id}/panels/{kind}/members', { params: acceptancePanel, headers: orgDept.headers, body: { userId: reviewer.id } }));
      ok(await api.POST('/api/v1/projects/{id}/acceptance-reviewers', { params: project, headers: orgDept.headers, body: { reviewerId: reviewer.id } }));
    }
    for (const reviewer of reviewers) {
      const state = await fire(reviewer, { type: 'SUBMIT_ACCEPTANCE_REVIEW', scores: { completion: 18, effect: 17, documentation: 16 }, comment: '活动完成度高，成果材料齐全' });
      expect(state.state).toBe('final_acceptance');
    }
    expect((await fire(orgDept, { type: 'PROPOSE_GRADE', grade: 'first', comment: '成果突出，建议评为一等奖' })).proposal).toEqual({
      grade: 'first',
      comment: '成果突出，建议评为一等奖',
    });
    const direct = await api.POST('/api/v1/projects/{id}/events', { params: project, headers: committee.headers, body: { type: 'GRADE', grade: 'first' } });
    expect(direct.response.status).toBe(409);
    expect(direct.error).toMatchObject({ type: 'urn:lixiang:problem:round-gate-closed', gate: { name: 'grade_confirmation', onlyVia: 'CONFIRM_GRADES' } });
    expect((await roundEvent(committee, { type: 'CONFIRM_GRADES', meetingReference: '党委会〔2024〕第1次' })).state).toBe('grades_confirmed');
    const graded = ok(await api.GET('/api/v1/projects/{id}', { params: project, headers: orgDept.headers }));
    expect(graded).toMatchObject({ state: 'graded', grade: 'first', funding: 3000 });
    expect((await fire(committee, { type: 'RECOMMEND', note: '推荐参加省级评选' })).recommended).toBe(true);
    const outcome = await fire(orgDept, { type: 'RECORD_RECOMMENDATION_OUTCOME', outcome: 'selected', level: '省级' });
    expect(outcome.recommendationOutcome).toMatchObject({ outcome: 'selected', level: '省级' });

    // What everyone can read back.
    const fetched = await api.GET('/api/v1/projects/{id}', { params: project, headers: applicant.headers });
    expect(ok(fetched).state).toBe('graded');
    expect(fetched.response.headers.get('etag')).toBe(`"${ok(fetched).version}"`);
    const listed = ok(await api.GET('/api/v1/projects', { params: { query: { state: 'graded', limit: 10 } }, headers: committee.headers }));
    expect(listed.items.map((p) => p.id)).toEqual([id]);
    // The history a page at a time, following the cursor to the end.
    type Entry = components['schemas']['Transition'];
    const history: Entry[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await api.GET('/api/v1/projects/{id}/transitions', { params: { ...project, query: { limit: 4, ...(cursor ? { cursor } : {}) } }, headers: orgDept.headers }));
      expect(page.items.length).toBeLessThanOrEqual(4);
      history.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(history.map((entry) => entry.event)).toEqual([
      'CREATE_PROJECT',
      'EDIT_DRAFT',
      'SUBMIT',
      'PASS_PRELIMINARY_CHECK',
      'SUBMIT_REVIEW',
      'SUBMIT_REVIEW',
      'COMPLETE_PANEL_REVIEW',
      'APPROVE',
      'START',
      'SUBMIT_PROGRESS_REPORT',
      'SUBMIT_FINAL_REPORT',
      'SUBMIT_ACCEPTANCE_REVIEW',
      'SUBMIT_ACCEPTANCE_REVIEW',
      'PROPOSE_GRADE',
      'GRADE',
      'RECOMMEND',
      'RECORD_RECOMMENDATION_OUTCOME',
    ]);
    // Consecutive in the log, each chained to the one before, but for the entries of others between them: the two
    // assignments, CLOSE_SUBMISSIONS and START_REVIEW before the first review; CONCLUDE_DECISIONS, the objection lodged
    // and handled, the list's upload and PUBLISH_LIST before the START it fires; OPEN_ACCEPTANCE before the final report;
    // the acceptance panel named, its two members and their two assignments before the first acceptance review;
    // CONFIRM_GRADES before the GRADE it carries out.
    const at = (event: string) => history.findIndex((entry) => entry.event === event);
    const gaps = new Map([
      [at('SUBMIT_REVIEW'), 5],
      [at('START'), 6],
      [at('SUBMIT_FINAL_REPORT'), 2],
      [at('SUBMIT_ACCEPTANCE_REVIEW'), 6],
      [at('GRADE'), 2],
    ]);
    expect(history.slice(1).map((entry, i) => entry.seq - history[i]!.seq)).toEqual(history.slice(1).map((_, i) => gaps.get(i + 1) ?? 1));
    for (const [index, entry] of history.entries()) if (index > 0 && !gaps.has(index)) expect(entry.prevHash).toBe(history[index - 1]!.hash);
    for (const entry of history) expect(entry.subject).toEqual({ kind: 'project', id });
  });

  it('reads the machine as JSON and as an SVG diagram', async () => {
    const machine = ok(await api.GET('/api/v1/machine'));
    expect(typeof machine === 'object' && machine.initial).toBe('draft');
    // The five review criteria, keyed as reviews name them, labelled in both languages.
    expect(typeof machine === 'object' && machine.criteria).toEqual([
      { key: 'direction', label: { zh: '先进性', en: 'Right direction' } },
      { key: 'innovation', label: { zh: '创新性', en: 'Innovation' } },
      { key: 'practicality', label: { zh: '实践性', en: 'Practicality' } },
      { key: 'breadth', label: { zh: '广泛性', en: 'Broad participation' } },
      { key: 'exemplarity', label: { zh: '典型性', en: 'Exemplarity' } },
    ]);
    const svg = await api.GET('/api/v1/machine', { headers: { accept: 'image/svg+xml' }, parseAs: 'text' });
    expect(svg.response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.data).toContain('<svg');
    expect(svg.data).toContain('已申报（待初审）');
  });

  it('gets typed problems: 401, 404, 403, 400, and titles in the language asked for', async () => {
    const anonymous = await api.GET('/api/v1/projects');
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toMatchObject({ type: 'urn:lixiang:problem:unauthenticated', title: '未认证或令牌无效', status: 401 });

    const english = await api.GET('/api/v1/projects', { params: { header: { 'accept-language': 'en-GB,en;q=0.9' } } });
    expect(english.error?.title).toBe('Missing or invalid credentials');
    expect(english.error?.titles).toEqual({ zh: '未认证或令牌无效', en: 'Missing or invalid credentials' });
    expect(english.response.headers.get('content-language')).toBe('en');

    const admin = auth(ADMIN_TOKEN);
    const missing = await api.GET('/api/v1/rounds/{id}', { params: { path: { id: 'no-such-round' } }, headers: admin });
    expect(missing.error?.type).toBe('urn:lixiang:problem:not-found');
    const forbidden = await api.GET('/api/v1/projects', { headers: admin });
    expect(forbidden.error?.type).toBe('urn:lixiang:problem:forbidden');
    const invalid = await api.POST('/api/v1/units', { headers: admin, body: { name: '', type: 'branch' } });
    expect(invalid.error?.type).toBe('urn:lixiang:problem:validation-failed');
  });

  it('received only answers the document describes: status, media type and schema', () => {
    const validatorFor = schemaValidator(document);
    expect(exchanges.length).toBeGreaterThan(30);
    const seen = new Set<string>();
    for (const exchange of exchanges) {
      const where = `${exchange.method.toUpperCase()} ${exchange.path} → ${exchange.status} ${exchange.mediaType}`;
      const operation = operationOf(exchange.method, exchange.path);
      expect(operation, where).toBeDefined();
      const response = operation!.responses[String(exchange.status)];
      expect(response, `${where}: status not documented`).toBeDefined();
      const media = response!.content?.[exchange.mediaType];
      expect(media, `${where}: media type not documented`).toBeDefined();
      seen.add(`${operation!.operationId} ${exchange.status}`);
      if (exchange.mediaType.endsWith('json')) {
        const validate = validatorFor(media!.schema);
        expect(validate(JSON.parse(exchange.body)), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'fireProjectEvent 200',
        'fireProjectEvent 409',
        'fireProjectEvent 412',
        'fireProjectEvent 422',
        'lodgeObjection 201',
        'handleObjection 200',
        'uploadRoundDocument 201',
      ]),
    );
  });
});
