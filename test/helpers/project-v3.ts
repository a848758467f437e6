/**
 * A further version of the project machine, for the tests of versioned definitions beside the
 * first edition: project@3 is project@1 without withdrawal (no `withdrawn` state, no WITHDRAW), the
 * kind of change that needs a migration with a state mapping for subjects already withdrawn. It is
 * numbered after the shipped project@2 so that both may be registered; the tests register it beside
 * FIRST_EDITION_LIFECYCLES, where round@1 governs it and rounds created then pin it.
 */
import { defineLifecycle } from '../../machines/lifecycle.js';
import { EVENT_LABELS, projectMachine, projectSetup } from '../../machines/project.machine.js';
import { projectRules } from '../../machines/project.rules.js';
import { EVENT_TYPES, STATES } from '../../machines/project.types.js';

type StateConfig = { on?: Record<string, unknown> } & Record<string, unknown>;

const { withdrawn: _withdrawn, ...kept } = projectMachine.config.states as Record<string, StateConfig>;
const states = Object.fromEntries(
  Object.entries(kept).map(([name, node]) => {
    const { WITHDRAW: _withdraw, ...on } = node.on ?? {};
    return [name, node.on ? { ...node, on } : node];
  }),
);

const machine = projectSetup.createMachine({ ...projectMachine.config, version: '3', states } as Parameters<typeof projectSetup.createMachine>[0]);

export const projectV3 = defineLifecycle({
  machine,
  kind: 'project',
  id: 'project',
  version: 3,
  states: STATES.filter((state) => state !== 'withdrawn'),
  events: EVENT_TYPES.filter((type) => type !== 'WITHDRAW'),
  eventLabels: EVENT_LABELS,
  title: { zh: '党建项目生命周期（第 3 版，试验）', en: 'Party-building project lifecycle, version 3 (trial)' },
  rules: projectRules,
});
