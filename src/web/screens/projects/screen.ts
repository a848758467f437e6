/** Projects: the list every role sees (filtered by the API to what the caller may see) and a project's page. */
import type { Screen } from '../registry';

export const screen: Screen = {
  routes: [
    { path: 'projects', name: 'projects', component: () => import('../../views/ProjectsView.vue') },
    { path: 'projects/:id', name: 'project', component: () => import('../../views/ProjectView.vue'), props: true },
  ],
  // Everyone but the administrator, whom GET /projects does not serve.
  menu: [{ route: 'projects', label: { zh: '项目', en: 'Projects' }, roles: ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor'], order: 10 }],
};
