import type { Label } from '../../machines/project.types.js';

/** The two kinds of project of the notice and their directions, with labels. */
export const CATEGORIES = {
  fortress: {
    label: { zh: '堡垒巩固工程', en: 'Fortress consolidation' },
    directions: {
      soul: { zh: '凝心铸魂', en: 'Uniting hearts and forging souls' },
      leading_geese: { zh: '头雁领航', en: 'Lead geese at the head' },
      foundation: { zh: '固本强基', en: 'Consolidating the foundation' },
      integration: { zh: '融合互促', en: 'Integration and mutual promotion' },
      service: { zh: '服务保障', en: 'Service and support' },
    },
  },
  vanguard: {
    label: { zh: '党员先锋工程', en: 'Member vanguard' },
    directions: {
      member_education: { zh: '党员教育', en: 'Education of members' },
      member_management: { zh: '党员管理', en: 'Management of members' },
      member_service: { zh: '党员服务', en: 'Service to members' },
      member_supervision: { zh: '党员监督', en: 'Supervision of members' },
      recruitment_quality: { zh: '发展党员质量', en: 'Quality of recruiting new members' },
      political_life: { zh: '党内政治生活', en: 'Intra-party political life' },
      member_platforms: { zh: '党员作用发挥平台（先锋岗、责任区、志愿服务队）', en: 'Platforms for members (vanguard posts, responsibility zones, volunteer teams)' },
      teacher_ethics: { zh: '师德师风', en: "Teachers' ethics" },
      teaching_study_style: { zh: '教风学风', en: "Members' example for teaching and study style" },
    },
  },
} as const satisfies Record<string, { label: Label; directions: Record<string, Label> }>;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_NAMES = Object.keys(CATEGORIES) as Category[];
export const DIRECTION_NAMES = CATEGORY_NAMES.flatMap((c) => Object.keys(CATEGORIES[c].directions));

export function directionBelongsTo(category: Category, direction: string): boolean {
  return Object.hasOwn(CATEGORIES[category].directions, direction);
}
