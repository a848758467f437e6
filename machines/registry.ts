/**
 * The machine definitions the service runs and replays, by version: `project@1`, `round@1`, ...
 * Every persisted snapshot and every log entry names the definition it ran under. A new version is
 * added beside the old ones, never in their place: both stay loadable and replayable, and a
 * subject moves to the new version only through an explicit migration.
 */
import type { Lifecycle } from './lifecycle.js';
import { projectLifecycle, projectLifecycleV2 } from './project.lifecycle.js';
import { roundLifecycle, roundLifecycleV2 } from './round.lifecycle.js';

export type AnyLifecycle = Lifecycle;

/**
 * The first edition of the rules: round@1 and project@1, what the first release ran and what the
 * 2023-style rounds stored by it keep running. On its own it stands for that release: a database
 * built with only these definitions holds rounds as the first release left them.
 */
export const FIRST_EDITION_LIFECYCLES: readonly AnyLifecycle[] = [projectLifecycle, roundLifecycle];

/**
 * The second edition of the rules (DOMAIN.md, "The round governs its projects"): round@2 with 公示
 * and the committee's confirmation of grades, and project@2 that its projects run.
 */
export const SECOND_EDITION_LIFECYCLES: readonly AnyLifecycle[] = [projectLifecycleV2, roundLifecycleV2];

/**
 * The definitions this build ships: both editions. Rounds created from now on run the newest
 * (round@2, pinning project@2); rounds already stored keep the version they were created under.
 */
export const SHIPPED_LIFECYCLES: readonly AnyLifecycle[] = [...FIRST_EDITION_LIFECYCLES, ...SECOND_EDITION_LIFECYCLES];

export class MachineRegistry {
  private readonly byKey = new Map<string, AnyLifecycle>();

  constructor(lifecycles: readonly AnyLifecycle[] = SHIPPED_LIFECYCLES) {
    for (const lifecycle of lifecycles) this.register(lifecycle);
  }

  register(lifecycle: AnyLifecycle): void {
    if (this.byKey.has(lifecycle.key)) throw new Error(`machine ${lifecycle.key} is registered twice`);
    const sameId = this.all().find((other) => other.id === lifecycle.id);
    if (sameId && sameId.kind !== lifecycle.kind) throw new Error(`machine ${lifecycle.key} is of kind ${lifecycle.kind}, ${sameId.key} of ${sameId.kind}`);
    this.byKey.set(lifecycle.key, lifecycle);
  }

  get(id: string, version: number): AnyLifecycle | undefined {
    return this.byKey.get(`${id}@${version}`);
  }

  /** The definition a persisted subject names; a subject of an unknown definition is a fault of the deployment. */
  require(id: string, version: number): AnyLifecycle {
    const lifecycle = this.get(id, version);
    if (!lifecycle) throw new Error(`no machine definition ${id}@${version} is registered`);
    return lifecycle;
  }

  /** The newest version of a machine: what subjects created from now on run under. */
  latest(id: string): AnyLifecycle {
    const versions = this.versions(id);
    const newest = versions[versions.length - 1];
    if (!newest) throw new Error(`no machine ${id} is registered`);
    return newest;
  }

  versions(id: string): AnyLifecycle[] {
    return this.all().filter((lifecycle) => lifecycle.id === id);
  }

  all(): AnyLifecycle[] {
    return [...this.byKey.values()].sort((a, b) => (a.id === b.id ? a.version - b.version : a.id < b.id ? -1 : 1));
  }
}
