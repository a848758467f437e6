/**
 * Authorization matrix: every operation of the OpenAPI document × every kind of caller (no token,
 * each role, the applicant of the project's unit, of the unit above it and of an unrelated unit, an
 * assigned and an unassigned reviewer). Only the callers of the table below may get a 2xx; every
 * other answer is a 4xx problem. A new operation fails this test until it is added to the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, addToPanel, createDraft, createPanel, createUser, createWorld, driveTo, fireOk, uploadApprovedList, type User, type World } from '../helpers/world.js';
import { minimalPdf, multipartBody } from '../helpers/files.js';

type Caller = 'anonymous' | 'admin' | 'applicant' | 'parentApplicant' | 'otherApplicant' | 'orgDept' | 'assignedReviewer' | 'unassignedReviewer' | 'committee' | 'auditor';

const CALLERS: Caller[] = ['anonymous', 'admin', 'applicant', 'parentApplicant', 'otherApplicant', 'orgDept', 'assignedReviewer', 'unassignedReviewer', 'committee', 'auditor'];
const AUTHENTICATED = CALLERS.filter((c) => c !== 'anonymous');
const APPLICANTS: Caller[] = ['applicant', 'parentApplicant', 'otherApplicant'];
const PROJECT_READERS: Caller[] = ['applicant', 'parentApplicant', 'orgDept', 'assignedReviewer', 'committee', 'auditor'];
const AUDIT: Caller[] = ['orgDept', 'auditor'];
const REPORT_READERS: Caller[] = ['orgDept', 'committee', 'auditor'];

/** Who may get a 2xx from each operation, on a project of `applicant`'s unit. */
const ALLOWED: Record<string, Caller[]> = {
  health: CALLERS,
  getMachine: CALLERS,
  getRoundMachine: CALLERS,
  listMachineVersions: CALLERS,
  getMachineVersion: CALLERS,
  migrateMachineVersion: ['admin'],
  metrics: ['admin', 'auditor'],
  listUnits: AUTHENTICATED,
  createUnit: ['admin'],
  getUnit: AUTHENTICATED,
  amendUnit: ['admin'],
  deactivateUnit: ['admin'],
  reactivateUnit: ['admin'],
  deleteUnit: ['admin'],
  listUsers: ['admin', 'orgDept', 'committee', 'auditor'],
  getUser: ['admin', 'orgDept', 'committee', 'auditor'],
  getCurrentUser: AUTHENTICATED,
  rotateOwnToken: AUTHENTICATED,
  createUser: ['admin'],
  amendUser: ['admin'],
  deactivateUser: ['admin'],
  reactivateUser: ['admin'],
  reissueUserToken: ['admin'],
  setUserPassword: ['admin'],
  // Logging in is public: whatever the caller holds, the right username and password log in.
  createSession: CALLERS,
  // The session's own routes answer to the session cookie only, never to a bearer token (test/auth/login.test.ts).
  getSession: [],
  deleteSession: [],
  changeOwnPassword: [],
  listSessions: AUTHENTICATED,
  revokeSession: AUTHENTICATED,
  listRounds: AUTHENTICATED,
  createRound: ['admin'],
  getRound: AUTHENTICATED,
  fireRoundEvent: ['orgDept'],
  amendRound: ['admin', 'orgDept'],
  grantRoundExtension: ['admin', 'orgDept'],
  listRoundExtensions: AUTHENTICATED,
  revokeRoundExtension: ['admin', 'orgDept'],
  listRoundTransitions: AUTHENTICATED,
  // The world's round is a round@1 one: it has no publicity, so no proposed list and no objection to
  // lodge or handle (409 for the roles the route admits); the lists of objections are empty but readable.
  // test/publicity covers them under round@2.
  getProposedList: [],
  listObjections: AUTHENTICATED,
  lodgeObjection: [],
  handleObjection: [],
  listProjects: [...APPLICANTS, 'orgDept', 'assignedReviewer', 'unassignedReviewer', 'committee', 'auditor'],
  createProject: APPLICANTS,
  getProject: PROJECT_READERS,
  updateProject: ['applicant'],
  fireProjectEvent: ['applicant'],
  listProjectTransitions: PROJECT_READERS,
  listLetterRevisions: PROJECT_READERS,
  getLetterRevision: PROJECT_READERS,
  listReviewers: ['orgDept', 'committee', 'auditor'],
  assignReviewer: ['orgDept'],
  assignRoundReviewers: ['orgDept'],
  listRoundPendingAssignments: ['admin', 'orgDept'],
  namePanel: ['admin', 'orgDept'],
  getPanel: ['admin', 'orgDept', 'committee', 'auditor'],
  addPanelMember: ['admin', 'orgDept'],
  removePanelMember: ['admin', 'orgDept'],
  replaceReviewer: ['admin', 'orgDept'],
  getReviewerWorklist: ['assignedReviewer', 'unassignedReviewer'],
  listAcceptanceReviewers: ['orgDept', 'committee', 'auditor'],
  assignAcceptanceReviewer: ['orgDept'],
  replaceAcceptanceReviewer: ['admin', 'orgDept'],
  getAcceptanceWorklist: ['assignedReviewer', 'unassignedReviewer'],
  getRoundAcceptanceScores: REPORT_READERS,
  listProjectReviews: ['orgDept', 'assignedReviewer', 'committee', 'auditor'],
  uploadProjectFile: ['applicant'],
  listProjectFiles: PROJECT_READERS,
  downloadProjectFile: PROJECT_READERS,
  getRoundRanking: REPORT_READERS,
  listRoundFinalReports: REPORT_READERS,
  getRoundFunding: REPORT_READERS,
  getRoundCompliance: REPORT_READERS,
  exportRoundReport: REPORT_READERS,
  getPublishedList: AUTHENTICATED,
  listCalendarYears: AUTHENTICATED,
  getCalendarYear: AUTHENTICATED,
  putCalendarYear: ['admin', 'orgDept'],
  uploadRoundDocument: ['orgDept'],
  listRoundDocuments: ['admin', 'orgDept', 'committee', 'auditor'],
  downloadRoundDocument: ['admin', 'orgDept', 'committee', 'auditor'],
  listTransitions: AUDIT,
  verifyTransitionLog: AUDIT,
  signCheckpoint: AUDIT,
  listCheckpoints: AUDIT,
  getLatestCheckpoint: AUDIT,
  verifyKeptCheckpoint: AUDIT,
  getSigningPublicKey: AUTHENTICATED,
  exportAuditBundle: ['auditor'],
  listSecurityEvents: AUDIT,
  listRefusedAttempts: AUDIT,
};

interface Operation {
  operationId: string;
  method: string;
  path: string;
}

describe('authorization matrix', () => {
  let t: TestApp;
  let world: World;
  let operations: Operation[];
  let readProjectId: string;
  let note: string;

  const userOf = (caller: Caller): User | null => {
    switch (caller) {
      case 'anonymous':
        return null;
      case 'assignedReviewer':
        return world.reviewers[0]!;
      case 'unassignedReviewer':
        return world.reviewers[1]!;
      default:
        return world[caller];
    }
  };

  beforeAll(async () => {
    // The build ships two versions of the project machine, so that a migration can be planned.
    t = await createTestApp();
    world = await createWorld(t.app);
    const read = await createDraft(world);
    await fireOk(world, read.id, 'SUBMIT');
    const assign = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${read.id}/reviewers`,
      headers: { authorization: `Bearer ${world.orgDept.token}` },
      payload: { reviewerId: world.reviewers[0]!.id },
    });
    expect(assign.statusCode).toBe(201);
    readProjectId = read.id;
    const signed = await t.app.inject({ method: 'POST', url: '/api/v1/audit/checkpoints', headers: { authorization: `Bearer ${world.auditor.token}` } });
    expect(signed.statusCode).toBeLessThan(300);
    const latest = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest', headers: { authorization: `Bearer ${world.auditor.token}` } });
    note = latest.body;
    const document = t.app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.operationId)
        .map(([method, operation]) => ({ operationId: operation.operationId!, method: method.toUpperCase(), path })),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('knows every operation of the document', () => {
    expect(operations.map((o) => o.operationId).filter((id) => !(id in ALLOWED))).toEqual([]);
    expect(Object.keys(ALLOWED).filter((id) => !operations.some((o) => o.operationId === id))).toEqual([]);
  });

  let filed: { projectId: string; fileId: string } | null = null;
  /** A submitted project with a signed letter, visible like the shared one (reviewers[0] assigned). */
  async function fileOfReadableProject(): Promise<{ projectId: string; fileId: string }> {
    if (filed) return filed;
    const draft = await createDraft(world);
    const body = multipartBody([{ name: 'file', filename: '责任书.pdf', contentType: 'application/pdf', content: minimalPdf() }]);
    const uploaded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`,
      headers: { authorization: `Bearer ${world.applicant.token}`, ...body.headers },
      payload: body.payload,
    });
    expect(uploaded.statusCode).toBe(201);
    await fireOk(world, draft.id, 'SUBMIT');
    const assign = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${draft.id}/reviewers`,
      headers: { authorization: `Bearer ${world.orgDept.token}` },
      payload: { reviewerId: world.reviewers[0]!.id },
    });
    expect(assign.statusCode).toBe(201);
    filed = { projectId: draft.id, fileId: uploaded.json<{ id: string }>().id };
    return filed;
  }

  const rounds = new Map<string, string>();
  /**
   * A round of its own (no projects) driven to its decisions concluded (in publicity; its signed
   * list uploaded once) or on to the published list, so that the world's round stays open for the
   * other operations. Its publicity period is 0 working days: the list may be published at once.
   */
  async function roundAt(stage: 'concluded' | 'published'): Promise<string> {
    const known = rounds.get(stage);
    if (known) return known;
    const year = stage === 'concluded' ? 2021 : 2022;
    const created = await call(t.app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year,
        title: `${year}年度党建项目立项`,
        documentNumber: `办字〔${year}〕1号`,
        submissionDeadline: `${year}-03-29`,
        finalAcceptanceDate: `${year}-12-31`,
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        publicityWorkingDays: 0,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const events: Array<[User, string, Record<string, unknown>]> = [
      [world.orgDept, 'CLOSE_SUBMISSIONS', {}],
      [world.orgDept, 'START_REVIEW', {}],
      [world.committee, 'CONCLUDE_DECISIONS', {}],
    ];
    if (stage === 'published') events.push([world.orgDept, 'PUBLISH_LIST', { documentNumber: `党委〔${year}〕9号`, publishedOn: `${year}-04-20` }]);
    for (const [user, type, payload] of events) {
      if (type === 'PUBLISH_LIST') payload.document = await uploadApprovedList(world, id);
      const fired = await call(t.app, user.token, { method: 'POST', url: `/api/v1/rounds/${id}/events`, payload: { type, ...payload } });
      expect(fired.status, `${type}: ${JSON.stringify(fired.body)}`).toBe(200);
    }
    rounds.set(stage, id);
    return id;
  }

  let signedList: { roundId: string; fileId: string } | null = null;
  async function signedListDocument(): Promise<{ roundId: string; fileId: string }> {
    if (signedList) return signedList;
    const roundId = await roundAt('concluded');
    const body = multipartBody([{ name: 'file', filename: '立项名单.pdf', content: minimalPdf('list') }]);
    const uploaded = await call(t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${roundId}/documents?kind=approved_list`,
      payload: body.payload,
      headers: body.headers,
    });
    expect(uploaded.status).toBe(201);
    signedList = { roundId, fileId: uploaded.body.id as string };
    return signedList;
  }

  let calendarSet = false;

  let loginUser: { username: string; password: string } | null = null;
  /** A user who can log in (its initial password set by the admin). */
  async function userWithPassword(): Promise<{ username: string; password: string }> {
    if (loginUser) return loginUser;
    const fresh = await createUser(t.app, '登录用户', 'committee');
    const set = await call(t.app, ADMIN_TOKEN, { method: 'PUT', url: `/api/v1/users/${fresh.id}/password`, payload: { username: 'login.user', password: '初始密码-2023春季' } });
    expect(set.status).toBe(200);
    loginUser = { username: 'login.user', password: '初始密码-2023春季' };
    return loginUser;
  }

  /** A session of the caller's own (its user given a password and logged in), or another's for an anonymous caller. */
  async function sessionIdOf(caller: Caller): Promise<string> {
    const user = userOf(caller);
    if (!user) {
      const { username, password } = await userWithPassword();
      expect((await call(t.app, null, { method: 'POST', url: '/api/v1/session', payload: { username, password } })).status).toBe(201);
      return (t.db.$client.prepare('SELECT id FROM sessions ORDER BY created_at DESC, id DESC LIMIT 1').get() as { id: string }).id;
    } else {
      const username = `own.${caller.toLowerCase()}`;
      // The world names the bootstrap admin by its token only.
      const id = (await call(t.app, user.token, { method: 'GET', url: '/api/v1/users/me' })).body.id as string;
      const set = await call(t.app, ADMIN_TOKEN, { method: 'PUT', url: `/api/v1/users/${id}/password`, payload: { username, password: '初始密码-2023春季' } });
      expect(set.status).toBe(200);
      expect((await call(t.app, null, { method: 'POST', url: '/api/v1/session', payload: { username, password: '初始密码-2023春季' } })).status).toBe(201);
      return (t.db.$client.prepare('SELECT id FROM sessions WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 1').get(id) as { id: string }).id;
    }
  }

  /** A request that would succeed for an allowed caller: fresh objects for writes, so callers don't interfere. */
  async function request(operation: Operation, caller: Caller) {
    const user = userOf(caller);
    let url = operation.path;
    let payload: unknown;
    const headers: Record<string, string> = user ? { authorization: `Bearer ${user.token}` } : {};
    switch (operation.operationId) {
      case 'createUnit':
        payload = { name: `单位-${caller}`, type: 'direct_branch' };
        break;
      case 'createUser':
        payload = { name: `用户-${caller}`, role: 'committee' };
        break;
      case 'getUser':
        url = url.replace('{id}', world.applicant.id);
        break;
      case 'rotateOwnToken': {
        // A fresh user of the caller's role rotates its own token: the world's tokens stay valid.
        if (!user) break;
        const fresh = await createUser(t.app, `轮换-${caller}`, user.role, user.unitId);
        headers.authorization = `Bearer ${fresh.token}`;
        break;
      }
      case 'amendUser':
        url = url.replace('{id}', (await createUser(t.app, `改名-${caller}`, 'committee')).id);
        payload = { name: `已改名-${caller}`, reason: '更正' };
        break;
      case 'deactivateUser':
      case 'reissueUserToken':
        url = url.replace('{id}', (await createUser(t.app, `停用-${caller}`, 'committee')).id);
        payload = { reason: '调离' };
        break;
      case 'reactivateUser': {
        const fresh = await createUser(t.app, `恢复-${caller}`, 'committee');
        await call(t.app, ADMIN_TOKEN, { method: 'POST', url: `/api/v1/users/${fresh.id}/deactivate`, payload: { reason: '调离' } });
        url = url.replace('{id}', fresh.id);
        payload = { reason: '回任' };
        break;
      }
      case 'setUserPassword':
        url = url.replace('{id}', (await createUser(t.app, `密码-${caller}`, 'committee')).id);
        payload = { username: `set.${caller.toLowerCase()}`, password: '初始密码-2023春季', reason: '开通登录' };
        break;
      case 'createSession':
        payload = await userWithPassword();
        break;
      case 'changeOwnPassword':
        payload = { currentPassword: '初始密码-2023春季', newPassword: '新的密码-2023夏季' };
        break;
      case 'getSession':
      case 'deleteSession':
      case 'listSessions':
        break;
      case 'revokeSession':
        url = url.replace('{id}', await sessionIdOf(caller));
        break;
      case 'migrateMachineVersion':
        // A dry run between the two registered versions of the project machine.
        payload = { machine: 'project', fromVersion: 1, toVersion: 2, reason: '演练' };
        break;
      case 'createRound':
        payload = {
          year: 2024,
          title: `批次-${caller}`,
          documentNumber: '办字〔2024〕1号',
          submissionDeadline: '2024-03-29',
          finalAcceptanceDate: '2024-12-31',
          funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        };
        break;
      case 'getUnit':
        url = url.replace('{id}', world.units.branch);
        break;
      case 'amendUnit':
        url = url.replace('{id}', world.units.direct);
        payload = { name: `改名-${caller}`, reason: '更正' };
        break;
      case 'deactivateUnit':
      case 'reactivateUnit':
      case 'deleteUnit': {
        const unit = await call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: { name: `单位-${operation.operationId}-${caller}`, type: 'direct_branch' } });
        const unitId = (unit.body as { id: string }).id;
        if (operation.operationId === 'reactivateUnit') {
          await call(t.app, ADMIN_TOKEN, { method: 'POST', url: `/api/v1/units/${unitId}/deactivate`, payload: { reason: '撤销' } });
        }
        url = url.replace('{id}', unitId);
        payload = operation.operationId === 'deleteUnit' ? { reason: '误建' } : { reason: '调整' };
        break;
      }
      case 'amendRound': {
        const round = await call(t.app, ADMIN_TOKEN, {
          method: 'POST',
          url: '/api/v1/rounds',
          payload: {
            year: 2025,
            title: `待修改批次-${caller}`,
            documentNumber: `办字〔2025〕${caller}号`,
            submissionDeadline: '2025-03-29',
            finalAcceptanceDate: '2025-12-31',
            funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
          },
        });
        url = url.replace('{id}', (round.body as { id: string }).id);
        payload = { title: `已修改批次-${caller}` };
        break;
      }
      case 'grantRoundExtension':
        url = url.replace('{id}', world.roundId);
        payload = { unitId: world.units.direct, submissionDeadline: '2023-04-05', reason: '换届' };
        break;
      case 'revokeRoundExtension': {
        await call(t.app, ADMIN_TOKEN, {
          method: 'POST',
          url: `/api/v1/rounds/${world.roundId}/extensions`,
          payload: { unitId: world.units.otherGeneral, submissionDeadline: '2023-04-06', reason: '换届' },
        });
        url = url.replace('{id}', world.roundId).replace('{unitId}', world.units.otherGeneral);
        payload = { reason: '撤销' };
        break;
      }
      case 'getRound':
      case 'listRoundTransitions':
      case 'listRoundExtensions':
      case 'getProposedList':
      case 'listObjections':
        url = url.replace('{id}', world.roundId);
        break;
      case 'lodgeObjection':
        url = url.replace('{id}', world.roundId);
        payload = { reason: `异议-${caller}` };
        break;
      case 'handleObjection':
        url = url.replace('{id}', world.roundId).replace('{number}', '1');
        payload = { outcome: 'dismissed', response: '异议不成立' };
        break;
      case 'fireRoundEvent': {
        // A fresh round whose deadline has passed: CLOSE_SUBMISSIONS is org_dept's to fire.
        const round = await call(t.app, ADMIN_TOKEN, {
          method: 'POST',
          url: '/api/v1/rounds',
          payload: {
            year: 2022,
            title: `已截止批次-${caller}`,
            documentNumber: `办字〔2022〕${caller}号`,
            submissionDeadline: '2022-03-29',
            finalAcceptanceDate: '2022-12-31',
            funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
          },
        });
        url = url.replace('{id}', (round.body as { id: string }).id);
        payload = { type: 'CLOSE_SUBMISSIONS' };
        break;
      }
      case 'createProject':
        payload = { roundId: world.roundId, category: 'vanguard', direction: 'teacher_ethics', title: `项目-${caller}`, letter: COMPLETE_LETTER };
        break;
      case 'updateProject': {
        const draft = await createDraft(world);
        url = url.replace('{id}', draft.id);
        headers['if-match'] = `"${draft.version}"`;
        payload = { title: `改-${caller}` };
        break;
      }
      case 'fireProjectEvent': {
        const draft = await createDraft(world);
        url = url.replace('{id}', draft.id);
        payload = { type: 'SUBMIT' };
        break;
      }
      case 'assignReviewer': {
        const draft = await createDraft(world);
        await fireOk(world, draft.id, 'SUBMIT');
        url = url.replace('{id}', draft.id);
        payload = { reviewerId: world.reviewers[1]!.id };
        break;
      }
      case 'assignRoundReviewers': {
        // One explicit pair on a fresh project: automatic assignment would also staff the shared project.
        const draft = await createDraft(world);
        await fireOk(world, draft.id, 'SUBMIT');
        url = url.replace('{id}', world.roundId);
        payload = { mode: 'explicit', pairs: [{ projectId: draft.id, reviewerId: world.reviewers[1]!.id }] };
        break;
      }
      case 'listRoundPendingAssignments':
      case 'getPanel':
        url = url.replace('{id}', world.roundId).replace('{kind}', 'review');
        break;
      case 'namePanel':
        url = url.replace('{id}', world.roundId).replace('{kind}', 'review');
        payload = { name: `评审组-${caller}` };
        break;
      case 'addPanelMember': {
        const member = await createUser(t.app, `评审-${caller}`, 'reviewer', world.units.direct);
        url = url.replace('{id}', world.roundId).replace('{kind}', 'review');
        payload = { userId: member.id };
        break;
      }
      case 'removePanelMember': {
        const member = await createUser(t.app, `移出-${caller}`, 'reviewer', world.units.direct);
        await addToPanel(t.app, world.roundId, [member]);
        url = url.replace('{id}', world.roundId).replace('{kind}', 'review').replace('{userId}', member.id);
        payload = { reason: '工作调动' };
        break;
      }
      case 'replaceReviewer': {
        // A fresh project with reviewers[0] assigned, and a fresh panel member to take over.
        const draft = await createDraft(world);
        await fireOk(world, draft.id, 'SUBMIT');
        const assigned = await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${draft.id}/reviewers`, payload: { reviewerId: world.reviewers[0]!.id } });
        expect(assigned.status).toBe(201);
        const replacement = await createUser(t.app, `接替-${caller}`, 'reviewer', world.units.direct);
        await addToPanel(t.app, world.roundId, [replacement]);
        url = url.replace('{id}', draft.id).replace('{reviewerId}', world.reviewers[0]!.id);
        payload = { replacementId: replacement.id, reason: '出差' };
        break;
      }
      case 'assignAcceptanceReviewer': {
        // A fresh project under final acceptance, and a fresh member of the round's acceptance panel.
        // Late states are driven in a round of their own: the panel is that round's.
        const accepting = await driveTo(world, 'final_acceptance');
        await createPanel(t.app, accepting.roundId, '结项评审组', 'acceptance');
        const member = await createUser(t.app, `结项-${caller}`, 'reviewer', world.units.direct);
        await addToPanel(t.app, accepting.roundId, [member], 'acceptance');
        url = url.replace('{id}', accepting.id);
        payload = { reviewerId: member.id };
        break;
      }
      case 'replaceAcceptanceReviewer': {
        // A fresh project under final acceptance with one acceptance reviewer assigned, and a fresh member of the acceptance panel to take over.
        const accepting = await driveTo(world, 'final_acceptance');
        await createPanel(t.app, accepting.roundId, '结项评审组', 'acceptance');
        const [member, replacement] = [
          await createUser(t.app, `结项原-${caller}`, 'reviewer', world.units.direct),
          await createUser(t.app, `结项接替-${caller}`, 'reviewer', world.units.direct),
        ];
        await addToPanel(t.app, accepting.roundId, [member, replacement], 'acceptance');
        const assigned = await call(t.app, world.orgDept.token, {
          method: 'POST',
          url: `/api/v1/projects/${accepting.id}/acceptance-reviewers`,
          payload: { reviewerId: member.id },
        });
        expect(assigned.status).toBe(201);
        url = url.replace('{id}', accepting.id).replace('{reviewerId}', member.id);
        payload = { replacementId: replacement.id, reason: '出差' };
        break;
      }
      case 'getRoundAcceptanceScores':
      case 'getRoundRanking':
      case 'listRoundFinalReports':
      case 'getRoundFunding':
      case 'getRoundCompliance':
        url = url.replace('{id}', world.roundId);
        break;
      case 'exportRoundReport':
        url = `${url.replace('{id}', world.roundId).replace('{report}', 'ranking')}?format=xlsx`;
        break;
      case 'getPublishedList':
        url = url.replace('{id}', await roundAt('published'));
        break;
      case 'getCalendarYear':
        if (!calendarSet) {
          const set = await call(t.app, ADMIN_TOKEN, { method: 'PUT', url: '/api/v1/calendar/2024', payload: { holidays: ['2024-10-01'], workdays: ['2024-10-12'] } });
          expect(set.status).toBe(201);
          calendarSet = true;
        }
        url = url.replace('{year}', '2024');
        break;
      case 'putCalendarYear':
        url = url.replace('{year}', '2025');
        payload = { holidays: ['2025-10-01'], workdays: [] };
        break;
      case 'uploadRoundDocument': {
        const body = multipartBody([{ name: 'file', filename: `名单-${caller}.pdf`, content: minimalPdf(caller) }]);
        url = `${url.replace('{id}', await roundAt('concluded'))}?kind=approved_list`;
        Object.assign(headers, body.headers);
        payload = body.payload;
        break;
      }
      case 'listRoundDocuments':
        url = url.replace('{id}', await roundAt('concluded'));
        break;
      case 'downloadRoundDocument': {
        const document = await signedListDocument();
        url = url.replace('{id}', document.roundId).replace('{fileId}', document.fileId);
        break;
      }
      case 'uploadProjectFile': {
        const draft = await createDraft(world);
        const body = multipartBody([{ name: 'file', filename: `责任书-${caller}.pdf`, contentType: 'application/pdf', content: minimalPdf(caller) }]);
        url = `${url.replace('{id}', draft.id)}?kind=signed_letter`;
        Object.assign(headers, body.headers);
        payload = body.payload;
        break;
      }
      case 'downloadProjectFile': {
        const filed = await fileOfReadableProject();
        url = url.replace('{id}', filed.projectId).replace('{fileId}', filed.fileId);
        break;
      }
      case 'verifyKeptCheckpoint':
        payload = { note };
        break;
      case 'getLetterRevision':
        url = url.replace('{id}', readProjectId).replace('{revision}', '1');
        break;
      case 'getMachineVersion':
        url = url.replace('{id}', 'round').replace('{version}', '1');
        break;
      default:
        url = url.replace('{id}', readProjectId);
    }
    return t.app.inject({ method: operation.method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as never }) });
  }

  it('allows exactly the callers of the table, for every operation', async () => {
    const unexpected: string[] = [];
    let checked = 0;
    for (const operation of operations) {
      const allowed = new Set(ALLOWED[operation.operationId] ?? []);
      for (const caller of CALLERS) {
        const response = await request(operation, caller);
        checked += 1;
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        if (ok !== allowed.has(caller)) unexpected.push(`${operation.operationId} by ${caller}: ${response.statusCode} ${response.body.slice(0, 160)}`);
        if (!ok && !(response.statusCode >= 400 && response.statusCode < 500)) unexpected.push(`${operation.operationId} by ${caller}: ${response.statusCode}`);
        if (!ok && !String(response.headers['content-type']).startsWith('application/problem+json')) {
          unexpected.push(`${operation.operationId} by ${caller}: not problem+json`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    expect(checked).toBe(operations.length * CALLERS.length);
  }, 120_000);
});
