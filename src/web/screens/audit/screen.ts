/**
 * Audit 审计: the transition log with filters and paging, the verification of the hash chain and the
 * tables, the signed checkpoints, and the bundle download. The API lets auditors and the
 * organisation department read and verify the log and sign checkpoints; only auditors export.
 */
import type { Screen } from '../registry';
import { S } from './strings';

export const screen: Screen = {
  routes: [
    { path: 'audit/log', name: 'audit-log', component: () => import('./AuditLogView.vue') },
    { path: 'audit/verify', name: 'audit-verify', component: () => import('./AuditVerifyView.vue') },
    { path: 'audit/checkpoints', name: 'audit-checkpoints', component: () => import('./AuditCheckpointsView.vue') },
  ],
  menu: [
    { route: 'audit-log', label: S.menuLog, roles: ['auditor', 'org_dept'], order: 80 },
    { route: 'audit-verify', label: S.menuVerify, roles: ['auditor', 'org_dept'], order: 81 },
    { route: 'audit-checkpoints', label: S.menuCheckpoints, roles: ['auditor', 'org_dept'], order: 82 },
  ],
};
