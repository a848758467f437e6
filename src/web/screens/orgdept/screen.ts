/** 党委组织部 (org_dept): the "waiting for me" inbox, the rounds and a round's page (its events, 公示 and objections, publishing the list). */
import type { Screen } from '../registry';

export const screen: Screen = {
  routes: [
    { path: 'orgdept/inbox', name: 'orgdept-inbox', component: () => import('./InboxView.vue') },
    { path: 'orgdept/projects', name: 'orgdept-projects', component: () => import('./ProjectListView.vue') },
    { path: 'orgdept/rounds', name: 'orgdept-rounds', component: () => import('./RoundsView.vue') },
    { path: 'orgdept/rounds/:id', name: 'orgdept-round', component: () => import('./RoundView.vue'), props: true },
  ],
  menu: [
    { route: 'orgdept-inbox', label: { zh: '待办', en: 'Waiting for me' }, roles: ['org_dept'], order: 5 },
    { route: 'orgdept-rounds', label: { zh: '立项批次', en: 'Rounds' }, roles: ['org_dept'], order: 20 },
  ],
};
