/**
 * A second version of the project machine, for the tests of versioned definitions: project@2 is
 * project@1 without withdrawal (no `withdrawn` state, no WITHDRAW), the kind of change that needs
 * a migration with a state mapping for subjects already withdrawn.
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

const machine = projectSetup.createMachine({ ...projectMachine.config, version: '2', states } as Parameters<typeof projectSetup.createMachine>[0]);

export const projectV2 = defineLifecycle({
  machine,
  kind: 'project',
  id: 'project',
  version: 2,
  states: STATES.filter((state) => state !== 'withdrawn'),
  events: EVENT_TYPES.filter((type) => type !== 'WITHDRAW'),
  eventLabels: EVENT_LABELS,
  title: { zh: '党建项目生命周期（第 2 版）', en: 'Party-building project lifecycle, version 2' },
  rules: projectRules,
});
