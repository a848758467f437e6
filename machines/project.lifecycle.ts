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
import { PROJECT_MACHINE_V2_VERSION, projectMachineV2 } from './project.machine.v2.js';
import { projectRules, type Rule } from './project.rules.js';
import {
  EVENT_TYPES,
  PROJECT_1_EVENT_TYPES,
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
  events: PROJECT_1_EVENT_TYPES,
  eventLabels: EVENT_LABELS,
  title: { zh: '党建项目生命周期', en: 'Party-building project lifecycle' },
  rules: projectRules,
});

/** project@2 (./project.machine.v2.ts): the projects of round@2, with 公示, the acceptance review and the recommendation's outcome. */
export const projectLifecycleV2 = defineLifecycle({
  machine: projectMachineV2,
  kind: 'project',
  id: PROJECT_MACHINE_ID,
  version: PROJECT_MACHINE_V2_VERSION,
  states: STATES,
  events: EVENT_TYPES,
  eventLabels: EVENT_LABELS,
  title: { zh: '党建项目生命周期（第 2 版：公示、结项评审）', en: 'Party-building project lifecycle, version 2 (publicity, acceptance review)' },
  rules: projectRules,
  // Contexts persisted by project@1 and migrated: the fields project@2 added, with their defaults.
  reviveContext: (context: ProjectContext) => ({
    ...context,
    rejectedBy: context.rejectedBy ?? null,
    acceptanceReviewSubmissions: context.acceptanceReviewSubmissions ?? 0,
    proposal: context.proposal ?? null,
    recommendationOutcome: context.recommendationOutcome ?? null,
  }),
});

export type ProjectSnapshot = SnapshotFrom<typeof projectMachine>;
export type PersistedProject = Persisted<ProjectState, ProjectContext>;
export type TransitionSpec = GenericTransitionSpec<ProjectState, EventType> & { rule: Rule };
export type Decision = GenericDecision<ProjectSnapshot, ProjectState>;
export type MachineDescription = GenericDescription<ProjectState, EventType>;

/** Every transition of the machine, read from the machine definition itself. */
export const TRANSITIONS = projectLifecycle.transitions as readonly TransitionSpec[];
export const TRANSITIONS_V2 = projectLifecycleV2.transitions as readonly TransitionSpec[];

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
