/**
 * The round machine, pure: every (state, event) pair is either a transition of the table or
 * illegal; each transition's role and conditions decide, and the explanation matches the decision.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, type ProjectState, type Role } from '../../machines/project.types.js';
import { ROUND_TRANSITIONS, allowedRoundEvents, createRound, decideRound, describeRoundMachine, persistRound, restoreRound } from '../../machines/round.lifecycle.js';
import { ROUND_1_EVENT_TYPES, ROUND_1_STATES, type RoundEvent, type RoundEventType, type RoundState } from '../../machines/round.types.js';

const DEADLINE = Date.parse('2023-03-29T16:00:00Z');
const facts = (projectsByState: Partial<Record<ProjectState, number>> = {}, now = DEADLINE + 1) => ({ now, submissionClosesAt: DEADLINE, projectsByState });
const actor = (role: Role) => ({ id: `${role}-1`, role, unitId: null });
const PAYLOAD: Partial<Record<RoundEventType, object>> = { PUBLISH_LIST: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' } };
const event = (type: RoundEventType, role: Role, f = facts()) => ({ type, ...PAYLOAD[type], actor: actor(role), facts: f }) as RoundEvent;
const at = (state: RoundState) => restoreRound({ ...persistRound(createRound('r1')), state });

const TABLE: Array<[RoundState, RoundEventType, RoundState, Role]> = [
  ['open', 'CLOSE_SUBMISSIONS', 'submissions_closed', 'org_dept'],
  ['submissions_closed', 'START_REVIEW', 'under_review', 'org_dept'],
  ['under_review', 'CONCLUDE_DECISIONS', 'decided', 'committee'],
  ['decided', 'PUBLISH_LIST', 'in_execution', 'org_dept'],
  ['in_execution', 'OPEN_ACCEPTANCE', 'under_acceptance', 'org_dept'],
  ['under_acceptance', 'CLOSE_ROUND', 'closed', 'org_dept'],
];

describe('the round machine', () => {
  it('has exactly the transitions of its table', () => {
    expect(ROUND_TRANSITIONS.map((t) => [t.from, t.event, t.to, t.rule.roles[0]])).toEqual(TABLE);
  });

  it('takes each transition for its role and refuses every other role with 403 reasons', () => {
    for (const [from, type, to, role] of TABLE) {
      const decision = decideRound(at(from), event(type, role));
      expect(decision).toMatchObject({ ok: true, from, to });
      for (const other of ROLES.filter((r) => r !== role)) {
        expect(decideRound(at(from), event(type, other))).toMatchObject({ ok: false, kind: 'forbidden', violation: { code: 'role_not_allowed' } });
      }
    }
  });

  it("takes an event exactly when XState's snapshot.can() says so: every state, event and role, conditions met or not", () => {
    const situations = [facts(), facts({}, DEADLINE - 1), facts({ submitted: 1 }), facts({ panel_reviewed: 1 }), facts({ in_progress: 1 })];
    let taken = 0;
    for (const state of ROUND_1_STATES) {
      const snapshot = at(state);
      for (const type of ROUND_1_EVENT_TYPES) {
        for (const role of ROLES) {
          for (const f of situations) {
            const e = event(type, role, f);
            const decision = decideRound(snapshot, e);
            expect(decision.ok, `${state} ${type} by ${role}`).toBe(snapshot.can(e));
            if (decision.ok) taken += 1;
          }
        }
      }
    }
    expect(taken).toBeGreaterThanOrEqual(TABLE.length);
  });

  it('refuses every pair outside the table as illegal', () => {
    for (const state of ROUND_1_STATES) {
      for (const type of ROUND_1_EVENT_TYPES) {
        const row = TABLE.find(([from, e]) => from === state && e === type);
        if (row) continue;
        const role = TABLE.find(([, e]) => e === type)![3];
        expect(decideRound(at(state), event(type, role))).toEqual({ ok: false, kind: 'illegal', state });
      }
    }
  });

  it('explains each failed condition with its code', () => {
    expect(decideRound(at('open'), event('CLOSE_SUBMISSIONS', 'org_dept', facts({}, DEADLINE - 1)))).toMatchObject({
      ok: false,
      kind: 'unprocessable',
      violation: { code: 'deadline_not_passed' },
    });
    expect(decideRound(at('open'), event('CLOSE_SUBMISSIONS', 'org_dept', facts({}, DEADLINE))).ok).toBe(true);
    expect(decideRound(at('submissions_closed'), event('START_REVIEW', 'org_dept', facts({ submitted: 2, draft: 5 })))).toMatchObject({
      violation: { code: 'projects_awaiting_preliminary_check', detail: { projects: 2, byState: { submitted: 2 } } },
    });
    for (const state of ['submitted', 'preliminarily_checked', 'panel_reviewed'] as const) {
      expect(decideRound(at('under_review'), event('CONCLUDE_DECISIONS', 'committee', facts({ [state]: 1 })))).toMatchObject({ violation: { code: 'projects_undecided' } });
    }
    expect(decideRound(at('under_review'), event('CONCLUDE_DECISIONS', 'committee', facts({ committee_approved: 3, rejected: 1, draft: 1 }))).ok).toBe(true);
    for (const state of ['committee_approved', 'in_progress', 'final_acceptance'] as const) {
      expect(decideRound(at('under_acceptance'), event('CLOSE_ROUND', 'org_dept', facts({ [state]: 1 })))).toMatchObject({ violation: { code: 'projects_not_concluded' } });
    }
    expect(decideRound(at('under_acceptance'), event('CLOSE_ROUND', 'org_dept', facts({ graded: 4, failed: 1, rejected: 2, withdrawn: 1, draft: 1 }))).ok).toBe(true);
    const bad = { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-02-30', actor: actor('org_dept'), facts: facts() } as RoundEvent;
    expect(decideRound(at('decided'), bad)).toMatchObject({ violation: { code: 'publishedOn_invalid' } });
    const blank = { ...bad, documentNumber: '  ', publishedOn: '2023-05-10' } as RoundEvent;
    expect(decideRound(at('decided'), blank)).toMatchObject({ violation: { code: 'documentNumber_required' } });
  });

  it('records the publication, and restores what it persisted', () => {
    const decision = decideRound(at('decided'), event('PUBLISH_LIST', 'org_dept'));
    if (!decision.ok) throw new Error('refused');
    const persisted = persistRound(decision.snapshot);
    expect(persisted).toEqual({
      machineId: 'round',
      machineVersion: 1,
      state: 'in_execution',
      context: { roundId: 'r1', publication: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' } },
    });
    expect(persistRound(restoreRound(persisted))).toEqual(persisted);
    expect(() => restoreRound({ ...persisted, machineVersion: 2 })).toThrow(/needs a migration/);
  });

  it('offers each role only the events it may fire now', () => {
    expect(allowedRoundEvents(at('open'), actor('org_dept'), facts({}, DEADLINE - 1))).toEqual([]);
    expect(allowedRoundEvents(at('open'), actor('org_dept'), facts())).toEqual(['CLOSE_SUBMISSIONS']);
    expect(allowedRoundEvents(at('open'), actor('committee'), facts())).toEqual([]);
    expect(allowedRoundEvents(at('under_review'), actor('committee'), facts())).toEqual(['CONCLUDE_DECISIONS']);
    expect(allowedRoundEvents(at('decided'), actor('org_dept'), facts())).toEqual(['PUBLISH_LIST']);
  });

  it('describes itself with labels in Chinese and English for every state and event', () => {
    const description = describeRoundMachine();
    expect(description).toMatchObject({ id: 'round', version: 1, initial: 'open' });
    expect(description.states.map((s) => s.name)).toEqual([...ROUND_1_STATES]);
    for (const s of description.states) expect(s.label.zh && s.label.en).toBeTruthy();
    for (const e of description.events) expect(e.label.zh && e.label.en).toBeTruthy();
    expect(description.states.filter((s) => s.final).map((s) => s.name)).toEqual(['closed']);
  });
});
