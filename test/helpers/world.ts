/**
 * Builds, through the API only, a small world: a unit tree, one user of every role, a round, and
 * projects driven to any state along the machine's own shortest paths.
 */
import type { FastifyInstance } from 'fastify';
import { getShortestPaths } from 'xstate/graph';
import { projectMachine } from '../../machines/project.machine.js';
import { TRANSITIONS } from '../../machines/project.lifecycle.js';
import type { EventType, Facts, ProjectEvent, ProjectState, Role } from '../../machines/project.types.js';
import { ADMIN_TOKEN, call } from './app.js';

export const COMPLETE_LETTER = {
  rationale: '学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。',
  activities: [
    { content: '“红色旋律”主题党日，党员师生共同排演革命歌曲', form: '主题党日 + 音乐会', when: '2023年5月' },
    { content: '党员先锋岗进琴房，结对帮扶学生', form: '结对帮扶', when: '2023年6月至11月' },
  ],
  expectedOutcomes: '形成一套可复制的“专业+党建”组织生活模式，举办汇报音乐会一场。',
  leader: '王书记',
  members: ['李老师', '张老师', '陈同学'],
  contact: '024-12345678',
};

export interface User {
  id: string;
  token: string;
  role: Role;
  unitId: string | null;
}

export interface World {
  app: FastifyInstance;
  units: { organ: string; general: string; branch: string; otherGeneral: string; otherBranch: string; direct: string };
  applicant: User;
  /** An applicant of another general branch: sees nothing of `applicant`'s projects. */
  otherApplicant: User;
  /** The applicant of the general branch above `applicant`'s branch: sees, but does not own. */
  parentApplicant: User;
  orgDept: User;
  committee: User;
  auditor: User;
  admin: User;
  /** Reviewers of units unrelated to `applicant`'s branch, as many as the round needs. */
  reviewers: User[];
  /** A reviewer of `applicant`'s own branch: always a conflict of interest. */
  conflictedReviewer: User;
  roundId: string;
  /** End of the submission window, epoch ms (exclusive). */
  submissionClosesAt: number;
}

/**
 * The log entries of a fresh app's world (createWorld with its default two reviewers): the bootstrap
 * administrator's CREATE_USER, 6 CREATE_UNIT, 9 CREATE_USER, 1 CREATE_ROUND, then the round's
 * review panel: 1 NAME_PANEL and 3 ADD_PANEL_MEMBER (the two reviewers and the conflicted one).
 */
export const WORLD_ENTRIES = 21;

/** The name createWorld gives its round's review panel. */
export const WORLD_PANEL_NAME = '2023年度评审组';

async function created<T>(promise: Promise<{ status: number; body: T }>): Promise<T> {
  const response = await promise;
  if (response.status !== 201) throw new Error(`expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createUnit(app: FastifyInstance, name: string, type: string, parentId: string | null = null): Promise<string> {
  const unit = await created<{ id: string }>(call(app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: { name, type, parentId } }));
  return unit.id;
}

export async function createUser(app: FastifyInstance, name: string, role: Role, unitId: string | null = null): Promise<User> {
  const body = await created<{ user: { id: string }; token: string }>(call(app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/users', payload: { name, role, unitId } }));
  return { id: body.user.id, token: body.token, role, unitId };
}

/** Names (creates) the round's panel of a kind, as org_dept (or the admin when no token is given). */
export async function createPanel(app: FastifyInstance, roundId: string, name = WORLD_PANEL_NAME, kind: 'review' | 'acceptance' = 'review', token = ADMIN_TOKEN): Promise<void> {
  const response = await call(app, token, { method: 'PUT', url: `/api/v1/rounds/${roundId}/panels/${kind}`, payload: { name } });
  if (response.status !== 201 && response.status !== 200) throw new Error(`panel refused: ${response.status} ${JSON.stringify(response.body)}`);
}

/** Adds users to the round's panel of a kind. */
export async function addToPanel(
  app: FastifyInstance,
  roundId: string,
  users: ReadonlyArray<{ id: string }>,
  kind: 'review' | 'acceptance' = 'review',
  token = ADMIN_TOKEN,
): Promise<void> {
  for (const user of users) {
    await created(call(app, token, { method: 'POST', url: `/api/v1/rounds/${roundId}/panels/${kind}/members`, payload: { userId: user.id } }));
  }
}

export async function createWorld(
  app: FastifyInstance,
  round: { minReviews?: number; submissionDeadline?: string; revisionDeadline?: string | null; documentNumber?: string } = {},
): Promise<World> {
  const organ = await createUnit(app, '机关党委', 'organ_committee');
  const general = await createUnit(app, '音乐学院党总支', 'general_branch');
  const branch = await createUnit(app, '声乐系党支部', 'branch', general);
  const otherGeneral = await createUnit(app, '舞蹈学院党总支', 'general_branch');
  const otherBranch = await createUnit(app, '舞蹈系党支部', 'branch', otherGeneral);
  const direct = await createUnit(app, '图书馆直属党支部', 'direct_branch');
  const minReviews = round.minReviews ?? 2;
  const reviewerUnits = [organ, otherGeneral, otherBranch, direct];
  const reviewers: User[] = [];
  for (let i = 0; i < minReviews; i += 1) {
    reviewers.push(await createUser(app, `评审${i + 1}`, 'reviewer', reviewerUnits[i % reviewerUnits.length]));
  }
  const submissionDeadline = round.submissionDeadline ?? '2023-03-29';
  const createdRound = await created<{ id: string }>(
    call(app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2023,
        title: '2023年度党建项目立项',
        documentNumber: round.documentNumber ?? '办字〔2023〕8号',
        submissionDeadline,
        ...(round.revisionDeadline !== undefined ? { revisionDeadline: round.revisionDeadline } : {}),
        finalAcceptanceDate: '2023-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        minReviews,
        scoreScale: { min: 0, max: 20 },
      },
    }),
  );
  const world: World = {
    app,
    units: { organ, general, branch, otherGeneral, otherBranch, direct },
    applicant: await createUser(app, '声乐系书记', 'applicant', branch),
    otherApplicant: await createUser(app, '舞蹈学院书记', 'applicant', otherGeneral),
    parentApplicant: await createUser(app, '音乐学院书记', 'applicant', general),
    orgDept: await createUser(app, '组织部', 'org_dept'),
    committee: await createUser(app, '党委会议秘书', 'committee'),
    auditor: await createUser(app, '纪检', 'auditor'),
    admin: { id: 'admin', token: ADMIN_TOKEN, role: 'admin', unitId: null },
    reviewers,
    conflictedReviewer: await createUser(app, '本支部评审', 'reviewer', branch),
    roundId: createdRound.id,
    submissionClosesAt: Date.parse(`${submissionDeadline}T00:00:00+08:00`) + 86_400_000,
  };
  // Reviewers are assigned only from the round's review panel: every reviewer of the world is on it.
  await createPanel(app, world.roundId, WORLD_PANEL_NAME, 'review', world.orgDept.token);
  await addToPanel(app, world.roundId, [...reviewers, world.conflictedReviewer], 'review', world.orgDept.token);
  return world;
}

export async function createDraft(world: World, overrides: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
  return created(
    call(world.app, world.applicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'vanguard', direction: 'member_platforms', title: '“红色旋律”党员先锋岗', letter: COMPLETE_LETTER, ...overrides },
    }),
  );
}

/** Who fires each event in the happy path, and with which payload. */
export function firing(world: World, event: EventType, reviewerIndex = 0): { user: User; payload: Record<string, unknown> } {
  const scores = { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 };
  switch (event) {
    case 'SUBMIT':
      return { user: world.applicant, payload: {} };
    case 'WITHDRAW':
      return { user: world.applicant, payload: { reason: '调整项目方向' } };
    case 'RETURN_FOR_REVISION':
      return { user: world.orgDept, payload: { comment: '活动安排需细化到月' } };
    case 'PASS_PRELIMINARY_CHECK':
      return { user: world.orgDept, payload: {} };
    case 'REJECT':
      return { user: world.orgDept, payload: { reason: '属于常规工作，不符合立项要求' } };
    case 'SUBMIT_REVIEW':
      return { user: world.reviewers[reviewerIndex]!, payload: { scores, comment: '特色鲜明，可操作性强' } };
    case 'COMPLETE_PANEL_REVIEW':
      return { user: world.orgDept, payload: {} };
    case 'APPROVE':
      return { user: world.committee, payload: { meetingReference: '党委会〔2023〕5次' } };
    case 'START':
      return { user: world.orgDept, payload: {} };
    case 'SUBMIT_PROGRESS_REPORT':
      return { user: world.applicant, payload: { text: '已完成主题党日两次' } };
    case 'SUBMIT_FINAL_REPORT':
      return { user: world.applicant, payload: { summary: '完成全部活动，举办汇报音乐会' } };
    case 'RETURN_FINAL_REPORT':
      return { user: world.orgDept, payload: { comment: '请补充活动照片' } };
    case 'GRADE':
      return { user: world.orgDept, payload: { grade: 'first' } };
    case 'FAIL':
      return { user: world.orgDept, payload: { reason: '未完成预期成果' } };
    case 'RECOMMEND':
      return { user: world.committee, payload: { note: '推荐参加省级评选' } };
    default:
      throw new Error(`no happy-path firing of ${event} yet`);
  }
}

export async function fire(world: World, projectId: string, user: User, type: EventType, payload: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return call(world.app, user.token, { method: 'POST', url: `/api/v1/projects/${projectId}/events`, payload: { type, ...payload }, headers });
}

/** Fires an event the happy path needs and fails loudly if it is refused. */
export async function fireOk(world: World, projectId: string, type: EventType, payload?: Record<string, unknown>, reviewerIndex = 0) {
  const who = firing(world, type, reviewerIndex);
  const response = await fire(world, projectId, who.user, type, payload ?? who.payload);
  if (response.status !== 200) throw new Error(`${type} refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { project: { state: ProjectState; version: number }; transition: { seq: number } };
}

export async function assignReviewers(world: World, projectId: string): Promise<void> {
  for (const reviewer of world.reviewers) {
    const response = await call(world.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/projects/${projectId}/reviewers`,
      payload: { reviewerId: reviewer.id },
    });
    if (response.status !== 201) throw new Error(`assignment refused: ${JSON.stringify(response.body)}`);
  }
}

/**
 * The machine's own shortest event sequence from draft to each state (xstate/graph). The traversal
 * fires every transition of a state with an actor of its role and facts under which every guard
 * holds, and keys states by their value alone, so the paths are the lifecycle's, not the context's.
 */
export function shortestPaths(): Map<ProjectState, EventType[]> {
  const facts: Facts = {
    now: 0,
    title: 't',
    letter: COMPLETE_LETTER,
    submissionClosesAt: 1,
    revisionClosesAt: null,
    minReviews: 1,
    scoreMin: 0,
    scoreMax: 20,
    funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    conflictingUnitIds: ['u'],
    assignedReviewerIds: ['actor'],
    reviewedReviewerIds: ['actor'],
    signedLetterRequired: false,
    signedLetter: null,
    finalReportDocuments: {},
  };
  const paths = getShortestPaths(projectMachine, {
    input: { projectId: 'p', unitId: 'u' },
    serializeState: (snapshot) => String(snapshot.value),
    events: (snapshot) =>
      TRANSITIONS.filter((t) => t.from === snapshot.value).map((t) => {
        const role = t.rule.roles[0]!;
        return {
          type: t.event,
          ...PAYLOADS[t.event],
          actor: { id: 'actor', role, unitId: role === 'applicant' ? 'u' : 'elsewhere' },
          facts,
        } as ProjectEvent;
      }),
  });
  return new Map(paths.map((p) => [p.state.value, p.steps.slice(1).map((s) => s.event.type)]));
}

const PAYLOADS: Record<EventType, Record<string, unknown>> = {
  SUBMIT: {},
  WITHDRAW: {},
  RETURN_FOR_REVISION: { comment: 'c' },
  PASS_PRELIMINARY_CHECK: {},
  REJECT: { reason: 'r' },
  SUBMIT_REVIEW: { scores: { direction: 1, innovation: 1, practicality: 1, breadth: 1, exemplarity: 1 }, comment: 'c' },
  COMPLETE_PANEL_REVIEW: {},
  APPROVE: { meetingReference: 'm' },
  START: {},
  SUBMIT_PROGRESS_REPORT: { text: 't' },
  SUBMIT_FINAL_REPORT: { summary: 's' },
  RETURN_FINAL_REPORT: { comment: 'c' },
  GRADE: { grade: 'first' },
  FAIL: { reason: 'r' },
  RECOMMEND: { note: 'n' },
  REVERSE_DECISION: { reason: '异议成立' },
  SUBMIT_ACCEPTANCE_REVIEW: { scores: { completion: 8 }, comment: '完成度高' },
  PROPOSE_GRADE: { grade: 'second' },
  RECORD_RECOMMENDATION_OUTCOME: { outcome: 'selected', level: '省级' },
};

const PATHS = shortestPaths();

/**
 * A new project of `world.applicant` driven over HTTP to `state` along the machine's shortest path.
 * Before the panel closes, the round's reviewers are assigned and each scores the project: the
 * guard of COMPLETE_PANEL_REVIEW needs that, and the path has no step for it.
 */
export async function driveTo(world: World, state: ProjectState): Promise<{ id: string; version: number }> {
  const path = PATHS.get(state);
  if (!path) throw new Error(`no path to ${state}`);
  const project = await createDraft(world);
  let version = project.version;
  for (const event of path) {
    if (event === 'COMPLETE_PANEL_REVIEW') {
      await assignReviewers(world, project.id);
      for (let i = 0; i < world.reviewers.length; i += 1) version = (await fireOk(world, project.id, 'SUBMIT_REVIEW', undefined, i)).project.version;
    }
    version = (await fireOk(world, project.id, event)).project.version;
  }
  return { id: project.id, version };
}
