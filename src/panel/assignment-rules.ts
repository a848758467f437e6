/**
 * The rules of one reviewer assignment, shared by the single assignment of a project, the bulk
 * assignment of a round and the replacement of a reviewer: the project still assignable, an
 * active reviewer, an active member of the round's review panel, no conflict of interest (by the
 * round's scope), not assigned twice. Each refusal has a stable code and a bilingual explanation.
 */
import { stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectState } from '../../machines/project.types.js';
import { Problem } from '../http/problems.js';
import type { NamedUnit } from './conflict.js';
import type { PanelRepository } from './panel.repository.js';

/** States in which the panel may still change. */
export const ASSIGNABLE_STATES: readonly string[] = ['submitted', 'preliminarily_checked'];

const COI_DETAIL = {
  family: '评审人不得来自项目所在单位、其上下级单位或同一党总支（机关党委）下的单位 / Reviewer belongs to the project unit, a unit above or below it, or its family',
  line: '评审人不得来自项目所在单位或其上下级单位 / Reviewer belongs to the project unit or a unit above or below it',
} as const;

export interface PairRefusal {
  code: 'wrong_state' | 'not_a_reviewer' | 'not_on_panel' | 'conflict_of_interest' | 'already_assigned';
  detail: string;
  /** For conflict_of_interest: the reviewer's unit, which lies in the project's line or family. */
  conflictingUnitId?: string;
}

/** What the rules need to know of the round's review panel. */
export interface PanelContext {
  /** The active members of the round's review panel. */
  members: ReadonlySet<string>;
  scope: 'family' | 'line';
  /** The units barred for a project's unit, under the round's scope. */
  conflicting: (unitId: string) => string[];
}

/** The round's review panel, or a 409 when it is not named or has no active member. */
export function reviewPanelOf(panel: Pick<PanelRepository, 'panel' | 'activeMemberIds'>, roundId: string): ReadonlySet<string> {
  if (!panel.panel(roundId, 'review')) {
    throw new Problem('conflict', '本批次尚未组建评审组 / The round has no review panel yet: name it first (PUT /rounds/{id}/panels/review)', {
      code: 'panel_not_named',
    });
  }
  const members = panel.activeMemberIds(roundId, 'review');
  if (members.size === 0) {
    throw new Problem('conflict', '评审组没有在任成员 / The round’s review panel has no active member', { code: 'panel_empty' });
  }
  return members;
}

/** Why this reviewer may not be assigned to this project now, or null when it may. */
export function pairRefusal(
  panel: Pick<PanelRepository, 'reviewer' | 'isAssigned'>,
  context: PanelContext,
  project: { id: string; unitId: string; state: string },
  reviewerId: string,
): PairRefusal | null {
  if (!ASSIGNABLE_STATES.includes(project.state)) {
    const label = stateLabel(project.state as ProjectState);
    return {
      code: 'wrong_state',
      detail: `项目处于「${label.zh}」，不能分配评审 / The project is ${label.en}; reviewers are assigned while submitted or preliminarily checked`,
    };
  }
  const reviewer = panel.reviewer(reviewerId);
  if (!reviewer || reviewer.role !== 'reviewer' || !reviewer.active) {
    return { code: 'not_a_reviewer', detail: `不是有效的评审组成员 / ${reviewerId} is not an active reviewer` };
  }
  if (!context.members.has(reviewerId)) {
    return { code: 'not_on_panel', detail: `不是本批次评审组的在任成员 / ${reviewerId} is not an active member of the round’s review panel` };
  }
  if (reviewer.unitId !== null && context.conflicting(project.unitId).includes(reviewer.unitId)) {
    return { code: 'conflict_of_interest', detail: COI_DETAIL[context.scope], conflictingUnitId: reviewer.unitId };
  }
  return panel.isAssigned(project.id, reviewerId) ? { code: 'already_assigned', detail: '该评审人已分配 / Reviewer already assigned' } : null;
}

/** A refused single assignment as its problem: 409 for the state or a second assignment, 422 for the reviewer (a conflict names the unit). */
export function refusalProblem(refusal: PairRefusal, projectState: string, field: string, named: (ids: string[]) => NamedUnit[]): Problem {
  switch (refusal.code) {
    case 'wrong_state':
      return new Problem('conflict', refusal.detail, { state: projectState, code: refusal.code });
    case 'already_assigned':
      return new Problem('conflict', refusal.detail, { code: refusal.code });
    case 'conflict_of_interest':
      return new Problem('unprocessable', refusal.detail, { field, code: refusal.code, conflictingUnits: named([refusal.conflictingUnitId!]) });
    default:
      return new Problem('unprocessable', refusal.detail, { field, code: refusal.code });
  }
}

/** The round's acceptance panel (结项评审组), or a 409 when it is not named or has no active member. */
export function acceptancePanelOf(panel: Pick<PanelRepository, 'panel' | 'activeMemberIds'>, roundId: string): ReadonlySet<string> {
  if (!panel.panel(roundId, 'acceptance')) {
    throw new Problem('conflict', '本批次尚未组建结项评审组 / The round has no acceptance panel yet: name it first (PUT /rounds/{id}/panels/acceptance)', {
      code: 'panel_not_named',
    });
  }
  const members = panel.activeMemberIds(roundId, 'acceptance');
  if (members.size === 0) {
    throw new Problem('conflict', '结项评审组没有在任成员 / The round’s acceptance panel has no active member', { code: 'panel_empty' });
  }
  return members;
}

/**
 * Why this member of the acceptance panel may not be assigned to this project's final report now,
 * or null: the project under final acceptance, an active reviewer, an active member of the round's
 * acceptance panel, no conflict of interest (the round's scope, as for the review panel), not
 * assigned twice.
 */
export function acceptancePairRefusal(
  panel: Pick<PanelRepository, 'reviewer'>,
  context: PanelContext,
  project: { id: string; unitId: string; state: string },
  reviewerId: string,
  isAssigned: (projectId: string, reviewerId: string) => boolean,
): PairRefusal | null {
  if (project.state !== 'final_acceptance') {
    const label = stateLabel(project.state as ProjectState);
    return {
      code: 'wrong_state',
      detail: `项目处于「${label.zh}」，只有结项验收中的项目可以分配结项评审 / The project is ${label.en}; acceptance reviewers are assigned while it is under final acceptance`,
    };
  }
  const reviewer = panel.reviewer(reviewerId);
  if (!reviewer || reviewer.role !== 'reviewer' || !reviewer.active) {
    return { code: 'not_a_reviewer', detail: `不是有效的评审人 / ${reviewerId} is not an active reviewer` };
  }
  if (!context.members.has(reviewerId)) {
    return { code: 'not_on_panel', detail: `不是本批次结项评审组的在任成员 / ${reviewerId} is not an active member of the round’s acceptance panel` };
  }
  if (reviewer.unitId !== null && context.conflicting(project.unitId).includes(reviewer.unitId)) {
    return { code: 'conflict_of_interest', detail: COI_DETAIL[context.scope], conflictingUnitId: reviewer.unitId };
  }
  return isAssigned(project.id, reviewerId) ? { code: 'already_assigned', detail: '该结项评审人已分配 / Acceptance reviewer already assigned' } : null;
}
