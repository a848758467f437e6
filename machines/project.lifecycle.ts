/**
 * The project machine as a lifecycle (./lifecycle.ts): `project@1`. The named functions below are
 * the project's view of the generic definition, typed with the project's states and events.
 */
import type { SnapshotFrom } from 'xstate';
import {
  defineLifecycle,
  type Decision as GenericDecision,
  type MachineDescription as GenericDescription,
  type Persisted,
  type TransitionSpec as GenericTransitionSpec,
} from './lifecycle.js';
import { EVENT_LABELS, PROJECT_MACHINE_ID, PROJECT_MACHINE_VERSION, projectMachine } from './project.machine.js';
import { projectRules, type Rule } from './project.rules.js';
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
} from './project.types.js';

export const projectLifecycle = defineLifecycle({
  machine: projectMachine,
  kind: 'project',
  id: PROJECT_MACHINE_ID,
  version: PROJECT_MACHINE_VERSION,
  states: STATES,
  events: EVENT_TYPES,
  eventLabels: EVENT_LABELS,
  title: { zh: '党建项目生命周期', en: 'Party-building project lifecycle' },
  rules: projectRules,
});

export type ProjectSnapshot = SnapshotFrom<typeof projectMachine>;
export type PersistedProject = Persisted<ProjectState, ProjectContext>;
export type TransitionSpec = GenericTransitionSpec<ProjectState, EventType> & { rule: Rule };
export type Decision = GenericDecision<ProjectSnapshot, ProjectState>;
export type MachineDescription = GenericDescription<ProjectState, EventType>;

/** Every transition of the machine, read from the machine definition itself. */
export const TRANSITIONS = projectLifecycle.transitions as readonly TransitionSpec[];

export const stateOf = (snapshot: ProjectSnapshot): ProjectState => projectLifecycle.stateOf(snapshot);
export const createProject = (input: ProjectInput): ProjectSnapshot => projectLifecycle.create(input);
export const restoreProject = (persisted: PersistedProject): ProjectSnapshot => projectLifecycle.restore(persisted);
export const persistProject = (snapshot: ProjectSnapshot): PersistedProject => projectLifecycle.persist(snapshot);
export const decide = (snapshot: ProjectSnapshot, event: ProjectEvent): Decision => projectLifecycle.decide(snapshot, event);
export const allowedEvents = (snapshot: ProjectSnapshot, actor: Actor, facts: Facts): EventType[] => projectLifecycle.allowedEvents(snapshot, actor, facts);
export const eventsAcceptedIn = (state: ProjectState): EventType[] => projectLifecycle.eventsAcceptedIn(state);
export const stateLabel = (state: ProjectState): Label => projectLifecycle.stateLabel(state);
export const isFinal = (state: ProjectState): boolean => projectLifecycle.isFinal(state);
export const toMermaid = (): string => projectLifecycle.toMermaid();
export const describeMachine = (): MachineDescription => projectLifecycle.describe();
