/** 党委组织部 (org_dept) manages a round's review: panels, assignments, the quota and extensions, acceptance and proposed grades, exports; and, on a project's page, the preliminary check and its reviewers. */
import type { Screen } from '../registry';

export const screen: Screen = {
  routes: [
    { path: 'orgdept/rounds/:id/panels', name: 'management-panels', component: () => import('./PanelsView.vue'), props: true },
    { path: 'orgdept/rounds/:id/assignments', name: 'management-assignments', component: () => import('./AssignmentsView.vue'), props: true },
    { path: 'orgdept/rounds/:id/quota', name: 'management-quota', component: () => import('./QuotaView.vue'), props: true },
    { path: 'orgdept/rounds/:id/acceptance', name: 'management-acceptance', component: () => import('./AcceptanceView.vue'), props: true },
    { path: 'orgdept/rounds/:id/exports', name: 'management-exports', component: () => import('./ExportsView.vue'), props: true },
  ],
  // The screens are per round: they are reached from the round's page (立项批次 → a round), not the menu.
  menu: [],
  projectSections: [
    { key: 'management-preliminary', component: () => import('./PreliminaryCheck.vue'), roles: ['org_dept'], when: (project) => project.state === 'submitted', order: 21 },
    {
      key: 'management-reviewers',
      component: () => import('./ProjectReviewers.vue'),
      roles: ['org_dept'],
      when: (project) => !['draft', 'withdrawn'].includes(project.state),
      order: 22,
    },
  ],
};
