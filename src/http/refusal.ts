/**
 * A machine's refusal as the problem the caller receives, the same for every machine: 409 for an
 * event the state does not accept (with the events it does), 403 for an actor who may not fire it,
 * 422 for a condition that failed; each with the state, its label and the violation.
 */
import type { Violation } from '../../machines/project.rules.js';
import type { Label } from '../../machines/project.types.js';
import { Problem, bilingual } from './problems.js';

export type Refusal<S extends string> =
  | { ok: false; kind: 'illegal'; state: S }
  | { ok: false; kind: 'forbidden' | 'unprocessable'; state: S; violation: Violation };

export interface MachineTerms<S extends string> {
  stateLabel(state: S): Label;
  eventsAcceptedIn(state: S): string[];
  /** How the state is named in the 409 detail, e.g. 状态 / state, 批次状态 / round state. */
  stateNoun: Label;
}

export function refuseDecision<S extends string>(decision: Refusal<S>, event: string, terms: MachineTerms<S>): never {
  const { state } = decision;
  const label = terms.stateLabel(state);
  const here = { state, stateLabel: label };
  switch (decision.kind) {
    case 'illegal':
      throw new Problem(
        'illegal-transition',
        `事件 ${event} 不能在${terms.stateNoun.zh}「${label.zh}」下执行 / ${event} is not allowed in ${terms.stateNoun.en} ${state}`,
        { ...here, event, allowedEvents: terms.eventsAcceptedIn(state) },
      );
    case 'forbidden':
      throw new Problem('forbidden', bilingual(decision.violation.message), { ...here, event, violation: decision.violation });
    case 'unprocessable':
      throw new Problem('guard-failed', bilingual(decision.violation.message), { ...here, event, violation: decision.violation });
  }
}
