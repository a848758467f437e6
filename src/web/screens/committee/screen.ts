/** 党委 (the committee): its rounds, and a round's page — decisions concluded, reversals during 公示, confirming the grades, recommendations; a graded project's grade, recommendation and selection outcome on its page. */
import type { Screen } from '../registry';

export const screen: Screen = {
  routes: [
    { path: 'committee/rounds', name: 'committee-rounds', component: () => import('./RoundsView.vue') },
    { path: 'committee/rounds/:id', name: 'committee-round', component: () => import('./RoundView.vue'), props: true },
  ],
  menu: [{ route: 'committee-rounds', label: { zh: '党委研究', en: 'Committee' }, roles: ['committee'], order: 40 }],
  projectSections: [
    {
      key: 'recommendation',
      component: () => import('./RecommendationSection.vue'),
      // The applicant reads its own project's grade and funding too.
      roles: ['committee', 'org_dept', 'auditor', 'applicant'],
      when: (project) => project.state === 'graded',
      order: 40,
    },
  ],
};
