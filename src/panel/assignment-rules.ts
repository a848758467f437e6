/**
 * The rules of one reviewer assignment, shared by the single assignment of a project and the bulk
 * assignment of a round: the project still assignable, an active reviewer, no conflict of
 * interest, not assigned twice. Each refusal has a stable code and a bilingual explanation.
 */
import { stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectState } from '../../machines/project.types.js';
import type { PanelRepository } from './panel.repository.js';

/** States in which the panel may still change. */
export const ASSIGNABLE_STATES: readonly string[] = ['submitted', 'preliminarily_checked'];

const COI_DETAIL = '评审人不得来自项目所在单位或其上下级单位 / Reviewer belongs to the project unit or a unit above or below it';

export interface PairRefusal {
  code: 'wrong_state' | 'not_a_reviewer' | 'conflict_of_interest' | 'already_assigned';
  detail: string;
}

/** Why this reviewer may not be assigned to this project now, or null when it may. */
export function pairRefusal(
  panel: Pick<PanelRepository, 'reviewer' | 'isAssigned'>,
  lineage: (unitId: string) => string[],
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
  if (reviewer.unitId !== null && lineage(project.unitId).includes(reviewer.unitId)) return { code: 'conflict_of_interest', detail: COI_DETAIL };
  return panel.isAssigned(project.id, reviewerId) ? { code: 'already_assigned', detail: '该评审人已分配 / Reviewer already assigned' } : null;
}
