/**
 * Builds, through the API only, a small world: a unit tree, one user of every role, a round, and
 * projects driven to any state along the machine's own shortest paths, with the round's stages
 * (its gates are enforced) advanced as each step needs.
 */
import type { FastifyInstance } from 'fastify';
import type { AnyStateMachine } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { projectMachine } from '../../machines/project.machine.js';
import { projectMachineV2 } from '../../machines/project.machine.v2.js';
import { TRANSITIONS, TRANSITIONS_V2, type TransitionSpec } from '../../machines/project.lifecycle.js';
import type { EventType, Facts, ProjectEvent, ProjectState, Role } from '../../machines/project.types.js';
import { ROUND_GATES, startOfShanghaiDay, type Gate } from '../../machines/round.gates.js';
import type { RoundEventType, RoundState } from '../../machines/round.types.js';
import { ADMIN_TOKEN, call, clockOf, type FakeClock } from './app.js';
import { minimalPdf, multipartBody } from './files.js';

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
  /** The test's clock: the round's stages need it moved (deadlines, the acceptance day). */
  clock: FakeClock | undefined;
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

/**
 * The world; `clock` defaults to the FakeClock the app was built with (createTestApp), which the
 * helpers move to pass the round's deadlines and to reach its acceptance day.
 */
export async function createWorld(
  app: FastifyInstance,
  round: { minReviews?: number; reviewers?: number; submissionDeadline?: string; revisionDeadline?: string | null; documentNumber?: string } = {},
  clock: FakeClock | undefined = clockOf(app),
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
  // As many reviewers as the round needs reviews, unless told more.
  for (let i = 0; i < (round.reviewers ?? minReviews); i += 1) {
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
        // Every reviewer of the world sits on the acceptance panel too (round@2's acceptance review).
        minAcceptanceReviews: reviewers.length,
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
    clock,
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
    case 'REVERSE_DECISION':
      return { user: world.committee, payload: { reason: '公示期间收到异议，经核实改变决定' } };
    case 'SUBMIT_ACCEPTANCE_REVIEW':
      return { user: world.reviewers[reviewerIndex]!, payload: { scores: { completion: 18, effect: 17, documentation: 16 }, comment: '活动完成度高，成果材料齐全' } };
    case 'PROPOSE_GRADE':
      return { user: world.orgDept, payload: { grade: 'first', comment: '成果突出，建议评为一等奖' } };
    case 'RECORD_RECOMMENDATION_OUTCOME':
      return { user: world.orgDept, payload: { outcome: 'selected', level: '省级' } };
    default:
      throw new Error(`no happy-path firing of ${String(event)}`);
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

async function fireAs(world: World, projectId: string, user: User, type: EventType, payload: Record<string, unknown>) {
  const response = await fire(world, projectId, user, type, payload);
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
 * The machine's own shortest event sequence from draft to each state (xstate/graph), for project@1
 * (`version` 1) or project@2. The traversal fires every transition of a state with an actor of its
 * role and facts under which every guard holds, and keys states by their value (and, for project@2,
 * whether a grade is proposed: GRADE and FAIL need the proposal), so the paths are the lifecycle's.
 */
export function shortestPaths(version: 1 | 2 = 1): Map<ProjectState, EventType[]> {
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
    acceptanceReviewerIds: ['actor'],
    acceptanceReviewedIds: ['actor'],
    minAcceptanceReviews: 1,
    acceptanceCriteria: ['completion'],
    recommendableGrades: ['first'],
  };
  const machine: AnyStateMachine = version === 1 ? projectMachine : projectMachineV2;
  const transitions: readonly TransitionSpec[] = version === 1 ? TRANSITIONS : TRANSITIONS_V2;
  const paths = getShortestPaths(machine, {
    input: { projectId: 'p', unitId: 'u' },
    serializeState: (snapshot) => `${String(snapshot.value)}${snapshot.context.proposal ? `+${snapshot.context.proposal.grade}` : ''}`,
    events: (snapshot) =>
      transitions
        .filter((t) => t.from === snapshot.value)
        .flatMap((t) => {
          const role = t.rule.roles[0]!;
          const actor = { id: 'actor', role, unitId: role === 'applicant' ? 'u' : 'elsewhere' };
          // A grade proposed leads to GRADE, a failure proposed to FAIL.
          const payloads = t.event === 'PROPOSE_GRADE' ? [PAYLOADS.PROPOSE_GRADE, { grade: 'fail', comment: 'c' }] : [PAYLOADS[t.event]];
          return payloads.map((payload) => ({ type: t.event, ...payload, actor, facts }) as ProjectEvent);
        }),
  });
  const shortest = new Map<ProjectState, EventType[]>();
  for (const p of paths) {
    const state = p.state.value as ProjectState;
    const steps = p.steps.slice(1).map((step) => step.event.type as EventType);
    const known = shortest.get(state);
    if (!known || steps.length < known.length) shortest.set(state, steps);
  }
  return shortest;
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
  PROPOSE_GRADE: { grade: 'first' },
  RECORD_RECOMMENDATION_OUTCOME: { outcome: 'selected', level: '省级' },
};

/** Each edition's shortest paths and its round's gates and state order, by round machine version. */
const EDITIONS: Record<1 | 2, { paths: Map<ProjectState, EventType[]>; gates: readonly Gate[]; states: readonly RoundState[] }> = {
  1: { paths: shortestPaths(1), gates: ROUND_GATES[1]!.gates, states: ROUND_GATES[1]!.states },
  2: { paths: shortestPaths(2), gates: ROUND_GATES[2]!.gates, states: ROUND_GATES[2]!.states },
};

const DAY_MS = 86_400_000;
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

function worldClock(world: World): FakeClock {
  if (!world.clock) throw new Error("the world has no FakeClock: pass the test app's clock to createWorld");
  return world.clock;
}

/** Moves the world's clock forward to `at` when it is earlier; never back. */
function notBefore(world: World, at: number): void {
  const clock = worldClock(world);
  if (clock.now() < at) clock.set(at);
}

/** The log entries of newRound: CREATE_ROUND, NAME_PANEL and 3 ADD_PANEL_MEMBER (the world's default two reviewers and the conflicted one). */
export const NEW_ROUND_ENTRIES = 5;

let roundsMade = 0;

/**
 * A new round beside the world's, with a review panel of the world's reviewers (and its conflicted
 * one), for projects that must reach a late state without moving the world's round: its last day
 * of submission is the clock's day (Asia/Shanghai), its publicity period 0 working days (unless
 * `settings.publicityWorkingDays` says otherwise: a committee may reverse only during one) and
 * acceptance opens that same day (acceptanceOpensOn), so passing its deadline moves the clock to
 * the next midnight at most.
 */
export async function newRound(world: World, settings: { minReviews?: number; publicityWorkingDays?: number } = {}): Promise<{ roundId: string; submissionClosesAt: number }> {
  const today = shanghaiDay(worldClock(world).now());
  const year = Number(today.slice(0, 4));
  roundsMade += 1;
  const round = await created<{ id: string }>(
    call(world.app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year,
        title: `${year}年度党建项目立项（第${roundsMade + 1}批）`,
        documentNumber: `办字〔${year}〕${100 + roundsMade}号`,
        submissionDeadline: today,
        finalAcceptanceDate: `${year}-12-31`,
        acceptanceOpensOn: today,
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        minReviews: settings.minReviews ?? world.reviewers.length,
        minAcceptanceReviews: world.reviewers.length,
        // No publicity period unless asked (round@2): the list may be published as soon as the decisions are concluded.
        publicityWorkingDays: settings.publicityWorkingDays ?? 0,
        scoreScale: { min: 0, max: 20 },
      },
    }),
  );
  await createPanel(world.app, round.id, `${year}年度第${roundsMade + 1}批评审组`, 'review', world.orgDept.token);
  await addToPanel(world.app, round.id, [...world.reviewers, world.conflictedReviewer], 'review', world.orgDept.token);
  return { roundId: round.id, submissionClosesAt: startOfShanghaiDay(today) + DAY_MS };
}

/** The round event leading out of each state, and who fires it (round@1 and round@2 alike). */
const ROUND_STEP: Partial<Record<RoundState, { event: RoundEventType; by: 'orgDept' | 'committee' }>> = {
  open: { event: 'CLOSE_SUBMISSIONS', by: 'orgDept' },
  submissions_closed: { event: 'START_REVIEW', by: 'orgDept' },
  under_review: { event: 'CONCLUDE_DECISIONS', by: 'committee' },
  decided: { event: 'PUBLISH_LIST', by: 'orgDept' },
  in_publicity: { event: 'PUBLISH_LIST', by: 'orgDept' },
  in_execution: { event: 'OPEN_ACCEPTANCE', by: 'orgDept' },
  under_acceptance: { event: 'CLOSE_ROUND', by: 'orgDept' },
  grades_confirmed: { event: 'CLOSE_ROUND', by: 'orgDept' },
};

interface RoundView {
  state: RoundState;
  machine: { id: string; version: number };
  submissionDeadline: string;
  finalAcceptanceDate: string;
  acceptanceOpensOn: string | null;
  publicity?: { endsAt: string } | null;
}

async function readRound(world: World, roundId: string): Promise<RoundView> {
  const response = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}` });
  if (response.status !== 200) throw new Error(`round ${roundId}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as RoundView;
}

const editionOf = (round: RoundView) => EDITIONS[round.machine.version === 1 ? 1 : 2];

/** The round's signed approved list, uploaded by org_dept as round@2's PUBLISH_LIST needs it; answers the document's id. */
export async function uploadApprovedList(world: World, roundId = world.roundId): Promise<string> {
  const body = multipartBody([{ name: 'file', filename: '立项名单（盖章）.pdf', contentType: 'application/pdf', content: minimalPdf('立项名单') }]);
  const response = await call(world.app, world.orgDept.token, {
    method: 'POST',
    url: `/api/v1/rounds/${roundId}/documents?kind=approved_list`,
    payload: body.payload,
    headers: body.headers,
  });
  if (response.status !== 201) throw new Error(`list document refused: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { id: string }).id;
}

export interface AdvanceOptions {
  /** The round to advance; default the world's. */
  roundId?: string;
  /** PUBLISH_LIST's document number; default 党委〔2023〕12号. */
  documentNumber?: string;
  /** PUBLISH_LIST's date; default the clock's day, Asia/Shanghai. */
  publishedOn?: string;
}

/**
 * Fires the round's events in order, as org_dept or the committee, until the round is in `target`
 * (nothing when it already is or is past it), along its own version's states. CLOSE_SUBMISSIONS
 * moves the clock to the end of the submission window (extensions included) when it is earlier;
 * round@2's PUBLISH_LIST moves it to the end of the publicity period and uploads the signed list
 * first; reaching `under_acceptance` moves it to the first moment of the acceptance day
 * (acceptanceOpensOn, else finalAcceptanceDate, Asia/Shanghai); round@2's CONFIRM_GRADES is the
 * committee's, with its meeting. A refused round event throws with the refusal.
 */
export async function advanceRound(world: World, target: RoundState, opts: AdvanceOptions = {}): Promise<RoundState> {
  const roundId = opts.roundId ?? world.roundId;
  let round = await readRound(world, roundId);
  const { states } = editionOf(round);
  const index = (state: RoundState) => states.indexOf(state);
  if (index(target) < 0) throw new Error(`round@${round.machine.version} has no state ${target}`);
  const acceptanceDay = () => notBefore(world, startOfShanghaiDay(round.acceptanceOpensOn ?? round.finalAcceptanceDate));
  while (index(round.state) < index(target)) {
    const step = round.machine.version !== 1 && round.state === 'under_acceptance' ? ({ event: 'CONFIRM_GRADES', by: 'committee' } as const) : ROUND_STEP[round.state]!;
    const payload: Record<string, unknown> = { type: step.event };
    if (step.event === 'CLOSE_SUBMISSIONS') notBefore(world, startOfShanghaiDay(round.submissionDeadline) + DAY_MS);
    if (step.event === 'PUBLISH_LIST') {
      if (round.publicity) {
        notBefore(world, Date.parse(round.publicity.endsAt));
        payload.document = await uploadApprovedList(world, roundId);
      }
      payload.documentNumber = opts.documentNumber ?? '党委〔2023〕12号';
      payload.publishedOn = opts.publishedOn ?? shanghaiDay(worldClock(world).now());
    }
    if (step.event === 'CONFIRM_GRADES') payload.meetingReference = '党委会〔2023〕20次';
    const fireRound = () => call(world.app, world[step.by].token, { method: 'POST', url: `/api/v1/rounds/${roundId}/events`, payload });
    let response = await fireRound();
    // A unit's extension holds submissions open longer: the refusal names when they close.
    const closesAt = response.status === 422 ? JSON.stringify(response.body).match(/"submissionClosesAt":"([^"]+)"/)?.[1] : undefined;
    if (closesAt) {
      notBefore(world, Date.parse(closesAt));
      response = await fireRound();
    }
    if (response.status !== 200) throw new Error(`${step.event} refused: ${response.status} ${JSON.stringify(response.body)}`);
    round = await readRound(world, roundId);
    if (round.state === 'under_acceptance') acceptanceDay();
  }
  if (index(target) >= index('under_acceptance')) acceptanceDay();
  return round.state;
}

/** The events legal only once the round has left `open`: a path with one of them needs the round advanced. */
const LATE_EVENTS = new Set<EventType>(
  EDITIONS[2].gates.flatMap((g) => g.events).filter((event) => EDITIONS[2].gates.filter((g) => g.events.includes(event)).every((g) => !g.openIn.includes('open'))),
);

/** Whether reaching `state` needs the round past `open` (panel_reviewed and later), in either edition. */
export function isLateState(state: ProjectState): boolean {
  const path = EDITIONS[2].paths.get(state);
  if (!path) throw new Error(`no path to ${state}`);
  return path.some((event) => LATE_EVENTS.has(event));
}

/** The round state in which `event` from `from` may first be taken. */
function stageOf(gates: readonly Gate[], from: ProjectState, event: EventType): RoundState {
  const gate = gates.find((g) => g.events.includes(event) && g.from.includes(from));
  if (!gate) throw new Error(`no gate for ${event} from ${from}`);
  return gate.openIn[0]!;
}

async function projectOf(world: World, id: string): Promise<{ id: string; version: number; state: ProjectState }> {
  const response = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` });
  if (response.status !== 200) throw new Error(`project ${id}: ${response.status}`);
  return { id, version: response.body.version as number, state: response.body.state as ProjectState };
}

/** The round's acceptance panel, named once with every reviewer of the world on it. */
async function ensureAcceptancePanel(world: World, roundId: string): Promise<void> {
  const panel = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/panels/acceptance` });
  if (panel.status === 200) return;
  await createPanel(world.app, roundId, '结项评审组', 'acceptance', world.orgDept.token);
  await addToPanel(world.app, roundId, world.reviewers, 'acceptance', world.orgDept.token);
}

/** Each reviewer of the world assigned to the project's acceptance review and scoring its final report (round@2). */
export async function acceptanceReviews(world: World, roundId: string, projectId: string): Promise<void> {
  await ensureAcceptancePanel(world, roundId);
  for (const reviewer of world.reviewers) {
    const assigned = await call(world.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/projects/${projectId}/acceptance-reviewers`,
      payload: { reviewerId: reviewer.id },
    });
    if (assigned.status !== 201) throw new Error(`acceptance assignment refused: ${JSON.stringify(assigned.body)}`);
    const scored = await fire(world, projectId, reviewer, 'SUBMIT_ACCEPTANCE_REVIEW', {
      scores: { completion: 18, effect: 17, documentation: 16 },
      comment: '活动完成度高，成果材料齐全',
    });
    if (scored.status !== 200) throw new Error(`acceptance review refused: ${JSON.stringify(scored.body)}`);
  }
}

export interface Driven {
  id: string;
  version: number;
  /** The round the project was created in. */
  roundId: string;
}

/**
 * New projects of `world.applicant`, one per state, all in the round `roundId`, each driven over
 * HTTP to its state along its machine's shortest path (project@1 in a round@1, project@2 in a
 * round@2); the round is advanced stage by stage only as far as the furthest project needs, every
 * project moving as far as each stage allows before it does. START is the round's PUBLISH_LIST, and
 * round@2's GRADE and FAIL its CONFIRM_GRADES. Before the panel closes, the round's reviewers are
 * assigned and each scores the project (COMPLETE_PANEL_REVIEW's guard needs that); before org_dept
 * proposes a grade (round@2), each scores its final report on the round's acceptance panel.
 */
async function driveInRound(world: World, roundId: string, states: readonly ProjectState[], shortcut = false): Promise<Driven[]> {
  const round = await readRound(world, roundId);
  const edition = editionOf(round);
  const paths = states.map((state) => {
    const path = edition.paths.get(state);
    if (!path) throw new Error(`no path to ${state}`);
    return path;
  });
  const projects = [];
  for (let i = 0; i < states.length; i += 1) projects.push({ ...(await createDraft(world, { roundId })), state: 'draft' as ProjectState, next: 0 });
  const roundOrder = (state: RoundState) => edition.states.indexOf(state);
  let roundState = round.state;
  // Run only inside a round event: START inside PUBLISH_LIST, round@2's GRADE and FAIL inside CONFIRM_GRADES.
  const insideRoundEvent = (event: EventType, from: ProjectState) => edition.gates.find((g) => g.events.includes(event) && g.from.includes(from))?.onlyVia !== undefined;
  for (;;) {
    for (const [i, project] of projects.entries()) {
      const path = paths[i]!;
      while (project.next < path.length) {
        const event = path[project.next]!;
        const stage = stageOf(edition.gates, project.state, event);
        if (!shortcut && roundOrder(stage) > roundOrder(roundState)) break;
        if (!shortcut && insideRoundEvent(event, project.state)) {
          // The round's event has carried the project along: the round is past the stage.
          Object.assign(project, await projectOf(world, project.id));
        } else {
          if (event === 'COMPLETE_PANEL_REVIEW') {
            await assignReviewers(world, project.id);
            for (let r = 0; r < world.reviewers.length; r += 1) await fireOk(world, project.id, 'SUBMIT_REVIEW', undefined, r);
          }
          if (event === 'PROPOSE_GRADE') await acceptanceReviews(world, roundId, project.id);
          const payload = event === 'PROPOSE_GRADE' && path[project.next + 1] === 'FAIL' ? { grade: 'fail', comment: '未完成预期成果' } : undefined;
          // round@2's GRADE and FAIL are the committee's, carrying the proposal (with the gates off, fired as they are).
          const byCommittee = round.machine.version !== 1 && (event === 'GRADE' || event === 'FAIL');
          const fired = byCommittee
            ? await fireAs(world, project.id, world.committee, event, event === 'GRADE' ? { grade: 'first' } : { reason: '未完成预期成果' })
            : await fireOk(world, project.id, event, payload);
          project.state = fired.project.state;
          project.version = fired.project.version;
        }
        project.next += 1;
      }
    }
    const waiting = projects.map((p, i) => (p.next < paths[i]!.length ? stageOf(edition.gates, p.state, paths[i]![p.next]!) : null)).filter((s): s is RoundState => s !== null);
    if (waiting.length === 0) break;
    const next = edition.states[roundOrder(roundState) + 1];
    if (!next) throw new Error(`round ${roundId} is ${roundState}: no stage left for ${states.join(', ')}`);
    roundState = await advanceRound(world, next, { roundId });
  }
  return projects.map((p, i) => {
    if (p.state !== states[i]) throw new Error(`drove to ${p.state}, not ${states[i]}`);
    return { id: p.id, version: p.version, roundId };
  });
}

export interface DriveOptions {
  /** The round to drive in (advanced as the path needs); default: see driveTo. */
  roundId?: string;
  /**
   * For an app built with `enforceRoundGates: false` only: every event of the path fired as the
   * project's machine alone allows (START included), in the world's round left as it is.
   */
  shortcut?: boolean;
  /** The round's state to leave the round in after the drive (e.g. under_acceptance for a project in_progress that hands in its final report). */
  roundAt?: RoundState;
}

/**
 * A new project of `world.applicant` driven over HTTP to `state` along its machine's shortest path.
 * An early state (up to preliminarily_checked) is reached in the world's round while it is open; a
 * late one (panel_reviewed and later) needs its round advanced, which moves every project of that
 * round, so it is reached in a round of its own (newRound) unless `opts.roundId` names one.
 */
export async function driveTo(world: World, state: ProjectState, opts: DriveOptions = {}): Promise<Driven> {
  const roundId = opts.roundId ?? (isLateState(state) && !opts.shortcut ? (await newRound(world)).roundId : world.roundId);
  const [driven] = await driveInRound(world, roundId, [state], opts.shortcut);
  if (opts.roundAt) await advanceRound(world, opts.roundAt, { roundId });
  return driven!;
}

/**
 * Projects in several states inside one round (a new one unless `opts.roundId` names one), in the
 * order given: e.g. one approved and one rejected by the committee of the same round.
 */
export async function driveTogether(world: World, states: readonly ProjectState[], opts: { roundId?: string } = {}): Promise<Driven[]> {
  const roundId = opts.roundId ?? (await newRound(world)).roundId;
  return driveInRound(world, roundId, states);
}
