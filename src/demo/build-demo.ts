/**
 * Builds the demo database (src/demo/demo-data.ts) by driving the real service over its REST API:
 * every project and round transition is an event fired with app.inject, decided by the machines,
 * validated and appended to the hash-chained log, at the time the story says (a settable clock).
 * The only thing not done over HTTP is creating the users: the API issues random tokens, and the
 * demo needs tokens the README can list, so users are created with UsersService.createWithToken,
 * which stores only the token's hash, like every other user, and logs the act as the service's own.
 * At the end every user is given a username and the public demo password over the API, as a person
 * would be: the admin sets an initial password, the person logs in and changes it (loginFor).
 * Every other act (units, rounds, projects, draft edits, assignments, uploads) goes through the
 * API, so each is an entry of the log as in production.
 *
 * Two releases tell the story: the service first runs the first edition's definitions alone
 * (round@1, project@1), standing for the first release that stored the 2023 and 2024 rounds; in
 * April 2024 the new release arrives (NEW_RELEASE_AT): the service restarts on the same database
 * with the definitions this build ships, the clock going on, and the 2024 round is moved in flight
 * to round@2 by the administrator, on the record. Every round's steps run in one timeline.
 *
 * The database is built beside the target and renamed over it when complete, so a failed build
 * leaves the target as it was. A target that a running service holds (its pid file says so) is
 * never replaced, even with force: the service would go on writing to the file it has open, and
 * its writes would be lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { GRADES, STATES, type Grade, type ProjectState, type Scores } from '../../machines/project.types.js';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import type { RoundState } from '../../machines/round.types.js';
import { buildApp } from '../app.js';
import type { Clock } from '../clock.js';
import { DEFAULT_DATABASE_PATH } from '../config.js';
import { migrateDatabase, openDatabase, type Db } from '../db/client.js';
import { GroupCommitter } from '../db/group-commit.js';
import { pidFilePath, runningService } from '../db/pid-file.js';
import { UnitsService } from '../units/units.service.js';
import { UsersService } from '../users/users.service.js';
import { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import {
  CALENDARS,
  COMMITTEE,
  DEMO_PASSWORD,
  NEW_RELEASE_AT,
  ROUNDS,
  UNITS,
  USERS,
  usernameOf,
  type AcceptanceScores,
  type DemoProject,
  type DemoRound,
  type DemoUser,
  type When,
} from './demo-data.js';

/** A clock the builder moves along the story; never backwards. */
export class SettableClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Moves to `epochMs`, or stays where it is if that is already later. */
  moveTo(epochMs: number): void {
    this.current = Math.max(this.current, epochMs);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** 'YYYY-MM-DD HH:mm' in Asia/Shanghai → epoch ms. */
export function shanghai(when: When): number {
  const ms = Date.parse(`${when.replace(' ', 'T')}:00+08:00`);
  if (Number.isNaN(ms)) throw new Error(`demo: not a time: ${when}`);
  return ms;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export class DemoTargetExists extends Error {}

/** The target is held by a running service. */
export class DemoTargetInUse extends Error {}

function refuseIfInUse(target: string): void {
  const service = runningService(target);
  if (!service) return;
  throw new DemoTargetInUse(
    `${target} is in use by a running lixiang service (pid ${service.pid}, see ${pidFilePath(target)}); ` +
      `stop it first (Ctrl-C where it runs, or kill ${service.pid}), or pass --db FILE to build the demo into another file`,
  );
}

export interface BuildDemoOptions {
  /** The SQLite file to create. */
  path: string;
  /** Replace an existing non-empty file. */
  force?: boolean;
  /** Told each chapter of the story as it is built. */
  onProgress?: (line: string) => void;
}

export interface DemoSummary {
  path: string;
  elapsedMs: number;
  units: { name: string; type: string; parent: string | null }[];
  users: { name: string; role: string; unit: string | null; token: string; username: string }[];
  /** The demo users' shared password (public). */
  password: string;
  rounds: {
    id: string;
    year: number;
    title: string;
    documentNumber: string;
    state: RoundState;
    /** The round's machine, e.g. round@2, and its move from round@1 in flight with the reason on the record. */
    machine: string;
    migration: { reason: string } | null;
    illustrative: boolean;
    publication: { documentNumber: string; publishedOn: string; document?: { fileId: string; sha256: string } } | null;
    /** round@2's 公示: its period, each objection with its project and how it was handled, the committee's reversals. */
    publicity: { startedAt: string; endsAt: string; workingDays: number } | null;
    objections: { number: number; project: string | null; outcome: string | null }[];
    reversals: { project: string; reason: string }[];
    /** round@2: the committee meeting that confirmed the round's grades. */
    gradesConfirmedBy: string | null;
    projectsByState: Partial<Record<ProjectState, number>>;
    /** Graded projects per grade, how many were recommended upward, and the funding they were given. */
    grades: Partial<Record<Grade, number>>;
    recommended: number;
    funding: number;
    /** Corrections on the record: deadlines amended after opening, per-unit extensions, reviewers replaced. */
    amendments: { field: string; from: unknown; to: unknown; reason: string }[];
    extensions: { unit: string; submissionDeadline: string; reason: string }[];
    replacements: { project: string; replaced: string; replacement: string; reason: string }[];
  }[];
  projectsByState: Record<ProjectState, number>;
  projects: number;
  logEntries: number;
  chainValid: boolean;
}

interface ProjectView {
  id: string;
  roundId: string;
  title: string;
  state: ProjectState;
  version: number;
  grade: Grade | null;
  funding: number | null;
  recommended: boolean;
}

interface RoundView {
  id: string;
  year: number;
  title: string;
  documentNumber: string;
  state: RoundState;
  machine: { id: string; version: number };
  publication: { documentNumber: string; publishedOn: string; document?: { fileId: string; sha256: string } } | null;
  publicity: { startedAt: string; endsAt: string; workingDays: number } | null;
}

/** The REST API through app.inject; anything but a success stops the build, loudly. */
class Api {
  /** The service it talks to: the first release, then the new one on the same database. */
  constructor(public app: FastifyInstance) {}

  async send<T>(
    user: DemoUser,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; etag: string | undefined }> {
    const response = await this.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${user.token}`, 'accept-language': 'en', ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new Error(`demo: ${method} ${url} as ${user.key} (${user.role}) answered ${response.statusCode}: ${response.body}`);
    }
    const etag = response.headers.etag;
    return { body: JSON.parse(response.body) as T, etag: typeof etag === 'string' ? etag : undefined };
  }

  async get<T>(user: DemoUser, url: string): Promise<T> {
    return (await this.send<T>(user, 'GET', url)).body;
  }

  async post<T>(user: DemoUser, url: string, payload: unknown): Promise<T> {
    return (await this.send<T>(user, 'POST', url, payload)).body;
  }

  /** One file, multipart as a browser sends it; answers the stored file's id. */
  async upload(user: DemoUser, projectId: string, kind: 'signed_letter' | 'final_report_document', fileName: string, content: Buffer): Promise<string> {
    return (await this.multipart(user, `/projects/${projectId}/files?kind=${kind}`, fileName, content)).id;
  }

  /** A round's document (the signed approved list), multipart like a project's file. */
  async uploadToRound(user: DemoUser, roundId: string, fileName: string, content: Buffer): Promise<{ id: string; sha256: string }> {
    return this.multipart(user, `/rounds/${roundId}/documents?kind=approved_list`, fileName, content);
  }

  private async multipart(user: DemoUser, url: string, fileName: string, content: Buffer): Promise<{ id: string; sha256: string }> {
    const boundary = '----lixiang-demo-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`;
    const payload = Buffer.concat([Buffer.from(head, 'utf8'), content, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
    const { body } = await this.send<{ id: string; sha256: string }>(user, 'POST', url, payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    return body;
  }
}

/** A small, well-formed PDF standing in for a scanned document (its text, ASCII, names what it is). */
function demoPdf(what: string): Buffer {
  const text = what.replace(/[()\\]/g, ' ');
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const userByKey = (key: string): DemoUser => {
  const user = USERS.find((u) => u.key === key);
  if (!user) throw new Error(`demo: no user ${key}`);
  return user;
};
const applicantOf = (unitKey: string) => userByKey(`applicant-${unitKey}`);
const ORG_DEPT = userByKey('org_dept');
const COMMITTEE_SECRETARY = userByKey('committee');
const AUDITOR = userByKey('auditor');
const ADMIN = userByKey('admin');
const REVIEWERS = USERS.filter((u) => u.role === 'reviewer');
/** A unit's family: the 党总支 or 机关党委 above it, or the unit itself at the top (a reviewer of the same family is in conflict). */
const familyOf = (unitKey: string): string => UNITS.find((u) => u.key === unitKey)?.parent ?? unitKey;

/**
 * Gives `user` its username and the demo password as a person gets them: the admin sets an initial
 * password (PUT /users/{id}/password), the person logs in with it (POST /session) and changes it to
 * the demo password with the session's cookie and CSRF token (POST /session/password), then logs out.
 */
async function loginFor(api: Api, user: DemoUser, userId: string): Promise<void> {
  const username = usernameOf(user);
  const initial = `initial-${userId.slice(-12)}`;
  await api.send(ADMIN, 'PUT', `/users/${userId}/password`, { username, password: initial, reason: '演示账户开通登录 / Demo account: login enabled' });
  const login = await api.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: initial } });
  if (login.statusCode !== 201) throw new Error(`demo: login of ${username} answered ${login.statusCode}: ${login.body}`);
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const { csrfToken } = JSON.parse(login.body) as { csrfToken: string };
  const headers = { cookie, 'x-csrf-token': csrfToken };
  const changed = await api.app.inject({ method: 'POST', url: '/api/v1/session/password', headers, payload: { currentPassword: initial, newPassword: DEMO_PASSWORD } });
  if (changed.statusCode !== 204) throw new Error(`demo: password change of ${username} answered ${changed.statusCode}: ${changed.body}`);
  const out = await api.app.inject({ method: 'DELETE', url: '/api/v1/session', headers });
  if (out.statusCode !== 204) throw new Error(`demo: logout of ${username} answered ${out.statusCode}: ${out.body}`);
}

/** How each of a project's reviewers leans, by the order they were assigned: stricter, milder, in between. */
const REVIEWER_LEANINGS: Scores[] = [
  { direction: 0, innovation: 1, practicality: 0, breadth: -1, exemplarity: 1 },
  { direction: -1, innovation: -2, practicality: 0, breadth: 0, exemplarity: -1 },
  { direction: 1, innovation: 0, practicality: 1, breadth: 1, exemplarity: 0 },
];

function scoresOf(base: Scores, slot: number, scale: { min: number; max: number }): Scores {
  const leaning = REVIEWER_LEANINGS[slot % REVIEWER_LEANINGS.length]!;
  const clamp = (n: number) => Math.min(scale.max, Math.max(scale.min, n));
  return {
    direction: clamp(base.direction + leaning.direction),
    innovation: clamp(base.innovation + leaning.innovation),
    practicality: clamp(base.practicality + leaning.practicality),
    breadth: clamp(base.breadth + leaning.breadth),
    exemplarity: clamp(base.exemplarity + leaning.exemplarity),
  };
}

/** How each acceptance reviewer leans, by the order they were assigned. */
const ACCEPTANCE_LEANINGS: AcceptanceScores[] = [
  { completion: 0, effect: 1, documentation: -1 },
  { completion: -1, effect: 0, documentation: 0 },
  { completion: 1, effect: 0, documentation: 1 },
];

function acceptanceScoresOf(base: AcceptanceScores, slot: number, scale: { min: number; max: number }): AcceptanceScores {
  const leaning = ACCEPTANCE_LEANINGS[slot % ACCEPTANCE_LEANINGS.length]!;
  const clamp = (n: number) => Math.min(scale.max, Math.max(scale.min, n));
  return { completion: clamp(base.completion + leaning.completion), effect: clamp(base.effect + leaning.effect), documentation: clamp(base.documentation + leaning.documentation) };
}

interface Step {
  at: number;
  run: () => Promise<void>;
  /** A chapter of the story told to onProgress; the clock does not move for it. */
  chapter?: string;
}

/** Drives one round's story: its steps, sorted by time, each at its time on the clock. */
class RoundStory {
  readonly projectIds = new Map<string, string>();
  roundId = '';
  /** Each project's reviewers, in the order the automatic assignment made them. */
  private readonly assigned = new Map<string, string[]>();
  private readonly steps: Step[] = [];

  constructor(
    private readonly api: Api,
    private readonly clock: SettableClock,
    private readonly round: DemoRound,
    private readonly userIds: Map<string, string>,
    private readonly unitIds: Map<string, string>,
  ) {}

  private at(when: When | number, run: () => Promise<void>): void {
    this.steps.push({ at: typeof when === 'number' ? when : shanghai(when), run });
  }

  private id(project: DemoProject): string {
    const id = this.projectIds.get(project.key);
    if (!id) throw new Error(`demo: project ${project.key} is not created yet`);
    return id;
  }

  private fire(user: DemoUser, project: DemoProject, type: string, payload: Record<string, unknown> = {}) {
    return this.api.post<{ project: ProjectView }>(user, `/projects/${this.id(project)}/events`, { type, ...payload });
  }

  private fireRound(user: DemoUser, type: string, payload: Record<string, unknown> = {}) {
    return this.api.post<{ round: RoundView }>(user, `/rounds/${this.roundId}/events`, { type, ...payload });
  }

  /** The round's review: submissions closed and checked, the panel assigned and scoring, the panel closed. */
  private review(schedule: NonNullable<DemoRound['schedule']>): void {
    const { round } = this;
    // The deadline passes: the organisation department closes submissions and checks each one.
    this.at(schedule.close, async () => void (await this.fireRound(ORG_DEPT, 'CLOSE_SUBMISSIONS')));
    // A project resubmitted after the checks is checked again when it comes back (`revision.checked`).
    const checked = round.projects.filter((p) => (p.review || p.precheckRejected) && !p.revision?.checked);
    checked.forEach((project, i) => {
      this.at(shanghai(schedule.checks) + i * 20 * MINUTE, async () => {
        if (project.precheckRejected) await this.fire(ORG_DEPT, project, 'REJECT', { reason: project.precheckRejected });
        else await this.fire(ORG_DEPT, project, 'PASS_PRELIMINARY_CHECK', { comment: '材料齐全，符合申报要求。' });
      });
    });

    // The panel: automatic assignment, then each reviewer scores its projects on its own day.
    this.at(schedule.startReview, async () => void (await this.fireRound(ORG_DEPT, 'START_REVIEW')));
    this.at(shanghai(schedule.startReview) + 30 * MINUTE, async () => {
      const outcome = await this.api.post<{ assigned: { projectId: string; reviewerId: string }[]; refused: unknown[] }>(ORG_DEPT, `/rounds/${this.roundId}/assignments`, {
        mode: 'automatic',
      });
      if (outcome.refused.length > 0) throw new Error(`demo: automatic assignment refused ${JSON.stringify(outcome.refused)}`);
      for (const { projectId, reviewerId } of outcome.assigned) this.assigned.set(projectId, [...(this.assigned.get(projectId) ?? []), reviewerId]);
    });
    REVIEWERS.forEach((reviewer, r) => {
      this.at(shanghai(schedule.reviewsFrom) + 2 * r * DAY, async () => {
        for (const project of round.projects) {
          if (!project.review || !this.projectIds.has(project.key)) continue;
          const slot = (this.assigned.get(this.id(project)) ?? []).indexOf(this.userIds.get(reviewer.key)!);
          const done = project.review.done ?? round.body.minReviews;
          if (slot < 0 || slot >= done) continue;
          const comment = project.review.comments[slot];
          if (!comment) throw new Error(`demo: project ${project.key} has no comment for review ${slot + 1}`);
          await this.fire(reviewer, project, 'SUBMIT_REVIEW', { scores: scoresOf(project.review.base, slot, round.body.scoreScale), comment });
          this.clock.advance(25 * MINUTE);
        }
      });
    });
    // A reviewer drops out: org_dept replaces them with a panel member free of conflict, who scores in their place.
    for (const project of round.projects) {
      const replaced = project.review?.replaced;
      if (!replaced) continue;
      const review = project.review!;
      let replacement: DemoUser | undefined;
      this.at(replaced.at, async () => {
        const assigned = this.assigned.get(this.id(project)) ?? [];
        const dropped = assigned[replaced.slot];
        if (!dropped) throw new Error(`demo: project ${project.key} has no reviewer in slot ${replaced.slot}`);
        replacement = REVIEWERS.find((r) => !assigned.includes(this.userIds.get(r.key)!) && familyOf(r.unit!) !== familyOf(project.unit));
        if (!replacement) throw new Error(`demo: no reviewer free to replace one of project ${project.key}`);
        await this.api.post(ORG_DEPT, `/projects/${this.id(project)}/reviewers/${dropped}/replace`, {
          replacementId: this.userIds.get(replacement.key)!,
          reason: replaced.reason,
        });
        assigned[replaced.slot] = this.userIds.get(replacement.key)!;
      });
      this.at(replaced.scoredAt, async () => {
        const comment = review.comments[replaced.slot];
        if (!comment) throw new Error(`demo: project ${project.key} has no comment for review ${replaced.slot + 1}`);
        await this.fire(replacement!, project, 'SUBMIT_REVIEW', { scores: scoresOf(review.base, replaced.slot, round.body.scoreScale), comment });
      });
    }
    const panelClosedAt = shanghai(schedule.panelClose);
    round.projects
      .filter((p) => p.review && p.review.panelClosed !== false)
      .forEach((project, i) => {
        this.at(panelClosedAt + i * 10 * MINUTE, async () => void (await this.fire(ORG_DEPT, project, 'COMPLETE_PANEL_REVIEW')));
      });
  }

  /** The round's story as steps at their times; the builder runs every round's steps in one timeline. */
  plan(): Step[] {
    const { round } = this;
    const { schedule } = round;
    const day = (date: string, time = '09:00') => shanghai(`${date} ${time}`);

    this.at(round.created, async () => {
      const created = await this.api.post<RoundView>(ADMIN, '/rounds', round.body);
      this.roundId = created.id;
      // The round's review panel: the automatic assignment draws only from its members.
      await this.api.send(ORG_DEPT, 'PUT', `/rounds/${this.roundId}/panels/review`, { name: `${round.body.year}年度评审组` });
      for (const reviewer of REVIEWERS) await this.api.post(ORG_DEPT, `/rounds/${this.roundId}/panels/review/members`, { userId: this.userIds.get(reviewer.key)! });
    });

    // A unit's own submission deadline, and deadlines moved once the round has opened: org_dept, with a reason.
    for (const extension of round.extensions ?? []) {
      this.at(extension.at, async () => {
        await this.api.post(ORG_DEPT, `/rounds/${this.roundId}/extensions`, {
          unitId: this.unitIds.get(extension.unit)!,
          submissionDeadline: extension.submissionDeadline,
          reason: extension.reason,
        });
      });
    }
    for (const amendment of round.amendments ?? []) {
      this.at(amendment.at, async () => void (await this.api.send(ORG_DEPT, 'PATCH', `/rounds/${this.roundId}`, { ...amendment.changes, reason: amendment.reason })));
    }

    // Drafting, submission, returns for revision and withdrawals, on the applicants' own dates.
    for (const project of round.projects) {
      const applicant = applicantOf(project.unit);
      this.at(project.drafted, async () => {
        const created = await this.api.post<ProjectView>(applicant, '/projects', {
          roundId: this.roundId,
          category: project.category,
          direction: project.direction,
          title: project.title,
          letter: project.letter,
        });
        this.projectIds.set(project.key, created.id);
      });
      if (project.submitted) {
        this.at(project.submitted, async () => {
          // The signed and sealed letter, scanned: the round requires it, and SUBMIT logs its checksum.
          await this.api.upload(applicant, this.id(project), 'signed_letter', `${project.title}-目标责任书（盖章）.pdf`, demoPdf(`Signed letter: ${project.key}`));
          await this.fire(applicant, project, 'SUBMIT');
        });
      }
      if (project.revision) {
        const { revision } = project;
        this.at(revision.returned, async () => void (await this.fire(ORG_DEPT, project, 'RETURN_FOR_REVISION', { comment: revision.comment })));
        this.at(revision.resubmitted, async () => {
          const { etag } = await this.api.send(applicant, 'GET', `/projects/${this.id(project)}`);
          await this.api.send(applicant, 'PATCH', `/projects/${this.id(project)}`, { letter: revision.letter }, { 'if-match': etag ?? '' });
          await this.fire(applicant, project, 'SUBMIT');
        });
        // Resubmitted after the round's checks: checked again before the review starts.
        const { checked } = revision;
        if (checked) this.at(checked, async () => void (await this.fire(ORG_DEPT, project, 'PASS_PRELIMINARY_CHECK', { comment: '修改后材料齐全，符合申报要求。' })));
      }
      if (project.withdrawn) {
        const { withdrawn } = project;
        this.at(withdrawn.at, async () => void (await this.fire(applicant, project, 'WITHDRAW', { reason: withdrawn.reason })));
      }
    }

    // A round without a schedule is still open for submissions: nothing of the review yet.
    if (schedule) this.review(schedule);

    // The party committee decides; the organisation department publishes the approved list, which
    // starts every approved project.
    const committee = COMMITTEE[round.key as keyof typeof COMMITTEE] as (typeof COMMITTEE)[keyof typeof COMMITTEE] | undefined;
    round.projects
      .filter((p) => p.decision)
      .forEach((project, i) => {
        const decision = project.decision!;
        if (!committee) throw new Error(`demo: round ${round.key} has decisions but no committee meeting`);
        this.at(shanghai(committee.decidedAt) + i * 5 * MINUTE, async () => {
          if ('approve' in decision) await this.fire(COMMITTEE_SECRETARY, project, 'APPROVE', { meetingReference: committee.meetingReference });
          else await this.fire(COMMITTEE_SECRETARY, project, 'REJECT', { reason: decision.reject });
        });
      });
    if (committee && 'publication' in committee) {
      // round@1: the list is published as soon as the committee has concluded.
      const { publication } = committee;
      this.at(shanghai(committee.decidedAt) + 2 * HOUR, async () => void (await this.fireRound(COMMITTEE_SECRETARY, 'CONCLUDE_DECISIONS')));
      this.at(publication.at, async () => {
        await this.fireRound(ORG_DEPT, 'PUBLISH_LIST', { documentNumber: publication.documentNumber, publishedOn: publication.publishedOn });
      });
      this.at(day(`${round.body.year}-12-01`), async () => void (await this.fireRound(ORG_DEPT, 'OPEN_ACCEPTANCE')));
    }

    // Moved in flight to the second edition, on the record, with its projects.
    const { migration } = round;
    if (migration) {
      this.at(migration.at, async () => {
        await this.api.post(ADMIN, '/machines/migrations', {
          machine: 'round',
          fromVersion: 1,
          toVersion: 2,
          roundId: this.roundId,
          projects: { toVersion: 2 },
          reason: migration.reason,
          dryRun: false,
        });
      });
    }
    if (round.publicity) this.publicity(round.publicity);
    if (round.acceptanceReview) {
      const { acceptanceReview } = round;
      this.at(acceptanceReview.openedAt, async () => {
        await this.fireRound(ORG_DEPT, 'OPEN_ACCEPTANCE');
        // The acceptance panel 结项评审组: the same members as the review panel, drawn from for each final report.
        await this.api.send(ORG_DEPT, 'PUT', `/rounds/${this.roundId}/panels/acceptance`, { name: acceptanceReview.panel });
        for (const reviewer of REVIEWERS) await this.api.post(ORG_DEPT, `/rounds/${this.roundId}/panels/acceptance/members`, { userId: this.userIds.get(reviewer.key)! });
      });
      this.at(acceptanceReview.confirmedAt, async () => {
        await this.fireRound(COMMITTEE_SECRETARY, 'CONFIRM_GRADES', { meetingReference: acceptanceReview.meetingReference });
      });
    }

    // A year of work: progress reports, final reports, acceptance.
    for (const project of round.projects) {
      const applicant = applicantOf(project.unit);
      for (const report of project.progress ?? []) {
        this.at(report.at, async () => void (await this.fire(applicant, project, 'SUBMIT_PROGRESS_REPORT', { text: report.text })));
      }
      const final = project.finalReport;
      if (final) {
        this.at(final.at, async () => {
          const document = await this.api.upload(applicant, this.id(project), 'final_report_document', `${project.title}-结项总结.pdf`, demoPdf(`Final report: ${project.key}`));
          await this.fire(applicant, project, 'SUBMIT_FINAL_REPORT', { summary: final.summary, documents: [document] });
        });
        if (final.returned) {
          const { returned } = final;
          this.at(returned.at, async () => void (await this.fire(ORG_DEPT, project, 'RETURN_FINAL_REPORT', { comment: returned.comment })));
          this.at(returned.resubmitted, async () => {
            const document = await this.api.upload(
              applicant,
              this.id(project),
              'final_report_document',
              `${project.title}-结项总结（补充）.pdf`,
              demoPdf(`Final report, revised: ${project.key}`),
            );
            await this.fire(applicant, project, 'SUBMIT_FINAL_REPORT', { summary: returned.summary, documents: [document] });
          });
        }
      }
      if (project.acceptance) this.acceptance(project, project.acceptance, final?.at);
      const outcome = project.outcome;
      if (outcome) {
        this.at(outcome.at, async () => {
          if ('grade' in outcome) await this.fire(ORG_DEPT, project, 'GRADE', { grade: outcome.grade, comment: outcome.comment });
          else await this.fire(ORG_DEPT, project, 'FAIL', { reason: outcome.fail });
        });
      }
      const recommend = project.recommend;
      if (recommend) this.at(recommend.at, async () => void (await this.fire(COMMITTEE_SECRETARY, project, 'RECOMMEND', { note: recommend.note })));
      const recommended = project.recommendationOutcome;
      if (recommended) {
        this.at(recommended.at, async () => {
          await this.fire(ORG_DEPT, project, 'RECORD_RECOMMENDATION_OUTCOME', { outcome: recommended.outcome, level: recommended.level, note: recommended.note });
        });
      }
    }
    return this.steps;
  }

  /** round@2's 公示: the conclusion opens the period; objections, their handling and reversals; the signed list published after it. */
  private publicity(publicity: NonNullable<DemoRound['publicity']>): void {
    this.at(publicity.concludedAt, async () => void (await this.fireRound(COMMITTEE_SECRETARY, 'CONCLUDE_DECISIONS')));
    publicity.objections.forEach((objection, i) => {
      this.at(objection.at, async () => {
        const lodged = await this.api.post<{ number: number }>(userByKey(objection.by), `/rounds/${this.roundId}/objections`, {
          ...(objection.project ? { projectId: this.id(this.project(objection.project)) } : {}),
          reason: objection.reason,
        });
        if (lodged.number !== i + 1) throw new Error(`demo: objection ${i + 1} was numbered ${lodged.number}`);
      });
      const { handling } = objection;
      this.at(handling.at, async () => {
        await this.api.post(ORG_DEPT, `/rounds/${this.roundId}/objections/${i + 1}/handling`, { outcome: handling.outcome, response: handling.response });
      });
    });
    for (const reversal of publicity.reversals) {
      this.at(reversal.at, async () => {
        await this.fire(COMMITTEE_SECRETARY, this.project(reversal.project), 'REVERSE_DECISION', { reason: reversal.reason, meetingReference: reversal.meetingReference });
      });
    }
    const { publication } = publicity;
    this.at(publication.at, async () => {
      const document = await this.api.uploadToRound(
        ORG_DEPT,
        this.roundId,
        `${this.round.body.year}年度立项名单（${publication.documentNumber}，盖章）.pdf`,
        demoPdf(`Approved list ${this.round.body.year}, signed: ${this.round.key}`),
      );
      await this.fireRound(ORG_DEPT, 'PUBLISH_LIST', { documentNumber: publication.documentNumber, publishedOn: publication.publishedOn, document: document.id });
    });
  }

  /**
   * round@2's 结项评审 of one project: three members of the acceptance panel free of conflict are
   * assigned once its final report is in, each scores on its day, and org_dept proposes the grade.
   */
  private acceptance(project: DemoProject, acceptance: NonNullable<DemoProject['acceptance']>, reportedAt: When | undefined): void {
    if (!reportedAt) throw new Error(`demo: project ${project.key} has an acceptance review but no final report`);
    const reviewers = REVIEWERS.filter((r) => familyOf(r.unit!) !== familyOf(project.unit)).slice(0, acceptance.comments.length);
    if (reviewers.length < acceptance.comments.length) throw new Error(`demo: too few acceptance reviewers free of conflict for ${project.key}`);
    this.at(shanghai(reportedAt) + 2 * HOUR, async () => {
      for (const reviewer of reviewers) await this.api.post(ORG_DEPT, `/projects/${this.id(project)}/acceptance-reviewers`, { reviewerId: this.userIds.get(reviewer.key)! });
    });
    reviewers.forEach((reviewer, slot) => {
      this.at(shanghai(acceptance.reviewedFrom) + slot * DAY, async () => {
        await this.fire(reviewer, project, 'SUBMIT_ACCEPTANCE_REVIEW', {
          scores: acceptanceScoresOf(acceptance.base, slot, this.round.body.scoreScale),
          comment: acceptance.comments[slot]!,
        });
      });
    });
    const { proposal } = acceptance;
    this.at(proposal.at, async () => void (await this.fire(ORG_DEPT, project, 'PROPOSE_GRADE', { grade: proposal.grade, comment: proposal.comment })));
  }

  private project(key: string): DemoProject {
    const project = this.round.projects.find((p) => p.key === key);
    if (!project) throw new Error(`demo: round ${this.round.key} has no project ${key}`);
    return project;
  }
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

const nonEmpty = (file: string): boolean => fs.existsSync(file) && fs.statSync(file).size > 0;

/**
 * Builds the demo database at `options.path`; refuses an existing non-empty file unless `force`,
 * and a file a running service holds in any case.
 */
export async function buildDemo(options: BuildDemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  if (options.path === ':memory:') throw new Error('the demo needs a database file, not :memory:');
  const target = path.resolve(options.path);
  refuseIfInUse(target);
  if (nonEmpty(target) && !options.force) {
    throw new DemoTargetExists(`${target} exists and is not empty; pass --force to replace it with the demo database`);
  }
  const progress = options.onProgress ?? (() => {});
  const building = `${target}.building`;
  // The signing key both releases seal the log with while it is built (a deployment keeps its key
  // across releases); removed with the building file.
  const signingKeyPath = `${building}.key`;
  removeDatabaseFiles(building);
  fs.rmSync(signingKeyPath, { force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });

  const clock = new SettableClock(shanghai('2023-03-01 09:00'));
  let db: Db | null = openDatabase(building);
  let app: FastifyInstance | null = null;
  try {
    migrateDatabase(db);
    // The first release: it knows round@1 and project@1 only, so the rounds it creates run them.
    app = await buildApp({ db, clock, writesPerMinute: 0, logger: false, signingKeyPath, lifecycles: FIRST_EDITION_LIFECYCLES });
    const api = new Api(app);

    // The party organisations, then the people: both by the administrator.
    progress('units and users');
    const unitIds = new Map<string, string>();
    // The users' CREATE_USER entries are the service's own acts (actor `system`), appended like every write.
    const committer = new GroupCommitter(db.$client);
    const log = new TransitionLogRepository(db.$client);
    const users = new UsersService(db, clock, new UnitsService(db, clock, committer, log), committer, log);
    const userIds = new Map<string, string>();
    userIds.set(ADMIN.key, (await users.createWithToken({ name: ADMIN.name, role: 'admin', unitId: null }, ADMIN.token)).id);
    for (const unit of UNITS) {
      const created = await api.post<{ id: string }>(ADMIN, '/units', {
        name: unit.name,
        type: unit.type,
        parentId: unit.parent ? unitIds.get(unit.parent)! : null,
      });
      unitIds.set(unit.key, created.id);
      clock.advance(MINUTE);
    }
    for (const user of USERS) {
      if (user === ADMIN) continue;
      const created = await users.createWithToken({ name: user.name, role: user.role, unitId: user.unit ? unitIds.get(user.unit)! : null }, user.token);
      userIds.set(user.key, created.id);
      clock.advance(MINUTE);
    }

    // Every round's story, and the new release, in one timeline: steps at the same time keep the
    // order they were written in.
    const stories = ROUNDS.map((round) => new RoundStory(api, clock, round, userIds, unitIds));
    const steps: Step[] = [];
    stories.forEach((story, i) => {
      const round = ROUNDS[i]!;
      steps.push({
        at: shanghai(round.created),
        run: async () => {},
        chapter: `round ${round.body.year}: ${round.body.documentNumber}${round.illustrative ? ' (illustrative)' : ''}`,
      });
      steps.push(...story.plan());
    });
    // The new release: the service stops, and starts again on the same database with the definitions
    // this build ships, the clock going on.
    steps.push({
      at: shanghai(NEW_RELEASE_AT),
      chapter: 'the new release: round@2 and project@2 beside round@1 and project@1',
      run: async () => {
        await app!.close();
        app = null;
        db!.$client.close();
        db = openDatabase(building);
        migrateDatabase(db);
        app = await buildApp({ db, clock, writesPerMinute: 0, logger: false, signingKeyPath });
        api.app = app;
      },
    });
    // The working-day calendar, by org_dept, before a 公示 runs over a holiday.
    for (const calendar of CALENDARS) {
      steps.push({
        at: shanghai(calendar.at),
        run: async () =>
          void (await api.send(ORG_DEPT, 'PUT', `/calendar/${calendar.year}`, { holidays: calendar.holidays, workdays: calendar.workdays, reason: calendar.reason })),
      });
    }
    const ordered = steps.map((step, index) => ({ step, index })).sort((a, b) => a.step.at - b.step.at || a.index - b.index);
    for (const { step } of ordered) {
      if (step.chapter) progress(step.chapter);
      if (!step.chapter) clock.moveTo(step.at);
      await step.run();
      if (!step.chapter) clock.advance(MINUTE);
    }

    // Logins for people: every user's username and the demo password, after the story.
    progress('logins: usernames and the demo password');
    for (const user of USERS) {
      await loginFor(api, user, userIds.get(user.key)!);
      clock.advance(MINUTE);
    }

    progress('checking');
    const summary = await summarise(api, target, stories);
    const missing = STATES.filter((state) => summary.projectsByState[state] === 0);
    if (missing.length > 0) throw new Error(`demo: no project in state ${missing.join(', ')}; every state of the machine must be shown`);
    if (!summary.chainValid) throw new Error('demo: the transition log does not verify');

    await app.close();
    app = null;
    // Sealed with a throwaway key while it was built; left unsealed: the service that first opens
    // it seals its head with its own key (a log with no seal and no witness against it is sealed
    // at first start).
    db.$client.prepare('DELETE FROM sealed_head').run();
    db.$client.close();
    db = null;
    refuseIfInUse(target);
    if (nonEmpty(target) && !options.force) throw new DemoTargetExists(`${target} appeared while the demo was being built; not replaced`);
    removeDatabaseFiles(target);
    fs.renameSync(building, target);
    return { ...summary, elapsedMs: Date.now() - started };
  } finally {
    if (app) await app.close();
    if (db) db.$client.close();
    removeDatabaseFiles(building);
    fs.rmSync(signingKeyPath, { force: true });
  }
}

async function summarise(api: Api, target: string, stories: RoundStory[]): Promise<Omit<DemoSummary, 'elapsedMs'>> {
  const projects: ProjectView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: ProjectView[]; nextCursor: string | null } = await api.get(AUDITOR, `/projects?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    projects.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const projectsByState = Object.fromEntries(STATES.map((s) => [s, projects.filter((p) => p.state === s).length])) as Record<ProjectState, number>;
  const rounds = (await api.get<{ items: RoundView[] }>(AUDITOR, `/rounds?limit=500`)).items;
  const verified = await api.get<{ valid: boolean; count: number }>(AUDITOR, '/audit/verify');
  const unitNames = new Map(UNITS.map((u) => [u.key, u.name]));
  type Record2 = Pick<DemoSummary['rounds'][number], 'migration' | 'objections' | 'reversals' | 'gradesConfirmedBy'>;
  const corrections = new Map<string, Pick<DemoSummary['rounds'][number], 'amendments' | 'extensions' | 'replacements'> & Record2>();
  for (const story of stories) {
    const transitions = (await api.get<{ items: { event: string; payload: Record<string, unknown> }[] }>(AUDITOR, `/rounds/${story.roundId}/transitions?limit=500`)).items;
    const migrated = transitions.find((entry) => entry.event === 'MIGRATE' && entry.payload.from === 'round@1');
    const confirmed = transitions.find((entry) => entry.event === 'CONFIRM_GRADES');
    const objections = (
      await api.get<{ items: { number: number; projectTitle: string | null; handling: { outcome: string } | null }[] }>(AUDITOR, `/rounds/${story.roundId}/objections`)
    ).items.map((o) => ({ number: o.number, project: o.projectTitle, outcome: o.handling?.outcome ?? null }));
    const reversals: DemoSummary['rounds'][number]['reversals'] = [];
    if (migrated || objections.length > 0) {
      for (const project of projects.filter((p) => p.roundId === story.roundId)) {
        const entries = (await api.get<{ items: { event: string; payload: Record<string, unknown> }[] }>(AUDITOR, `/projects/${project.id}/transitions?limit=200`)).items;
        for (const entry of entries.filter((e) => e.event === 'REVERSE_DECISION')) reversals.push({ project: project.title, reason: entry.payload.reason as string });
      }
    }
    const amendments = transitions
      .filter((entry) => entry.event === 'AMEND_ROUND')
      .flatMap((entry) =>
        Object.entries(entry.payload.changes as Record<string, { from: unknown; to: unknown }>).map(([field, { from, to }]) => ({
          field,
          from,
          to,
          reason: entry.payload.reason as string,
        })),
      );
    const extensions = (await api.get<{ items: { unitName: string; submissionDeadline: string; reason: string }[] }>(AUDITOR, `/rounds/${story.roundId}/extensions`)).items.map(
      (e) => ({ unit: e.unitName, submissionDeadline: e.submissionDeadline, reason: e.reason }),
    );
    const replacements: DemoSummary['rounds'][number]['replacements'] = [];
    for (const project of projects.filter((p) => p.roundId === story.roundId)) {
      const assignments = (
        await api.get<{ items: { reviewerId: string; reviewerName: string; state: string; replacedBy: string | null; replaceReason: string | null }[] }>(
          AUDITOR,
          `/projects/${project.id}/reviewers`,
        )
      ).items;
      for (const a of assignments.filter((x) => x.state === 'replaced')) {
        const by = assignments.find((x) => x.reviewerId === a.replacedBy);
        replacements.push({ project: project.title, replaced: a.reviewerName, replacement: by?.reviewerName ?? a.replacedBy!, reason: a.replaceReason! });
      }
    }
    corrections.set(story.roundId, {
      amendments,
      extensions,
      replacements,
      migration: migrated ? { reason: migrated.payload.reason as string } : null,
      objections,
      reversals,
      gradesConfirmedBy: confirmed ? (confirmed.payload.meetingReference as string) : null,
    });
  }
  return {
    path: target,
    units: UNITS.map((u) => ({ name: u.name, type: u.type, parent: u.parent ? unitNames.get(u.parent)! : null })),
    users: USERS.map((u) => ({ name: u.name, role: u.role, unit: u.unit ? unitNames.get(u.unit)! : null, token: u.token, username: usernameOf(u) })),
    password: DEMO_PASSWORD,
    rounds: stories.map((story, i) => {
      const round = rounds.find((r) => r.id === story.roundId)!;
      const own = projects.filter((p) => p.roundId === round.id);
      const byState: Partial<Record<ProjectState, number>> = {};
      for (const state of STATES) {
        const n = own.filter((p) => p.state === state).length;
        if (n > 0) byState[state] = n;
      }
      const grades: Partial<Record<Grade, number>> = {};
      for (const grade of GRADES) {
        const n = own.filter((p) => p.grade === grade).length;
        if (n > 0) grades[grade] = n;
      }
      return {
        id: round.id,
        year: round.year,
        title: round.title,
        documentNumber: round.documentNumber,
        state: round.state,
        machine: `${round.machine.id}@${round.machine.version}`,
        illustrative: ROUNDS[i]!.illustrative,
        publication: round.publication,
        publicity: round.publicity,
        projectsByState: byState,
        grades,
        recommended: own.filter((p) => p.recommended).length,
        funding: own.reduce((sum, p) => sum + (p.funding ?? 0), 0),
        ...corrections.get(round.id)!,
      };
    }),
    projectsByState,
    projects: projects.length,
    logEntries: verified.count,
    chainValid: verified.valid,
  };
}

/** The Asia/Shanghai day of an instant, ISO; `offsetMs` -1 gives the last day of a period ending at a midnight. */
function shanghaiDay(iso: string, offsetMs = 0): string {
  return new Date(Date.parse(iso) + offsetMs + 8 * HOUR).toISOString().slice(0, 10);
}

/** The summary as the CLI prints it. */
export function formatDemoSummary(summary: DemoSummary): string {
  const lines: string[] = [];
  const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - [...text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? 2 : 1), 0)));
  lines.push(`demo database: ${summary.path} (built in ${(summary.elapsedMs / 1000).toFixed(1)} s)`, '');
  lines.push(`units (${summary.units.length}):`);
  for (const unit of summary.units) lines.push(`  ${unit.parent ? '  ' : ''}${pad(unit.name, unit.parent ? 28 : 30)} ${unit.type}`);
  lines.push('', `users (${summary.users.length}); the demo tokens and password are public, never use this database for real work:`);
  lines.push(`  role       username (password ${summary.password})  token = lx_demo-<username>`);
  for (const user of summary.users) lines.push(`  ${pad(user.role, 10)} ${pad(user.username, 32)} ${user.token}  ${user.name}`);
  lines.push('', 'rounds:');
  for (const round of summary.rounds) {
    const states = Object.entries(round.projectsByState)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ');
    lines.push(`  ${round.year} ${round.documentNumber}${round.illustrative ? ' (illustrative, invented for the demo)' : ''}: ${round.state}, ${round.machine}  id ${round.id}`);
    if (round.migration) lines.push(`       moved in flight from round@1 to ${round.machine}: ${round.migration.reason}`);
    if (round.publicity) {
      const { startedAt, endsAt, workingDays } = round.publicity;
      lines.push(`       公示 (publicity) from ${shanghaiDay(startedAt)} to ${shanghaiDay(endsAt, -1)} inclusive: ${workingDays} working days`);
    }
    for (const o of round.objections) lines.push(`       objection ${o.number}${o.project ? ` on ${o.project}` : ''}: ${o.outcome ?? 'not handled yet'}`);
    for (const r of round.reversals) lines.push(`       decision reversed on ${r.project}: ${r.reason}`);
    if (round.publication) {
      const signed = round.publication.document ? ', with its signed PDF' : '';
      lines.push(`       approved list published as ${round.publication.documentNumber} on ${round.publication.publishedOn}${signed} (illustrative)`);
    }
    if (round.gradesConfirmedBy) lines.push(`       grades confirmed by the committee: ${round.gradesConfirmedBy}`);
    lines.push(`       projects: ${states}`);
    if (round.funding > 0 || Object.keys(round.grades).length > 0) {
      const grades = Object.entries(round.grades)
        .map(([grade, n]) => `${grade} ${n}`)
        .join(', ');
      lines.push(`       graded: ${grades}; ${round.recommended} recommended upward; funding granted ${round.funding} yuan`);
    }
    for (const a of round.amendments) lines.push(`       ${a.field} amended ${String(a.from)} → ${String(a.to)}: ${a.reason}`);
    for (const e of round.extensions) lines.push(`       extension: ${e.unit} may submit until ${e.submissionDeadline}: ${e.reason}`);
    for (const r of round.replacements) lines.push(`       reviewer replaced on ${r.project}: ${r.replaced} → ${r.replacement}: ${r.reason}`);
  }
  lines.push('', `projects per state (${summary.projects} in all):`);
  for (const [state, n] of Object.entries(summary.projectsByState)) lines.push(`  ${pad(state, 22)} ${n}`);
  lines.push('', `transition log: ${summary.logEntries} entries, hash chain ${summary.chainValid ? 'verified' : 'BROKEN'}`);
  const relative = path.relative(process.cwd(), summary.path);
  const shown = relative && !relative.startsWith('..') ? relative : summary.path;
  const start = summary.path === path.resolve(DEFAULT_DATABASE_PATH) ? 'npm start' : `DATABASE_URL=${shown} npm start`;
  lines.push('', 'now run the service on it:', `  ${start}`, 'and try, for instance:');
  lines.push(
    `  curl -s -H 'Authorization: Bearer ${USERS.find((u) => u.role === 'org_dept')!.token}' 'http://127.0.0.1:3000/api/v1/projects?roundId=${summary.rounds[0]?.id}&limit=100'`,
  );
  return lines.join('\n');
}
