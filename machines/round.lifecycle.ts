/**
 * Pure functions over the round machine: start, restore, decide, describe; the same shapes as the
 * project machine's, so the audit replays both the same way.
 */
import { initialTransition, type SnapshotFrom } from 'xstate';
import { pureTransition } from './pure-transition.js';
import { ROLE_LABELS } from './project.machine.js';
import { roleViolation, type Violation } from './project.rules.js';
import type { Actor, Label, Role } from './project.types.js';
import {
  ROUND_EVENT_LABELS,
  ROUND_MACHINE_ID,
  ROUND_MACHINE_VERSION,
  judgeRound,
  roundMachine,
  type RoundRule,
} from './round.machine.js';
import {
  ROUND_EVENT_TYPES,
  ROUND_STATES,
  type RoundContext,
  type RoundEvent,
  type RoundEventType,
  type RoundFactsForMachine,
  type RoundState,
} from './round.types.js';

/** XState's pure transition() of the round machine (./pure-transition.ts). */
const applyTransition = pureTransition(roundMachine);

export type RoundSnapshot = SnapshotFrom<typeof roundMachine>;

export interface PersistedRound {
  machineId: string;
  machineVersion: number;
  state: RoundState;
  context: RoundContext;
}

export interface RoundTransitionSpec {
  from: RoundState;
  event: RoundEventType;
  to: RoundState;
  rule: RoundRule;
}

export const ROUND_TRANSITIONS: readonly RoundTransitionSpec[] = ROUND_STATES.flatMap((from) => {
  const node = roundMachine.states[from]!;
  return [...node.transitions.entries()].flatMap(([event, definitions]) =>
    definitions.map((definition) => {
      const rule = (definition.guard as { params?: RoundRule } | undefined)?.params;
      if (!rule) throw new Error('every round transition carries a permit() guard');
      return { from, event: event as RoundEventType, to: (definition.target?.[0]?.key ?? from) as RoundState, rule };
    }),
  );
});

const rolesByEvent = new Map<RoundEventType, Role[]>(
  ROUND_EVENT_TYPES.map((type) => [type, [...new Set(ROUND_TRANSITIONS.filter((t) => t.event === type).flatMap((t) => t.rule.roles))]]),
);

export function roundStateLabel(state: RoundState): Label {
  return (roundMachine.states[state]!.meta as { label: Label }).label;
}

export function roundEventsAcceptedIn(state: RoundState): RoundEventType[] {
  return ROUND_TRANSITIONS.filter((t) => t.from === state).map((t) => t.event);
}

export function createRound(roundId: string): RoundSnapshot {
  return initialTransition(roundMachine, { roundId })[0];
}

export function restoreRound(persisted: PersistedRound): RoundSnapshot {
  if (persisted.machineId !== ROUND_MACHINE_ID || persisted.machineVersion !== ROUND_MACHINE_VERSION) {
    throw new Error(`snapshot of ${persisted.machineId}@${persisted.machineVersion} needs a migration to ${ROUND_MACHINE_ID}@${ROUND_MACHINE_VERSION}`);
  }
  const context: RoundContext = { roundId: persisted.context.roundId ?? '', publication: persisted.context.publication ?? null };
  return roundMachine.resolveState({ value: persisted.state, context });
}

export function persistRound(snapshot: RoundSnapshot): PersistedRound {
  return { machineId: ROUND_MACHINE_ID, machineVersion: ROUND_MACHINE_VERSION, state: snapshot.value as RoundState, context: { ...snapshot.context } };
}

export type RoundDecision =
  | { ok: true; snapshot: RoundSnapshot; from: RoundState; to: RoundState }
  | { ok: false; kind: 'illegal'; state: RoundState }
  | { ok: false; kind: 'forbidden' | 'unprocessable'; state: RoundState; violation: Violation };

/** Applies one event, explaining a refusal as the project machine does: role, legality, conditions. */
export function decideRound(snapshot: RoundSnapshot, event: RoundEvent): RoundDecision {
  const state = snapshot.value as RoundState;
  const roles = rolesByEvent.get(event.type) ?? [];
  if (!roles.includes(event.actor.role)) return { ok: false, kind: 'forbidden', state, violation: roleViolation(event.actor, roles) };
  const spec = ROUND_TRANSITIONS.find((t) => t.from === state && t.event === event.type);
  if (!spec) return { ok: false, kind: 'illegal', state };
  const next = applyTransition(snapshot, event);
  if (next !== snapshot) return { ok: true, snapshot: next, from: state, to: next.value as RoundState };
  const verdict = judgeRound(spec.rule, event);
  if (verdict.ok) throw new Error(`round machine refused ${event.type} in ${state} though its rule holds`);
  return { ok: false, kind: verdict.kind, state, violation: verdict.violation };
}

/** The events this actor may fire now, the payload aside (PUBLISH_LIST needs its document). */
export function allowedRoundEvents(snapshot: RoundSnapshot, actor: Actor, facts: RoundFactsForMachine): RoundEventType[] {
  const state = snapshot.value as RoundState;
  return ROUND_TRANSITIONS.filter((t) => t.from === state && t.rule.roles.includes(actor.role))
    .filter((t) => {
      const probe = { type: t.event, actor, facts, documentNumber: 'x', publishedOn: '2000-01-01' } as RoundEvent;
      return judgeRound(t.rule, probe).ok;
    })
    .map((t) => t.event);
}

export function roundToMermaid(): string {
  const lines = ['stateDiagram-v2', '  direction LR'];
  for (const state of ROUND_STATES) {
    const { zh, en } = roundStateLabel(state);
    lines.push(`  ${state}: ${zh}<br/>${en}`);
  }
  lines.push('  [*] --> open');
  for (const t of ROUND_TRANSITIONS) lines.push(`  ${t.from} --> ${t.to}: ${t.event} ${ROUND_EVENT_LABELS[t.event].zh}`);
  lines.push('  closed --> [*]');
  return lines.join('\n');
}

export interface RoundMachineDescription {
  id: string;
  version: number;
  initial: RoundState;
  states: Array<{ name: RoundState; label: Label; final: boolean; events: RoundEventType[] }>;
  events: Array<{ type: RoundEventType; label: Label; roles: Role[] }>;
  transitions: Array<{ from: RoundState; event: RoundEventType; to: RoundState; roles: Role[]; authorizations: string[]; checks: string[] }>;
  roles: Array<{ name: Role; label: Label }>;
  mermaid: string;
}

export function describeRoundMachine(): RoundMachineDescription {
  return {
    id: ROUND_MACHINE_ID,
    version: ROUND_MACHINE_VERSION,
    initial: 'open',
    states: ROUND_STATES.map((name) => ({
      name,
      label: roundStateLabel(name),
      final: roundMachine.states[name]!.type === 'final',
      events: roundEventsAcceptedIn(name),
    })),
    events: ROUND_EVENT_TYPES.map((type) => ({ type, label: ROUND_EVENT_LABELS[type], roles: rolesByEvent.get(type) ?? [] })),
    transitions: ROUND_TRANSITIONS.map((t) => ({ from: t.from, event: t.event, to: t.to, roles: [...t.rule.roles], authorizations: [], checks: [...t.rule.checks] })),
    roles: (Object.keys(ROLE_LABELS) as Role[]).map((name) => ({ name, label: ROLE_LABELS[name] })),
    mermaid: roundToMermaid(),
  };
}
