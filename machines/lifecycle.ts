/**
 * One lifecycle definition for every machine: start, restore, persist, decide, the events an actor
 * may fire now, labels, the description an auditor receives and the diagram. A machine file states
 * its XState machine and its rule book; `defineLifecycle` derives the rest from the machine's own
 * transitions, so a third machine costs a machine file, never a copy of this one.
 *
 * Everything here is pure: the service persists what these functions return, and hands every fact
 * a guard reads in through the event.
 */
import { createActor, initialTransition, type AnyStateMachine, type ContextFrom, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';
import { roleViolation, type Rule, type RuleBook, type Violation } from './rules.js';
import { ROLE_LABELS, type Actor, type Label, type Role } from './vocabulary.js';

/** What is stored beside a subject's state column: enough to rebuild the snapshot exactly. */
export interface Persisted<S extends string = string, C = unknown> {
  machineId: string;
  machineVersion: number;
  state: S;
  context: C;
}

export interface TransitionSpec<S extends string = string, T extends string = string> {
  from: S;
  event: T;
  /** Same as `from` for the transitions that stay. */
  to: S;
  rule: Rule;
}

export type Decision<Snap, S extends string = string> =
  { ok: true; snapshot: Snap; from: S; to: S } | { ok: false; kind: 'illegal'; state: S } | { ok: false; kind: 'forbidden' | 'unprocessable'; state: S; violation: Violation };

/** A machine as an auditor receives it: the output of describe(), hashed into checkpoints. */
export interface MachineDescription<S extends string = string, T extends string = string> {
  id: string;
  version: number;
  initial: S;
  states: Array<{ name: S; label: Label; final: boolean; events: T[] }>;
  events: Array<{ type: T; label: Label; roles: Role[] }>;
  transitions: Array<{ from: S; event: T; to: S; roles: Role[]; authorizations: string[]; checks: string[] }>;
  roles: Array<{ name: Role; label: Label }>;
  mermaid: string;
}

type EventOf<M extends AnyStateMachine> = EventFromLogic<M> & { actor: Actor; facts: unknown };
type FactsOf<M extends AnyStateMachine> = EventOf<M>['facts'];

export interface LifecycleSpec<M extends AnyStateMachine, S extends string, T extends string> {
  machine: M;
  /** The subject kind whose life this machine is: `project`, `round`, ... */
  kind: string;
  id: string;
  version: number;
  states: readonly S[];
  events: readonly T[];
  eventLabels: Record<T, Label>;
  /** The diagram's title. */
  title: Label;
  // The rule book is typed loosely here: each machine's own file keeps the precise types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rules: RuleBook<ContextFrom<M>, any, string, string>;
  /** Builds a context persisted by an older build of the same version (fields added since get defaults). */
  reviveContext?: (context: ContextFrom<M>) => ContextFrom<M>;
}

export interface Lifecycle<M extends AnyStateMachine = AnyStateMachine, S extends string = string, T extends string = string> {
  readonly kind: string;
  readonly id: string;
  readonly version: number;
  /** `id@version`, the name a log entry and a persisted snapshot carry. */
  readonly key: string;
  readonly machine: M;
  readonly states: readonly S[];
  readonly events: readonly T[];
  readonly initial: S;
  readonly transitions: readonly TransitionSpec<S, T>[];
  readonly eventLabels: Record<T, Label>;
  readonly title: Label;
  create(input: InputFrom<M>): SnapshotFrom<M>;
  /** Rebuilds a snapshot from its persisted form; refuses a form of another machine or version. */
  restore(persisted: Persisted<string, ContextFrom<M>>): SnapshotFrom<M>;
  persist(snapshot: SnapshotFrom<M>): Persisted<S, ContextFrom<M>>;
  stateOf(snapshot: SnapshotFrom<M>): S;
  /**
   * Applies one event. The machine decides (XState's pure transition); a refusal is explained in the
   * order a caller needs: a role that may never fire this event (forbidden), an event the current
   * state does not accept (illegal), then the transition's own authorisation and conditions.
   */
  decide(snapshot: SnapshotFrom<M>, event: EventOf<M>): Decision<SnapshotFrom<M>, S>;
  /** The events this actor may fire now: legal, authorised, and passing every payload-free condition. */
  allowedEvents(snapshot: SnapshotFrom<M>, actor: Actor, facts: FactsOf<M>): T[];
  /** Every event accepted in a state, whoever fires it. */
  eventsAcceptedIn(state: S): T[];
  rolesOf(event: T): Role[];
  hasState(state: string): boolean;
  stateLabel(state: S): Label;
  isFinal(state: S): boolean;
  toMermaid(): string;
  describe(): MachineDescription<S, T>;
}

/**
 * XState's pure `transition(machine, snapshot, event)` with its actor scope built once per machine.
 *
 * `transition()` builds an inert actor scope on every call, and building it constructs an actor,
 * which eagerly computes the machine's initial snapshot: in the event hot path's profile that was
 * about 4 % of an event's CPU, spent on a snapshot nobody reads. The scope below is the one
 * `transition()` builds (no-op effects, deferrals, logging and emits), built once: the machines
 * here spawn and invoke no actors, and the actions `transition()` would hand back are discarded by
 * every caller anyway (`assign` is applied inside the transition either way). A test holds the two
 * to the same snapshots on every row of the lifecycle table (test/machines/project.machine.test.ts).
 *
 * When the event enables no transition, XState hands back the very snapshot it was given (no
 * machine here has eventless transitions), so `next !== snapshot` says whether the machine took it.
 */
export function pureTransition<M extends AnyStateMachine>(machine: M): (snapshot: SnapshotFrom<M>, event: EventFromLogic<M>) => SnapshotFrom<M> {
  const self = createActor(machine);
  const scope = {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    defer: () => {},
    logger: () => {},
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as Parameters<M['transition']>[2];
  return (snapshot, event) => machine.transition(snapshot, event, scope) as SnapshotFrom<M>;
}

function ruleOf(id: string, guard: unknown): Rule {
  const params = (guard as { params?: Rule } | undefined)?.params;
  if (!params) throw new Error(`every transition of ${id} carries a permit() guard`);
  return params;
}

export function defineLifecycle<M extends AnyStateMachine, S extends string, T extends string>(spec: LifecycleSpec<M, S, T>): Lifecycle<M, S, T> {
  const { machine, rules } = spec;
  const key = `${spec.id}@${spec.version}`;
  const applyTransition = pureTransition(machine);
  const node = (state: S) =>
    (machine.states as Record<string, { meta?: unknown; type: string; transitions: Map<string, Array<{ target?: Array<{ key: string }>; guard?: unknown }>> }>)[state]!;

  const transitions: TransitionSpec<S, T>[] = spec.states.flatMap((from) =>
    [...node(from).transitions.entries()].flatMap(([event, definitions]) =>
      definitions.map((definition) => ({
        from,
        event: event as T,
        to: (definition.target?.[0]?.key ?? from) as S,
        rule: ruleOf(key, definition.guard),
      })),
    ),
  );
  const rolesByEvent = new Map<T, Role[]>(spec.events.map((type) => [type, [...new Set(transitions.filter((t) => t.event === type).flatMap((t) => t.rule.roles))]]));
  const transitionsFrom = new Map<S, Map<T, TransitionSpec<S, T>>>(
    spec.states.map((state) => [state, new Map(transitions.filter((t) => t.from === state).map((t) => [t.event, t]))]),
  );
  const stateSet = new Set<string>(spec.states);
  const eventSet = new Set<string>(spec.events);
  const initial = machine.config.initial as S;

  const stateOf = (snapshot: SnapshotFrom<M>) => (snapshot as { value: unknown }).value as S;
  const stateLabel = (state: S) => (node(state).meta as { label: Label }).label;
  const isFinal = (state: S) => node(state).type === 'final';
  const eventsAcceptedIn = (state: S) => [...(transitionsFrom.get(state)?.keys() ?? [])];
  const rolesOf = (event: T) => rolesByEvent.get(event) ?? [];

  function toMermaid(): string {
    const lines = ['stateDiagram-v2', '  direction LR'];
    for (const state of spec.states) {
      const { zh, en } = stateLabel(state);
      lines.push(`  ${state}: ${zh}<br/>${en}`);
    }
    lines.push(`  [*] --> ${initial}`);
    for (const t of transitions) lines.push(`  ${t.from} --> ${t.to}: ${t.event} ${spec.eventLabels[t.event].zh}`);
    for (const state of spec.states) if (isFinal(state)) lines.push(`  ${state} --> [*]`);
    return lines.join('\n');
  }

  return {
    kind: spec.kind,
    id: spec.id,
    version: spec.version,
    key,
    machine,
    states: spec.states,
    events: spec.events,
    initial,
    transitions,
    eventLabels: spec.eventLabels,
    title: spec.title,
    create: (input) => initialTransition(machine, input)[0],
    restore(persisted) {
      if (persisted.machineId !== spec.id || persisted.machineVersion !== spec.version) {
        throw new Error(`snapshot of ${persisted.machineId}@${persisted.machineVersion} needs a migration to ${key}`);
      }
      const context = spec.reviveContext ? spec.reviveContext(persisted.context) : persisted.context;
      return machine.resolveState({ value: persisted.state, context }) as SnapshotFrom<M>;
    },
    persist: (snapshot) => ({
      machineId: spec.id,
      machineVersion: spec.version,
      state: stateOf(snapshot),
      context: { ...(snapshot as { context: object }).context } as ContextFrom<M>,
    }),
    stateOf,
    decide(snapshot, event) {
      const state = stateOf(snapshot);
      const { type, actor } = event as { type: string; actor: Actor };
      // An event this version does not define at all is not legal anywhere in it.
      if (!eventSet.has(type)) return { ok: false, kind: 'illegal', state };
      const roles = rolesOf(type as T);
      if (!roles.includes(actor.role)) return { ok: false, kind: 'forbidden', state, violation: roleViolation(actor, roles) };
      const transition = transitionsFrom.get(state)?.get(type as T);
      if (!transition) return { ok: false, kind: 'illegal', state };
      const next = applyTransition(snapshot, event);
      if (next !== snapshot) return { ok: true, snapshot: next, from: state, to: stateOf(next) };
      const context = (snapshot as { context: ContextFrom<M> }).context;
      const verdict = rules.judge(transition.rule, context, event);
      if (verdict.ok) throw new Error(`${key} refused ${type} in ${state} though its rule holds`);
      return { ok: false, kind: verdict.kind, state, violation: verdict.violation };
    },
    allowedEvents(snapshot, actor, facts) {
      const state = stateOf(snapshot);
      const context = (snapshot as { context: ContextFrom<M> }).context;
      const allowed: T[] = [];
      for (const transition of transitionsFrom.get(state)?.values() ?? []) {
        const probe = { type: transition.event, actor, facts };
        if (rules.authorize(transition.rule, context, probe) !== null) continue;
        const blocked = transition.rule.checks.some((name) => rules.payloadFree.has(name) && rules.checks[name]!(context, probe) !== null);
        if (!blocked) allowed.push(transition.event);
      }
      return allowed;
    },
    eventsAcceptedIn,
    rolesOf,
    hasState: (state) => stateSet.has(state),
    stateLabel,
    isFinal,
    toMermaid,
    describe: () => ({
      id: spec.id,
      version: spec.version,
      initial,
      states: spec.states.map((name) => ({ name, label: stateLabel(name), final: isFinal(name), events: eventsAcceptedIn(name) })),
      events: spec.events.map((type) => ({ type, label: spec.eventLabels[type], roles: rolesOf(type) })),
      transitions: transitions.map((t) => ({
        from: t.from,
        event: t.event,
        to: t.to,
        roles: [...t.rule.roles],
        authorizations: [...t.rule.authorizations],
        checks: [...t.rule.checks],
      })),
      roles: (Object.keys(ROLE_LABELS) as Role[]).map((name) => ({ name, label: ROLE_LABELS[name] })),
      mermaid: toMermaid(),
    }),
  };
}
