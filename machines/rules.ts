/**
 * The grammar of every machine's guards. A transition carries a rule: the roles that may fire it,
 * the authorisations the actor must pass (403 when not) and the named business conditions (422 when
 * not). Each check returns null when it holds, or a violation saying why not; the guard is the
 * same function as the explanation, so a decision and its explanation can never disagree.
 */
import type { Actor, Label, Role } from './vocabulary.js';

export interface Violation {
  /** Stable, machine-readable name of the failed condition. */
  code: string;
  message: Label;
  /** Extra detail, e.g. the missing letter fields. */
  detail?: Record<string, unknown>;
}

export type CheckFn<C, E> = (context: C, event: E) => Violation | null;

/** Who may take a transition and under which conditions: the "who" and "guard" columns of a table. */
export interface Rule<A extends string = string, K extends string = string> {
  roles: readonly Role[];
  authorizations: readonly A[];
  checks: readonly K[];
}

export type Verdict = { ok: true } | { ok: false; kind: 'forbidden' | 'unprocessable'; violation: Violation };

export function roleViolation(actor: Actor, roles: readonly Role[]): Violation {
  return {
    code: 'role_not_allowed',
    message: { zh: `角色 ${actor.role} 无权执行此操作`, en: `Role ${actor.role} may not do this` },
    detail: { role: actor.role, allowedRoles: roles },
  };
}

/** A machine's named authorisations and conditions, and the judge that applies a rule with them. */
export interface RuleBook<C, E extends { actor: Actor }, A extends string, K extends string> {
  authorizations: Record<A, CheckFn<C, E>>;
  checks: Record<K, CheckFn<C, E>>;
  /** Conditions that read only the subject and the facts, never the payload: they decide `allowedEvents` too. */
  payloadFree: ReadonlySet<K>;
  /** Authorisation only: may this actor take the transition, payload aside? */
  authorize(rule: Rule<A, K>, context: C, event: E): Violation | null;
  /** The whole rule: authorisation first, then the business conditions in their written order. */
  judge(rule: Rule<A, K>, context: C, event: E): Verdict;
}

export function ruleBook<C, E extends { actor: Actor }, A extends string, K extends string>(
  authorizations: Record<A, CheckFn<C, E>>,
  checks: Record<K, CheckFn<C, E>>,
  payloadFree: readonly K[],
): RuleBook<C, E, A, K> {
  const authorize = (rule: Rule<A, K>, context: C, event: E): Violation | null => {
    if (!rule.roles.includes(event.actor.role)) return roleViolation(event.actor, rule.roles);
    for (const name of rule.authorizations) {
      const violation = authorizations[name](context, event);
      if (violation) return violation;
    }
    return null;
  };
  return {
    authorizations,
    checks,
    payloadFree: new Set(payloadFree),
    authorize,
    judge: (rule, context, event) => {
      const forbidden = authorize(rule, context, event);
      if (forbidden) return { ok: false, kind: 'forbidden', violation: forbidden };
      for (const name of rule.checks) {
        const violation = checks[name](context, event);
        if (violation) return { ok: false, kind: 'unprocessable', violation };
      }
      return { ok: true };
    },
  };
}

/** A transition's guard: the roles that may fire it, their authorisations and the business checks. */
export function permit<A extends string, K extends string>(
  roles: Role | readonly Role[],
  options: { authorizations?: readonly A[]; checks?: readonly K[] } = {},
): { type: 'permitted'; params: Rule<A, K> } {
  return {
    type: 'permitted',
    params: {
      roles: typeof roles === 'string' ? [roles] : roles,
      authorizations: options.authorizations ?? [],
      checks: options.checks ?? [],
    },
  };
}

const blank = (value: unknown): boolean => typeof value !== 'string' || value.trim().length === 0;
export { blank };

/** A condition that a text field of the event is given and not blank (`<field>_required`). */
export function requireText<C, E>(field: string, zh: string): CheckFn<C, E> {
  return (_context, event) => {
    const value = (event as Record<string, unknown>)[field];
    return blank(value) ? { code: `${field}_required`, message: { zh: `${zh}不能为空`, en: `${field} is required` }, detail: { field } } : null;
  };
}
