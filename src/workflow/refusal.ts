/**
 * A machine's refusal as the problem the caller receives, the same for every machine: 409 for an
 * event the state does not accept (with the events it does), 403 for an actor who may not fire it,
 * 422 for a condition that failed; each with the state, its label and the violation.
 */
import type { Decision, Lifecycle } from '../../machines/lifecycle.js';
import { gateRefusalDetail, type GateRefusal } from '../../machines/round.gates.js';
import { roundStateLabel } from '../../machines/round.lifecycle.js';
import { ROUND_EVENT_LABELS } from '../../machines/round.machine.js';
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

/**
 * A closed gate of the round as the caller's 409 `round-gate-closed`: the project's state, the
 * round's state, the gate and what would open it (the round event, who fires it, from which day),
 * the code of the refusal, and the events the project may take in the round's stage now.
 */
export function refuseGate(refusal: GateRefusal, lifecycle: Lifecycle, allowedEvents: string[]): never {
  const { gate } = refusal;
  const opensWith = gate.opensWith ? { ...gate.opensWith, label: ROUND_EVENT_LABELS[gate.opensWith.event] } : null;
  throw new Problem('round-gate-closed', gateRefusalDetail(refusal), {
    state: refusal.from,
    stateLabel: lifecycle.stateLabel(refusal.from),
    event: refusal.event,
    code: refusal.code,
    roundId: refusal.roundId,
    roundState: refusal.roundState,
    roundStateLabel: roundStateLabel(refusal.roundState),
    gate: {
      name: gate.name,
      label: gate.label,
      openIn: gate.openIn,
      opensWith,
      ...(gate.onlyVia ? { onlyVia: gate.onlyVia } : {}),
      ...(refusal.opensOn ? { opensOn: refusal.opensOn } : {}),
    },
    passed: refusal.passed,
    ...(refusal.condition ? { condition: refusal.condition } : {}),
    allowedEvents,
  });
}
