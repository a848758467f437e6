/**
 * XState's pure `transition(machine, snapshot, event)` with its actor scope built once per machine.
 *
 * `transition()` builds an inert actor scope on every call, and building it constructs an actor,
 * which eagerly computes the machine's initial snapshot: in the event hot path's profile that was
 * about 4 % of an event's CPU, spent on a snapshot nobody reads. The scope below is the one
 * `transition()` builds (no-op effects, deferrals, logging and emits), built once: the machines
 * here spawn and invoke no actors, so nothing ever registers in its system, and the actions that
 * `transition()` would hand back are discarded by every caller anyway (`assign` is applied inside
 * the transition either way). A test holds the two to the same snapshots on every row of the
 * lifecycle table (test/machines/project.machine.test.ts).
 *
 * When the event enables no transition, XState hands back the very snapshot it was given (the
 * machines here have no eventless transitions that could move it), so `next !== snapshot` says
 * whether the machine took the event, without evaluating its guards a second time as
 * `snapshot.can(event)` would.
 */
import { createActor, type AnyStateMachine, type EventFromLogic, type SnapshotFrom } from 'xstate';

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
