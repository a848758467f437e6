import { governs } from '../../machines/round.gates.js';
import { roundLifecycle, roundLifecycleV2 } from '../../machines/round.lifecycle.js';
import { ROUND_1_STATES } from '../../machines/round.types.js';
import type { RoundCommand, RoundContext, RoundFactsForMachine, RoundState } from '../../machines/round.types.js';
import type { Principal } from '../auth/principal.js';
import { endOfShanghaiDay, isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { DEFAULT_ACCEPTANCE_CRITERIA, type RoundRow } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { ProjectsRepository } from '../projects/projects.repository.js';
import type { ProjectsService } from '../projects/projects.service.js';
import { toTransitionView, transitionsPage } from '../projects/projects.service.js';
import type { TransitionView } from '../projects/projects.schemas.js';
import { appendRecord, contextSha256, roundSettings, type Act } from '../workflow/records.js';
import { requestHash, runStep, type StepReply, type Subjects, type WorkflowStores } from '../workflow/step.js';
import type { RoundsRepository } from './rounds.repository.js';
import type { AmendRoundInput, CreateRoundInput, Round, RoundsQuery } from './rounds.schemas.js';
import {
  changesBetween,
  checkSettings,
  DEADLINES,
  DEFAULT_PUBLICITY_WORKING_DAYS,
  requestedSettings,
  SETTING_COLUMNS,
  settingsOf,
  type Settings,
  type SettingName,
} from './round-settings.js';
import { ExtensionsRepository } from '../extensions/extensions.repository.js';
import { objectionOf, PublicityRepository, publicityFacts, publicityLogged, type PublicitySources } from './publicity.js';
import type { Objection } from '../../machines/round.types.js';

/** A round state's label from the definition that has it: round@2's own states (公示, grades confirmed) are not round@1's. */
const roundStateLabelOf = (state: RoundState) => (ROUND_1_STATES.includes(state) ? roundLifecycle : roundLifecycleV2).stateLabel(state);

export const toRound = (row: RoundRow, allowedEvents?: Round['allowedEvents'], opened?: boolean): Round => ({
  id: row.id,
  year: row.year,
  title: row.title,
  documentNumber: row.documentNumber,
  submissionDeadline: row.submissionDeadline,
  revisionDeadline: row.revisionDeadline,
  finalAcceptanceDate: row.finalAcceptanceDate,
  acceptanceOpensOn: row.acceptanceOpensOn,
  funding: { first: row.fundingFirst, second: row.fundingSecond, third: row.fundingThird, qualified: row.fundingQualified },
  minReviews: row.minReviews,
  scoreScale: { min: row.scoreMin, max: row.scoreMax },
  requireSignedLetter: row.requireSignedLetter,
  conflictScope: row.conflictScope,
  contacts: row.contacts,
  acceptanceCriteria: row.acceptanceCriteria,
  minAcceptanceReviews: row.minAcceptanceReviews,
  prizeCaps: row.prizeCaps,
  recommendableGrades: row.recommendableGrades,
  publicityWorkingDays: row.publicityWorkingDays,
  state: row.state as RoundState,
  stateLabel: roundStateLabelOf(row.state as RoundState),
  version: row.version,
  publication: row.context.publication ?? null,
  publicity: row.context.publicity ?? null,
  objections: objectionCounts(row.context),
  machine: { id: row.machineId, version: row.machineVersion },
  projectMachine: { id: 'project', version: row.projectMachineVersion },
  ...(allowedEvents ? { allowedEvents } : {}),
  ...(opened === undefined ? {} : { opened }),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** How many of the round's objections are open and how many handled (none under round@1). */
function objectionCounts(context: RoundContext): { open: number; handled: number } {
  const objections = context.objections ?? [];
  const open = objections.filter((o) => o.handling === null).length;
  return { open, handled: objections.length - open };
}

export interface RoundEventResult {
  round: Round;
  transition: TransitionView;
  /** The START entries written with PUBLISH_LIST, one per approved project; empty otherwise. */
  started: TransitionView[];
  /** The GRADE and FAIL entries written with CONFIRM_GRADES, one per project under final acceptance; empty otherwise. */
  graded: TransitionView[];
  /** round@2: the objection LODGE_OBJECTION or HANDLE_OBJECTION recorded, as the round holds it. */
  objection?: Objection;
}

export class RoundsService {
  private readonly extensions: ExtensionsRepository;
  readonly publicityRepository: PublicityRepository;
  /** Rounds as the workflow step sees them. */
  private readonly subjects: Subjects<RoundRow, RoundCommand, RoundFactsForMachine>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly projects: ProjectsService,
    private readonly repository: RoundsRepository,
    private readonly projectsRepository: ProjectsRepository,
    private readonly workflow: WorkflowStores,
    /** 公示's calendar and the round's signed list documents (round@2). */
    private readonly publicity: PublicitySources,
  ) {
    this.extensions = new ExtensionsRepository(db);
    this.publicityRepository = new PublicityRepository(db);
    this.subjects = {
      kind: 'round',
      noun: { zh: '批次', en: 'round' },
      stateNoun: { zh: '批次状态', en: 'round state' },
      load: (id) => this.repository.round(id),
      visible: () => true,
      notFound: (id) => new Problem('not-found', `批次不存在 / Round ${id} not found`),
      facts: (row, now) => this.facts(row, now),
      loggedPayload: (command, _facts, next) => {
        const { type: _type, ...payload } = command;
        return { ...payload, ...publicityLogged(command, next.context as RoundContext) };
      },
      write: (row, next, at) => {
        const updated: RoundRow = {
          ...row,
          state: next.state,
          context: next.context as RoundContext,
          machineId: next.machineId,
          machineVersion: next.machineVersion,
          version: row.version + 1,
          updatedAt: at,
        };
        if (!this.repository.updateState(updated, row.version)) throw new Error(`round ${row.id} changed inside its own transaction`);
        return updated;
      },
      afterEntry: (row, command, principal, entry) => {
        if (command.type === 'PUBLISH_LIST') return this.projects.startApproved(principal, row.id, entry.requestId, Date.parse(entry.at));
        if (command.type === 'CONFIRM_GRADES') return this.projects.confirmProposals(principal, row.id, entry.requestId, Date.parse(entry.at));
        return [];
      },
    };
  }

  /** The round and its CREATE_ROUND entry, in one step. */
  create(act: Act, input: CreateRoundInput): Promise<Round> {
    const scale = input.scoreScale ?? { min: 0, max: 20 };
    const settings: Settings = {
      year: input.year,
      title: input.title,
      documentNumber: input.documentNumber,
      submissionDeadline: input.submissionDeadline,
      revisionDeadline: input.revisionDeadline ?? null,
      finalAcceptanceDate: input.finalAcceptanceDate,
      acceptanceOpensOn: input.acceptanceOpensOn ?? null,
      fundingFirst: input.funding.first,
      fundingSecond: input.funding.second,
      fundingThird: input.funding.third,
      fundingQualified: input.funding.qualified,
      minReviews: input.minReviews ?? 3,
      scoreMin: scale.min,
      scoreMax: scale.max,
      requireSignedLetter: input.requireSignedLetter ?? false,
      conflictScope: input.conflictScope ?? 'family',
      contacts: input.contacts ?? [],
      acceptanceCriteria: input.acceptanceCriteria ?? DEFAULT_ACCEPTANCE_CRITERIA,
      minAcceptanceReviews: input.minAcceptanceReviews ?? 3,
      prizeCaps: input.prizeCaps ?? {},
      recommendableGrades: input.recommendableGrades ?? ['first'],
      publicityWorkingDays: input.publicityWorkingDays ?? DEFAULT_PUBLICITY_WORKING_DAYS,
    };
    checkSettings(settings);
    return this.committer.run(() => {
      this.checkDocumentNumber(settings.year, settings.documentNumber, null);
      const now = this.clock.now();
      const id = newId(now);
      // Rounds created from now on run the newest definitions, and pin the project machine's.
      const lifecycle = this.workflow.registry.latest('round');
      const persisted = lifecycle.persist(lifecycle.create({ roundId: id }));
      const row: RoundRow = {
        id,
        ...settings,
        state: persisted.state,
        context: persisted.context as RoundContext,
        machineId: persisted.machineId,
        machineVersion: persisted.machineVersion,
        projectMachineVersion: this.projectVersionOf(lifecycle.version),
        version: 1,
        createdAt: isoUtc(now),
        updatedAt: null,
      };
      this.repository.insert(row);
      appendRecord(this.workflow.log, act, {
        subjectKind: 'round',
        subjectId: id,
        event: 'CREATE_ROUND',
        toState: row.state,
        payload: {
          settings: roundSettings(row),
          machine: { id: row.machineId, version: row.machineVersion },
          projectMachineVersion: row.projectMachineVersion,
          contextSha256: contextSha256(row.context),
        },
        at: row.createdAt,
      });
      return toRound(row);
    });
  }

  /** The project machine a round of this version pins: the newest one its gates govern. */
  private projectVersionOf(roundVersion: number): number {
    const governed = this.workflow.registry.versions('project').filter((project) => governs(roundVersion, project));
    const newest = governed[governed.length - 1];
    if (!newest) throw new Error(`round@${roundVersion} governs no registered project machine`);
    return newest.version;
  }

  private checkDocumentNumber(year: number, documentNumber: string, exceptId: string | null): void {
    if (this.repository.documentNumberTaken(year, documentNumber, exceptId)) {
      throw new Problem('conflict', `${year} 年度已有发文字号为 ${documentNumber} 的批次 / ${year} already has a round with document number ${documentNumber}`, {
        field: 'documentNumber',
        code: 'document_number_taken',
      });
    }
  }

  /**
   * AMEND_ROUND: the changed settings ({ from, to }) and the reason, the round's version one up. Before
   * the round has opened every setting may change (reason optional); after, only its deadlines, with a
   * reason (422 naming the fields that may not change). If-Match makes it conditional (412).
   */
  amend(act: Act, id: string, input: AmendRoundInput, expectedVersion: number | null): Promise<Round> {
    return this.committer.run(() => {
      const row = this.findRow(id);
      if (!row) throw this.subjects.notFound(id);
      if (expectedVersion !== null && expectedVersion !== row.version) {
        throw new Problem('precondition-failed', `批次已更新到版本 ${row.version} / The round is at version ${row.version}`, { currentVersion: row.version });
      }
      const current = settingsOf(row);
      const changes = changesBetween(current, requestedSettings(input));
      const changed = Object.keys(changes) as SettingName[];
      if (changed.length === 0) return toRound(row);
      if (this.repository.opened(row)) {
        const fixed = changed.filter((field) => !DEADLINES.includes(field));
        if (fixed.length > 0) {
          throw new Problem(
            'unprocessable',
            `批次已开始，只能修改截止日期，不能修改 ${fixed.join('、')} / The round has opened: only its deadlines may change, not ${fixed.join(', ')}`,
            { field: fixed[0], fields: fixed, code: 'round_opened' },
          );
        }
        if (!input.reason) {
          throw new Problem('unprocessable', '批次已开始，修改截止日期须说明原因 / The round has opened: a deadline change needs a reason', {
            field: 'reason',
            code: 'reason_required',
          });
        }
      }
      const next: Settings = { ...current, ...Object.fromEntries(changed.map((field) => [field, changes[field]!.to])) };
      checkSettings(next);
      if (changes.year || changes.documentNumber) this.checkDocumentNumber(next.year, next.documentNumber, id);
      for (const extension of this.extensions.ofRound(id)) {
        const limit = next.revisionDeadline ?? next.finalAcceptanceDate;
        if (extension.submissionDeadline >= limit || extension.submissionDeadline >= next.finalAcceptanceDate) {
          throw new Problem(
            'unprocessable',
            `已准予的延期（${extension.unitId} 至 ${extension.submissionDeadline}）须早于修改截止日期与结项验收日期 / An extension granted (${extension.unitId} until ${extension.submissionDeadline}) must end before the revision deadline and the final acceptance date`,
            { field: next.revisionDeadline && extension.submissionDeadline >= next.revisionDeadline ? 'revisionDeadline' : 'finalAcceptanceDate', code: 'extension_conflict' },
          );
        }
      }
      const at = isoUtc(this.clock.now());
      const columns = Object.fromEntries(changed.map((field) => [SETTING_COLUMNS[field], changes[field]!.to]));
      if (!this.repository.amend(id, columns, row.version + 1, at, row.version)) throw new Error(`round ${id} changed inside its own transaction`);
      appendRecord(this.workflow.log, act, {
        subjectKind: 'round',
        subjectId: id,
        event: 'AMEND_ROUND',
        fromState: row.state,
        toState: row.state,
        payload: { changes, reason: input.reason ?? null },
        at,
      });
      // The projects' guards cache the round's settings.
      this.projectsRepository.forgetRound(id);
      return toRound({ ...row, ...next, version: row.version + 1, updatedAt: at });
    });
  }

  /** A page of rounds, in creation order (ids are time-ordered). */
  list(query: RoundsQuery = {}): Page<Round> {
    const limit = pageSize(query);
    const rows = this.repository.page(query.cursor ? decodeKeyCursor(query.cursor, ['string'] as const)[0] : undefined, limit + 1, query.state);
    return pageOf(
      rows,
      limit,
      (row) => encodeKeyCursor([row.id]),
      (row) => toRound(row),
    );
  }

  findRow(id: string): RoundRow | undefined {
    return this.repository.round(id);
  }

  get(principal: Principal, id: string): Round {
    const row = this.findRow(id);
    if (!row) throw this.subjects.notFound(id);
    const lifecycle = this.workflow.registry.require(row.machineId, row.machineVersion);
    return toRound(
      row,
      lifecycle.allowedEvents(lifecycle.restore(row), actorOf(principal), this.facts(row, this.clock.now())) as Round['allowedEvents'],
      this.repository.opened(row),
    );
  }

  /** A page of the round's own log entries, in sequence order. */
  transitions(principal: Principal, id: string, query: PageQuery = {}): Page<TransitionView> {
    if (!this.findRow(id)) throw this.subjects.notFound(id);
    return transitionsPage(this.db, 'round', id, principal, query);
  }

  /**
   * One round event, one transaction: the round's transition and its log entry, and for
   * PUBLISH_LIST a START (with its own log entry) for every committee-approved project of the
   * round. A refusal, or any failure on the way, writes nothing.
   */
  fire(
    principal: Principal,
    id: string,
    command: RoundCommand,
    options: { expectedVersion: number | null; requestId: string; idempotencyKey?: string | null },
  ): Promise<StepReply> {
    const key = options.idempotencyKey ?? null;
    // Keys are per user, shared with project events: the hash names the round, so a key reused
    // for another round or another event is refused rather than replayed.
    const hash = key ? requestHash({ roundId: id, command }) : null;
    return this.committer.run(() => {
      const now = this.clock.now();
      return runStep(
        this.workflow,
        this.subjects,
        { principal, subjectId: id, command, expectedVersion: options.expectedVersion, requestId: options.requestId, now, idempotencyKey: key, requestHash: hash },
        {
          reply: ({ row, entry, snapshot, lifecycle, followUps }) => {
            const objection = objectionOf(command, row.context);
            const result: RoundEventResult = {
              round: toRound(row, lifecycle.allowedEvents(snapshot, actorOf(principal), this.facts(row, now)) as Round['allowedEvents']),
              transition: toTransitionView(entry, principal),
              started: followUps.filter((e) => e.event === 'START').map((e) => toTransitionView(e, principal)),
              graded: followUps.filter((e) => e.event === 'GRADE' || e.event === 'FAIL').map((e) => toTransitionView(e, principal)),
              ...(objection ? { objection } : {}),
            };
            return JSON.stringify(result);
          },
          versionOf: (reply) => (JSON.parse(reply) as RoundEventResult).round.version,
        },
      );
    });
  }

  private facts(row: RoundRow, now: number): RoundFactsForMachine {
    return {
      now,
      // Submissions close for the round once every unit's window has: its own or an extension's.
      submissionClosesAt: Math.max(endOfShanghaiDay(row.submissionDeadline), ...this.extensions.ofRound(row.id).map((e) => endOfShanghaiDay(e.submissionDeadline))),
      projectsByState: this.projectsRepository.projectsByState(row.id),
      ...(row.machineVersion >= 2 ? this.acceptanceFacts(row) : {}),
      ...publicityFacts(row, now, this.publicity, this.publicityRepository),
    };
  }

  /** round@2: the proposals of the round's projects under final acceptance, and its caps on prizes. */
  private acceptanceFacts(row: RoundRow): Pick<RoundFactsForMachine, 'proposals' | 'prizeCaps'> {
    const proposals: NonNullable<RoundFactsForMachine['proposals']> = { byGrade: {}, missing: 0 };
    for (const { proposal } of this.projectsRepository.underAcceptance(row.id)) {
      if (proposal === null) proposals.missing += 1;
      else proposals.byGrade[proposal] = (proposals.byGrade[proposal] ?? 0) + 1;
    }
    return { proposals, prizeCaps: row.prizeCaps };
  }
}

const actorOf = (principal: Principal) => ({ id: principal.id, role: principal.role, unitId: principal.unitId });
