/** The callers both lifecycle matrices (first and second edition) try every event with. */
import type { Role } from '../../machines/project.types.js';

export const PROBLEM = (kind: string): string => `urn:lixiang:problem:${kind}`;

export type CallerName = 'applicant' | 'parentApplicant' | 'otherApplicant' | 'orgDept' | 'reviewer' | 'unassignedReviewer' | 'committee' | 'auditor' | 'admin';

export interface Caller {
  name: CallerName;
  role: Role;
  /** Whether the caller may see the project at all. */
  sees: boolean;
  /** Whether an applicant caller belongs to the project's own unit. */
  ownsProject: boolean;
  describe: string;
}

/** The callers; `reviewerDescribe` says what the assigned reviewer is assigned to. */
export const matrixCallers = (reviewerDescribe: string): readonly Caller[] => [
  { name: 'applicant', role: 'applicant', sees: true, ownsProject: true, describe: "applicant of the project's unit" },
  { name: 'parentApplicant', role: 'applicant', sees: true, ownsProject: false, describe: 'applicant of the unit above (sees, does not own)' },
  { name: 'otherApplicant', role: 'applicant', sees: false, ownsProject: false, describe: 'applicant of an unrelated unit' },
  { name: 'orgDept', role: 'org_dept', sees: true, ownsProject: false, describe: 'org_dept' },
  { name: 'reviewer', role: 'reviewer', sees: true, ownsProject: false, describe: reviewerDescribe },
  { name: 'unassignedReviewer', role: 'reviewer', sees: false, ownsProject: false, describe: 'reviewer not assigned' },
  { name: 'committee', role: 'committee', sees: true, ownsProject: false, describe: 'committee' },
  { name: 'auditor', role: 'auditor', sees: true, ownsProject: false, describe: 'auditor' },
  { name: 'admin', role: 'admin', sees: false, ownsProject: false, describe: 'admin' },
];
