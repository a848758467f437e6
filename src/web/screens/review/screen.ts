/** Reviewers and the committee: the reviewer's worklists and scoring pages (panel review and acceptance review), the committee's ranking and decisions. */
import type { Screen } from '../registry';

export const screen: Screen = {
  routes: [
    { path: 'reviews', name: 'review-worklist', component: () => import('./WorklistView.vue') },
    { path: 'reviews/:id', name: 'review-score', component: () => import('./ScoreView.vue'), props: true },
    { path: 'acceptance-reviews', name: 'review-acceptance', component: () => import('./AcceptanceWorklistView.vue') },
    { path: 'acceptance-reviews/:id', name: 'review-acceptance-score', component: () => import('./AcceptanceScoreView.vue'), props: true },
    { path: 'rankings', name: 'review-ranking', component: () => import('./RankingView.vue') },
  ],
  menu: [
    { route: 'review-worklist', label: { zh: '评审任务', en: 'My reviews' }, roles: ['reviewer'], order: 20 },
    { route: 'review-acceptance', label: { zh: '结项评审', en: 'Acceptance reviews' }, roles: ['reviewer'], order: 41 },
    { route: 'review-ranking', label: { zh: '排名与决定', en: 'Ranking and decisions' }, roles: ['committee'], order: 30 },
  ],
};
