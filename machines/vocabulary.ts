/**
 * Words every machine shares: the roles of DOMAIN.md, the actor who fires an event, and the
 * bilingual label every state, event and role carries. Pure types and constants.
 */

export const ROLES = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who fires the event, as the service authenticated it. */
export interface Actor {
  id: string;
  role: Role;
  unitId: string | null;
}

export interface Label {
  zh: string;
  en: string;
}

export const ROLE_LABELS: Record<Role, Label> = {
  applicant: { zh: '申报单位', en: 'Applicant' },
  org_dept: { zh: '党委组织部', en: 'Organisation department' },
  reviewer: { zh: '评审组成员', en: 'Reviewer' },
  committee: { zh: '党委会议', en: 'Party committee' },
  auditor: { zh: '监督检查', en: 'Auditor' },
  admin: { zh: '系统管理员', en: 'Administrator' },
};

export const label = (zh: string, en: string): { label: Label } => ({ label: { zh, en } });
