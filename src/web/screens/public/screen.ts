/** Everyone signed in: the published approved lists (printable) and the proposed lists in 公示, with a form to object. */
import type { Screen } from '../registry';

export const screen: Screen = {
  routes: [
    { path: 'published-lists', name: 'public-lists', component: () => import('./RoundListView.vue'), props: { kind: 'published' } },
    { path: 'publicity', name: 'public-publicity', component: () => import('./RoundListView.vue'), props: { kind: 'publicity' } },
    { path: 'rounds/:id/published-list', name: 'public-published-list', component: () => import('./PublishedListView.vue'), props: true },
    { path: 'rounds/:id/publicity', name: 'public-round-publicity', component: () => import('./PublicityView.vue'), props: true },
  ],
  menu: [
    { route: 'public-publicity', label: { zh: '公示', en: 'Publicity' }, order: 70 },
    { route: 'public-lists', label: { zh: '立项名单', en: 'Approved lists' }, order: 71 },
  ],
};
