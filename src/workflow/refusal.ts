/**
 * A machine's refusal as the problem the caller receives, the same for every machine: 409 for an
 * event the state does not accept (with the events it does), 403 for an actor who may not fire it,
 * 422 for a condition that failed; each with the state, its label and the violation.
 */
import type { Decision, Lifecycle } from '../../machines/lifecycle.js';
import type { Label } from '../../machines/vocabulary.js';
import { Problem, bilingual } from '../http/problems.js';

export type Refusal = Exclude<Decision<unknown>, { ok: true }>;

/**
 * @param stateNoun how the state is named in the 409 detail, e.g. 状态 / state, 批次状态 / round state
 */
export function refuseDecision(decision: Refusal, event: string, lifecycle: Lifecycle, stateNoun: Label): never {
  const { state } = decision;
  const label = lifecycle.stateLabel(state);
  const here = { state, stateLabel: label };
  switch (decision.kind) {
    case 'illegal':
      throw new Problem('illegal-transition', `事件 ${event} 不能在${stateNoun.zh}「${label.zh}」下执行 / ${event} is not allowed in ${stateNoun.en} ${state}`, {
        ...here,
        event,
        allowedEvents: lifecycle.eventsAcceptedIn(state),
      });
    case 'forbidden':
      throw new Problem('forbidden', bilingual(decision.violation.message), { ...here, event, violation: decision.violation });
    case 'unprocessable':
      throw new Problem('guard-failed', bilingual(decision.violation.message), { ...here, event, violation: decision.violation });
  }
}
