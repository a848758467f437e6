/**
 * Pure functions over the project machine: start, restore, decide, describe. The service persists
 * what these return; nothing here keeps an actor alive or touches the outside world.
 */
import { initialTransition, type SnapshotFrom } from 'xstate';
import { pureTransition } from './pure-transition.js';
import {
  EVENT_LABELS,
  PROJECT_MACHINE_ID,
  PROJECT_MACHINE_VERSION,
  ROLE_LABELS,
  projectMachine,
} from './project.machine.js';
import { PAYLOAD_FREE_CHECKS, authorize, checks, judge, roleViolation, type Rule, type Violation } from './project.rules.js';
import {
  EVENT_TYPES,
  STATES,
  type Actor,
  type EventType,
  type Facts,
  type Label,
  type ProjectContext,
  type ProjectEvent,
  type ProjectInput,
  type ProjectState,
  type Role,
} from './project.types.js';

/** XState's pure transition() of the project machine (./pure-transition.ts). */
const applyTransition = pureTransition(projectMachine);

export type ProjectSnapshot = SnapshotFrom<typeof projectMachine>;

/** What is stored beside the state column: enough to rebuild the snapshot exactly. */
export interface PersistedProject {
  machineId: string;
  machineVersion: number;
  state: ProjectState;
  context: ProjectContext;
}

export interface TransitionSpec {
  from: ProjectState;
  event: EventType;
  /** Same as `from` for the transitions that stay (SUBMIT_REVIEW, SUBMIT_PROGRESS_REPORT, RECOMMEND). */
  to: ProjectState;
  rule: Rule;
}

function ruleOf(guard: unknown): Rule {
  const params = (guard as { params?: Rule } | undefined)?.params;
  if (!params) throw new Error('every project transition carries a permit() guard');
  return params;
}

/** Every transition of the machine, read from the machine definition itself. */
export const TRANSITIONS: readonly TransitionSpec[] = STATES.flatMap((from) => {
  const node = projectMachine.states[from]!;
  return [...node.transitions.entries()].flatMap(([event, definitions]) =>
    definitions.map((definition) => ({
      from,
      event: event as EventType,
      to: (definition.target?.[0]?.key ?? from) as ProjectState,
      rule: ruleOf(definition.guard),
    })),
  );
});

const rolesByEvent = new Map<EventType, Set<Role>>(
  EVENT_TYPES.map((type) => [type, new Set(TRANSITIONS.filter((t) => t.event === type).flatMap((t) => t.rule.roles))]),
);

const transitionsFrom = new Map<ProjectState, Map<EventType, TransitionSpec>>(
  STATES.map((state) => [state, new Map(TRANSITIONS.filter((t) => t.from === state).map((t) => [t.event, t]))]),
);

export function stateOf(snapshot: ProjectSnapshot): ProjectState {
  return snapshot.value as ProjectState;
}

export function createProject(input: ProjectInput): ProjectSnapshot {
  return initialTransition(projectMachine, input)[0];
}

/** Rebuilds a snapshot from its persisted form; refuses a form of another machine or version. */
export function restoreProject(persisted: PersistedProject): ProjectSnapshot {
  if (persisted.machineId !== PROJECT_MACHINE_ID || persisted.machineVersion !== PROJECT_MACHINE_VERSION) {
    throw new Error(
      `snapshot of ${persisted.machineId}@${persisted.machineVersion} needs a migration to ${PROJECT_MACHINE_ID}@${PROJECT_MACHINE_VERSION}`,
    );
  }
  return projectMachine.resolveState({ value: persisted.state, context: persisted.context });
}

export function persistProject(snapshot: ProjectSnapshot): PersistedProject {
  return {
    machineId: PROJECT_MACHINE_ID,
    machineVersion: PROJECT_MACHINE_VERSION,
    state: stateOf(snapshot),
    context: { ...snapshot.context },
  };
}

export type Decision =
  | { ok: true; snapshot: ProjectSnapshot; from: ProjectState; to: ProjectState }
  | { ok: false; kind: 'forbidden'; state: ProjectState; violation: Violation }
  | { ok: false; kind: 'illegal'; state: ProjectState }
  | { ok: false; kind: 'unprocessable'; state: ProjectState; violation: Violation };

/**
 * Applies one event. The machine decides (XState's `transition()`); a refusal is explained in the
 * order a caller needs: a role that may never fire this event (forbidden), an event the current
 * state does not accept (illegal), then the transition's own authorisation and conditions.
 */
export function decide(snapshot: ProjectSnapshot, event: ProjectEvent): Decision {
  const state = stateOf(snapshot);
  const roles = rolesByEvent.get(event.type);
  if (!roles?.has(event.actor.role)) {
    return { ok: false, kind: 'forbidden', state, violation: roleViolation(event.actor, [...(roles ?? [])]) };
  }
  const spec = transitionsFrom.get(state)?.get(event.type);
  if (!spec) return { ok: false, kind: 'illegal', state };
  const next = applyTransition(snapshot, event);
  if (next !== snapshot) return { ok: true, snapshot: next, from: state, to: stateOf(next) };
  const verdict = judge(spec.rule, snapshot.context, event);
  if (verdict.ok) throw new Error(`machine refused ${event.type} in ${state} though its rule holds`);
  return { ok: false, kind: verdict.kind, state, violation: verdict.violation };
}

/**
 * The events this actor may fire now: legal in this state, authorised, and passing every condition
 * that does not depend on the payload (a complete letter, the deadline, the reviews, ...).
 */
export function allowedEvents(snapshot: ProjectSnapshot, actor: Actor, facts: Facts): EventType[] {
  const state = stateOf(snapshot);
  const allowed: EventType[] = [];
  for (const spec of transitionsFrom.get(state)?.values() ?? []) {
    const probe = { type: spec.event, actor, facts } as ProjectEvent;
    if (authorize(spec.rule, snapshot.context, probe) !== null) continue;
    const blocked = spec.rule.checks.some((name) => PAYLOAD_FREE_CHECKS.has(name) && checks[name](snapshot.context, probe) !== null);
    if (!blocked) allowed.push(spec.event);
  }
  return allowed;
}

/** Every event accepted in a state, whoever fires it. */
export function eventsAcceptedIn(state: ProjectState): EventType[] {
  return [...(transitionsFrom.get(state)?.keys() ?? [])];
}

export function stateLabel(state: ProjectState): Label {
  return (projectMachine.states[state]!.meta as { label: Label }).label;
}

export function isFinal(state: ProjectState): boolean {
  return projectMachine.states[state]!.type === 'final';
}

/** A Mermaid state diagram generated from the machine, labels in Chinese and English. */
export function toMermaid(): string {
  const lines = ['stateDiagram-v2', '  direction LR'];
  for (const state of STATES) {
    const { zh, en } = stateLabel(state);
    lines.push(`  ${state}: ${zh}<br/>${en}`);
  }
  lines.push('  [*] --> draft');
  for (const t of TRANSITIONS) {
    lines.push(`  ${t.from} --> ${t.to}: ${t.event} ${EVENT_LABELS[t.event].zh}`);
  }
  for (const state of STATES) if (isFinal(state)) lines.push(`  ${state} --> [*]`);
  return lines.join('\n');
}

export interface MachineDescription {
  id: string;
  version: number;
  initial: ProjectState;
  states: Array<{ name: ProjectState; label: Label; final: boolean; events: EventType[] }>;
  events: Array<{ type: EventType; label: Label; roles: Role[] }>;
  transitions: Array<{
    from: ProjectState;
    event: EventType;
    to: ProjectState;
    roles: Role[];
    authorizations: string[];
    checks: string[];
  }>;
  roles: Array<{ name: Role; label: Label }>;
  mermaid: string;
}

export function describeMachine(): MachineDescription {
  return {
    id: PROJECT_MACHINE_ID,
    version: PROJECT_MACHINE_VERSION,
    initial: 'draft',
    states: STATES.map((name) => ({ name, label: stateLabel(name), final: isFinal(name), events: eventsAcceptedIn(name) })),
    events: EVENT_TYPES.map((type) => ({ type, label: EVENT_LABELS[type], roles: [...(rolesByEvent.get(type) ?? [])] })),
    transitions: TRANSITIONS.map((t) => ({
      from: t.from,
      event: t.event,
      to: t.to,
      roles: [...t.rule.roles],
      authorizations: [...t.rule.authorizations],
      checks: [...t.rule.checks],
    })),
    roles: (Object.keys(ROLE_LABELS) as Role[]).map((name) => ({ name, label: ROLE_LABELS[name] })),
    mermaid: toMermaid(),
  };
}
