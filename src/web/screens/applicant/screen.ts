/**
 * 党支部 (the applicant): a new project from the project list, the letter as a form on a draft's
 * page (views/ProjectView.vue shows LetterEditor), and the project page's sections: files with the
 * upload of the signed letter, progress and final reports, the letter's revisions and the history.
 */
import type { Role, Screen } from '../registry';

/** Events the applicant fires from these screens' forms rather than the page's generic buttons. */
export const APPLICANT_FORM_EVENTS: readonly string[] = ['SUBMIT', 'SUBMIT_PROGRESS_REPORT', 'SUBMIT_FINAL_REPORT'];

const READERS: readonly Role[] = ['applicant', 'org_dept', 'committee', 'auditor'];
const REPORTING = new Set(['in_progress', 'final_acceptance', 'graded', 'failed']);

export const screen: Screen = {
  routes: [{ path: 'projects/new', name: 'applicant-new-project', component: () => import('./NewProjectView.vue') }],
  menu: [],
  projectSections: [
    { key: 'applicant-reports', component: () => import('./ReportsSection.vue'), roles: READERS, when: (p) => REPORTING.has(p.state), order: 10 },
    { key: 'applicant-files', component: () => import('./FilesSection.vue'), roles: READERS, order: 20 },
    { key: 'applicant-revisions', component: () => import('./RevisionsSection.vue'), roles: READERS, order: 30 },
    { key: 'applicant-history', component: () => import('./HistorySection.vue'), roles: READERS, order: 40 },
  ],
};
