/**
 * A round state's label under whichever version of the round machine has the state: the machines'
 * own `roundStateLabel` knows round@1's states only, and round@2 adds `in_publicity` and
 * `grades_confirmed`.
 */
import { roundLifecycle, roundLifecycleV2 } from '../../machines/round.lifecycle.js';
import type { RoundState } from '../../machines/round.types.js';
import type { Label } from '../../machines/vocabulary.js';

export const roundStateLabelOf = (state: RoundState): Label => (roundLifecycle.states.includes(state) ? roundLifecycle : roundLifecycleV2).stateLabel(state);
