/**
 * The round machine as a lifecycle (./lifecycle.ts): `round@1`, with the round's view of the
 * generic definition's functions.
 */
import type { SnapshotFrom } from 'xstate';
import { defineLifecycle, type Decision, type MachineDescription, type Persisted, type TransitionSpec } from './lifecycle.js';
import { ROUND_EVENT_LABELS, ROUND_MACHINE_ID, ROUND_MACHINE_VERSION, roundMachine, roundRules } from './round.machine.js';
import {
  ROUND_1_EVENT_TYPES,
  ROUND_1_STATES,
  ROUND_2_STATES,
  ROUND_EVENT_TYPES,
  type RoundContext,
  type RoundEvent,
  type RoundEventType,
  type RoundFactsForMachine,
  type RoundState,
} from './round.types.js';
import type { Actor, Label } from './vocabulary.js';
import { ROUND_MACHINE_V2_VERSION, roundMachineV2, roundRulesV2 } from './round.machine.v2.js';

export const roundLifecycle = defineLifecycle({
  machine: roundMachine,
  kind: 'round',
  id: ROUND_MACHINE_ID,
  version: ROUND_MACHINE_VERSION,
  states: ROUND_1_STATES,
  events: ROUND_1_EVENT_TYPES,
  eventLabels: ROUND_EVENT_LABELS,
  title: { zh: '党建项目立项批次', en: 'Round of the yearly call' },
  rules: roundRules,
  // Contexts persisted before the publication existed.
  reviveContext: (context: RoundContext) => ({ roundId: context.roundId ?? '', publication: context.publication ?? null }),
});

/** round@2 (./round.machine.v2.ts): 公示 before publication, and the committee's confirmation of the grades. */
export const roundLifecycleV2 = defineLifecycle({
  machine: roundMachineV2,
  kind: 'round',
  id: ROUND_MACHINE_ID,
  version: ROUND_MACHINE_V2_VERSION,
  states: ROUND_2_STATES,
  events: ROUND_EVENT_TYPES,
  eventLabels: ROUND_EVENT_LABELS,
  title: { zh: '党建项目立项批次（第 2 版：公示、结项等级确认）', en: 'Round of the yearly call, version 2 (publicity, confirmation of grades)' },
  rules: roundRulesV2,
  // Contexts migrated from round@1: the fields round@2 added, with their defaults.
  reviveContext: (context: RoundContext) => ({
    roundId: context.roundId ?? '',
    publication: context.publication ?? null,
    publicity: context.publicity ?? null,
    objections: context.objections ?? [],
    gradesConfirmation: context.gradesConfirmation ?? null,
  }),
});

export type RoundSnapshot = SnapshotFrom<typeof roundMachine>;
export type PersistedRound = Persisted<RoundState, RoundContext>;
export type RoundTransitionSpec = TransitionSpec<RoundState, RoundEventType>;
export type RoundDecision = Decision<RoundSnapshot, RoundState>;
export type RoundMachineDescription = MachineDescription<RoundState, RoundEventType>;

export const ROUND_TRANSITIONS: readonly RoundTransitionSpec[] = roundLifecycle.transitions;

/** A round state's label, whichever version has the state (the states both have are labelled alike). */
export const roundStateLabel = (state: RoundState): Label => (roundLifecycle.hasState(state) ? roundLifecycle : roundLifecycleV2).stateLabel(state);
export const roundEventsAcceptedIn = (state: RoundState): RoundEventType[] => roundLifecycle.eventsAcceptedIn(state);
export const createRound = (roundId: string): RoundSnapshot => roundLifecycle.create({ roundId });
export const restoreRound = (persisted: PersistedRound): RoundSnapshot => roundLifecycle.restore(persisted);
export const persistRound = (snapshot: RoundSnapshot): PersistedRound => roundLifecycle.persist(snapshot);
export const decideRound = (snapshot: RoundSnapshot, event: RoundEvent): RoundDecision => roundLifecycle.decide(snapshot, event);
export const allowedRoundEvents = (snapshot: RoundSnapshot, actor: Actor, facts: RoundFactsForMachine): RoundEventType[] => roundLifecycle.allowedEvents(snapshot, actor, facts);
export const roundToMermaid = (): string => roundLifecycle.toMermaid();
export const describeRoundMachine = (): RoundMachineDescription => roundLifecycle.describe();
