/**
 * The content of the demo database: the Shenyang Conservatory of Music's party organisations, the
 * people who use the system, and the rounds of projects with their letters, reviews, reports and
 * outcomes. Only content lives here; src/demo/build-demo.ts drives it through the REST API.
 *
 * Everything is invented except what the notice 办字〔2023〕8号 itself says (the 2023 round's
 * document number, deadline, funding table and the kinds of projects it asks for). People's names,
 * phone extensions, committee documents and meetings, and the whole 2024, 2025 and 2026 rounds are illustrative.
 */
import type { Grade, GradeProposal, RecommendationOutcome, Role, Scores } from '../../machines/project.types.js';
import type { Category } from '../projects/categories.js';
import type { UNIT_TYPES } from '../units/units.schemas.js';

export type UnitType = (typeof UNIT_TYPES)[number];

export interface DemoUnit {
  key: string;
  name: string;
  type: UnitType;
  parent?: string;
}

export interface DemoUser {
  key: string;
  name: string;
  role: Role;
  /** A unit key: applicants act for it, reviewers never score it or a unit above or below it. */
  unit?: string;
  /** Public: the demo's tokens are in the README. Never use the demo database for real work. */
  token: string;
}

/** A demo user's username for the login screen: its token without `lx_demo-` (e.g. `org-dept-zuzhibu`). */
export const usernameOf = (user: Pick<DemoUser, 'token'>): string => user.token.replace(/^lx_demo-/, '');

/** The one password of every demo user, public like the tokens (set by the admin, then changed at the first login). */
export const DEMO_PASSWORD = 'lixiang-demo-2024';

export interface DemoActivity {
  content: string;
  form: string;
  when: string;
}

export interface DemoLetter {
  rationale?: string;
  activities?: DemoActivity[];
  expectedOutcomes?: string;
  leader?: string;
  members?: string[];
  contact?: string;
}

/** Times are Asia/Shanghai wall-clock times, 'YYYY-MM-DD HH:mm'. */
export type When = string;

export interface DemoProject {
  key: string;
  /** The applying unit; the applicant of that unit acts for it. */
  unit: string;
  category: Category;
  direction: string;
  title: string;
  letter: DemoLetter;
  drafted: When;
  /** Absent: a draft never submitted. */
  submitted?: When;
  /** Returned by org_dept for revision, edited and submitted again. */
  revision?: { returned: When; comment: string; letter: DemoLetter; resubmitted: When; checked?: When };
  withdrawn?: { at: When; reason: string };
  /** Rejected by org_dept at the preliminary check. */
  precheckRejected?: string;
  /**
   * The panel: the base scores (0–20 per criterion) and one comment per review, given by the
   * assigned reviewers in the order the automatic assignment made them. `done` reviews are
   * submitted (default: the round's minimum);
   * `panelClosed: false` leaves the panel open.
   */
  review?: {
    base: Scores;
    comments: string[];
    done?: number;
    panelClosed?: boolean;
    /**
     * The reviewer of this slot (in assignment order) drops out: org_dept replaces them `at` with a
     * panel member free of conflict, who scores `scoredAt` with the slot's comment.
     */
    replaced?: { slot: number; at: When; reason: string; scoredAt: When };
  };
  /** The committee: approve, or reject with a reason; absent leaves it panel_reviewed. */
  decision?: { approve: true } | { reject: string };
  progress?: { at: When; text: string }[];
  /** The final report; with `returned`, a first report that org_dept sent back and the one after it. */
  finalReport?: { at: When; summary: string; returned?: { at: When; comment: string; resubmitted: When; summary: string } };
  /** round@1: org_dept grades or fails the final report itself. */
  outcome?: { at: When; grade: Grade; comment: string } | { at: When; fail: string };
  /**
   * round@2's 结项评审: three members of the acceptance panel free of conflict score the final report
   * (the base scores, each reviewer leaning a little), one day apart from `reviewedFrom`, each with its
   * comment; org_dept then proposes the grade, which the committee's confirmation carries out.
   */
  acceptance?: { base: AcceptanceScores; comments: string[]; reviewedFrom: When; proposal: { at: When; grade: GradeProposal; comment: string } };
  recommend?: { at: When; note: string };
  /** The outcome of the higher-level selection a recommended project went to, recorded by org_dept. */
  recommendationOutcome?: { at: When; outcome: RecommendationOutcome; level: string; note: string };
}

/** The round@2 default acceptance criteria: 目标完成情况, 实际成效, 材料规范 (0–20 each). */
export interface AcceptanceScores {
  completion: number;
  effect: number;
  documentation: number;
}

/** A year of the working-day calendar as org_dept sets it: public holidays and adjusted working days (调休). */
export interface DemoCalendar {
  at: When;
  year: number;
  holidays: string[];
  workdays: string[];
  reason: string;
}

export interface DemoRound {
  key: string;
  /** True when the round is invented for the demo (not in the notice). */
  illustrative: boolean;
  created: When;
  /**
   * When org_dept closes submissions, checks them, starts the review; reviewers start two days apart; the panel closes.
   * Absent: the round is still open for submissions.
   */
  schedule?: { close: When; checks: When; startReview: When; reviewsFrom: When; panelClose: When };
  /** Units granted their own submission deadline by org_dept. */
  extensions?: { unit: string; at: When; submissionDeadline: string; reason: string }[];
  /** Deadlines moved by org_dept after the round opened (the day acceptance opens among them), each with its reason. */
  amendments?: { at: When; changes: { submissionDeadline?: string; revisionDeadline?: string; finalAcceptanceDate?: string; acceptanceOpensOn?: string }; reason: string }[];
  /** A round of the first release moved in flight, with its projects, to round@2 / project@2 by the administrator. */
  migration?: { at: When; reason: string };
  /**
   * round@2's 公示: the committee concludes its decisions, opening the publicity period; objections
   * (by a user key, on a project key or the whole list) each handled by org_dept; the committee's
   * reversals during the period; after it, the signed list uploaded and published.
   */
  publicity?: {
    concludedAt: When;
    objections: { at: When; by: string; project?: string; reason: string; handling: { at: When; outcome: 'upheld' | 'dismissed'; response: string } }[];
    reversals: { at: When; project: string; reason: string; meetingReference: string }[];
    publication: { at: When; documentNumber: string; publishedOn: string };
  };
  /** round@2's 结项评审: acceptance opened with its named panel; the committee confirms the grades. */
  acceptanceReview?: { openedAt: When; panel: string; confirmedAt: When; meetingReference: string };
  body: {
    year: number;
    title: string;
    documentNumber: string;
    submissionDeadline: string;
    revisionDeadline?: string;
    finalAcceptanceDate: string;
    funding: { first: number; second: number; third: number; qualified: number };
    minReviews: number;
    scoreScale: { min: number; max: number };
    requireSignedLetter: boolean;
    contacts: { name: string; phone: string; extension?: string }[];
    /** round@2: at most so many prizes of a grade the committee may confirm. */
    prizeCaps?: Partial<Record<'first' | 'second' | 'third', number>>;
  };
  projects: DemoProject[];
}

export const UNITS: DemoUnit[] = [
  { key: 'jiguan', name: '机关党委', type: 'organ_committee' },
  { key: 'jiguan-dangzheng', name: '党政办公室党支部', type: 'branch', parent: 'jiguan' },
  { key: 'jiguan-jiaoke', name: '教学科研管理党支部', type: 'branch', parent: 'jiguan' },
  { key: 'zuoqu', name: '作曲系党总支', type: 'general_branch' },
  { key: 'zuoqu-jiaogong', name: '作曲系教工党支部', type: 'branch', parent: 'zuoqu' },
  { key: 'zuoqu-xuesheng', name: '作曲系学生党支部', type: 'branch', parent: 'zuoqu' },
  { key: 'shengyue', name: '声乐歌剧系党总支', type: 'general_branch' },
  { key: 'shengyue-jiaogong', name: '声乐歌剧系教工党支部', type: 'branch', parent: 'shengyue' },
  { key: 'shengyue-xuesheng', name: '声乐歌剧系学生党支部', type: 'branch', parent: 'shengyue' },
  { key: 'wudao', name: '舞蹈学院党总支', type: 'general_branch' },
  { key: 'wudao-jiaogong', name: '舞蹈学院教工党支部', type: 'branch', parent: 'wudao' },
  { key: 'wudao-xuesheng', name: '舞蹈学院学生党支部', type: 'branch', parent: 'wudao' },
  { key: 'yinjiao', name: '音乐教育学院党总支', type: 'general_branch' },
  { key: 'yinjiao-jiaogong', name: '音乐教育学院教工党支部', type: 'branch', parent: 'yinjiao' },
  { key: 'yinjiao-xuesheng', name: '音乐教育学院学生党支部', type: 'branch', parent: 'yinjiao' },
  { key: 'tushuguan', name: '图书馆直属党支部', type: 'direct_branch' },
  { key: 'fuzhong', name: '附属中等音乐学校直属党支部', type: 'direct_branch' },
];

/** Who leads each applying unit (the letter's leader and the unit's applicant account). */
const SECRETARIES: Record<string, string> = {
  jiguan: '刘建国',
  'jiguan-dangzheng': '赵丽',
  'jiguan-jiaoke': '吴海峰',
  zuoqu: '陈思远',
  'zuoqu-jiaogong': '杨帆',
  'zuoqu-xuesheng': '许佳',
  shengyue: '王红梅',
  'shengyue-jiaogong': '李振华',
  'shengyue-xuesheng': '张宇航',
  wudao: '郑丽娜',
  'wudao-jiaogong': '田野',
  'wudao-xuesheng': '冯晓',
  yinjiao: '黄志刚',
  'yinjiao-jiaogong': '曹敏',
  'yinjiao-xuesheng': '罗子涵',
  tushuguan: '邓秀兰',
  fuzhong: '魏立平',
};

export const USERS: DemoUser[] = [
  { key: 'admin', name: '系统管理员（信息化建设办公室）', role: 'admin', token: 'lx_demo-admin-xitong-guanli' },
  { key: 'org_dept', name: '林晓燕（党委组织部）', role: 'org_dept', token: 'lx_demo-org-dept-zuzhibu' },
  { key: 'committee', name: '高明（党委会议秘书）', role: 'committee', token: 'lx_demo-committee-dangwei-mishu' },
  { key: 'auditor', name: '韩静（纪委办公室）', role: 'auditor', token: 'lx_demo-auditor-jiwei-jiancha' },
  // The review panel 评审组: five members of five units, so that every project has at least four
  // reviewers who are not of its unit or a unit above or below it.
  { key: 'reviewer-zhou', name: '周立新（评审组，教学科研管理党支部）', role: 'reviewer', unit: 'jiguan-jiaoke', token: 'lx_demo-reviewer-zhou-lixin' },
  { key: 'reviewer-sun', name: '孙雅琴（评审组，作曲系教工党支部）', role: 'reviewer', unit: 'zuoqu-jiaogong', token: 'lx_demo-reviewer-sun-yaqin' },
  { key: 'reviewer-he', name: '何振东（评审组，声乐歌剧系教工党支部）', role: 'reviewer', unit: 'shengyue-jiaogong', token: 'lx_demo-reviewer-he-zhendong' },
  { key: 'reviewer-ma', name: '马慧敏（评审组，音乐教育学院教工党支部）', role: 'reviewer', unit: 'yinjiao-jiaogong', token: 'lx_demo-reviewer-ma-huimin' },
  { key: 'reviewer-tang', name: '唐文博（评审组，图书馆直属党支部）', role: 'reviewer', unit: 'tushuguan', token: 'lx_demo-reviewer-tang-wenbo' },
  // One applicant per unit: its party secretary.
  ...UNITS.map((unit): DemoUser => ({
    key: `applicant-${unit.key}`,
    name: `${SECRETARIES[unit.key]}（${unit.name}书记）`,
    role: 'applicant',
    unit: unit.key,
    token: `lx_demo-applicant-of-${unit.key}`,
  })),
];

const leaderOf = (unit: string) => SECRETARIES[unit]!;
const contactOf = (unit: string, extension: number) => `${leaderOf(unit)}，校内分机 ${extension}`;

/** The notice's contact persons (联系人), with their phone numbers and short numbers (小号). */
const NOTICE_CONTACTS = [
  { name: '邹天伦', phone: '15802424480', extension: '6534' },
  { name: '谢晓宇', phone: '13940403787', extension: '62309' },
];

/** The 2023 round, as the notice 办字〔2023〕8号 has it. */
export const ROUND_2023: DemoRound = {
  key: '2023',
  illustrative: false,
  created: '2023-03-06 09:00',
  schedule: { close: '2023-03-30 09:00', checks: '2023-03-31 09:00', startReview: '2023-04-03 09:00', reviewsFrom: '2023-04-04 14:00', panelClose: '2023-04-17 09:00' },
  amendments: [
    {
      at: '2023-11-20 10:00',
      // Acceptance opens on 2023-12-01 (the round's gates hold final reports and grades until then).
      changes: { finalAcceptanceDate: '2024-04-30', acceptanceOpensOn: '2023-12-01' },
      reason: '部分项目结项材料需补充完善，经党委组织部研究，结项验收顺延至2024年4月底；已完成的项目自2023年12月1日起可先行结项（示例）',
    },
  ],
  body: {
    year: 2023,
    title: '2023年度“堡垒巩固工程”和“党员先锋工程”立项',
    documentNumber: '办字〔2023〕8号',
    submissionDeadline: '2023-03-29',
    finalAcceptanceDate: '2023-12-31',
    funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    minReviews: 3,
    scoreScale: { min: 0, max: 20 },
    requireSignedLetter: true,
    contacts: NOTICE_CONTACTS,
  },
  projects: [
    {
      key: 'jiguan-service',
      unit: 'jiguan',
      category: 'fortress',
      direction: 'service',
      title: '“师生事务一次办”机关党员服务攻坚行动',
      letter: {
        rationale:
          '机关各部门办事流程分散，师生反映报销、用印、开具证明等事项需要往返多个部门。2022年度师生满意度调查中，“机关办事效率”一项满意率仅为71%。' +
          '机关党委拟以党建引领作风建设，由党员牵头梳理高频事项、推动流程再造，解决师生“多头跑、反复跑”的实际问题，让机关党员的服务成效经得起师生检验。',
        activities: [
          { content: '党员带头梳理机关高频服务事项，逐项明确办理时限、所需材料和责任人，形成清单向全院公示', form: '专题调研 + 清单公示', when: '2023年5月至6月' },
          { content: '在财务、人事、党政办设立“党员服务示范窗口”，每个窗口由一名党员挂牌值守，首问负责', form: '党员示范岗', when: '2023年6月起常态化开展' },
          { content: '每季度开展一次“师生评机关”满意度测评，测评结果在各支部组织生活会上通报、剖析、整改', form: '问卷测评 + 组织生活会', when: '2023年7月、10月、12月' },
        ],
        expectedOutcomes: '形成《机关高频服务事项清单（2023版）》，其中至少20项实现“一次办结”；年末师生满意度提升至85%以上；形成机关作风建设案例一篇。',
        leader: leaderOf('jiguan'),
        members: ['赵丽', '吴海峰', '孙建军', '钱雪', '周婷'],
        contact: contactOf('jiguan', 6101),
      },
      drafted: '2023-03-08 10:20',
      submitted: '2023-03-22 16:40',
      review: {
        base: { direction: 17, innovation: 14, practicality: 18, breadth: 16, exemplarity: 15 },
        comments: [
          '问题导向鲜明，以满意度数据立项，指标可检验；建议写清“一次办结”的认定标准。',
          '机关党建与服务师生结合紧密，但示范窗口与部门常规工作的边界需要进一步说明。',
          '措施务实，覆盖机关主要服务部门，经验可在全院推广。',
        ],
      },
      decision: { approve: true },
      progress: [
        {
          at: '2023-07-06 15:00',
          text: '已梳理高频服务事项32项，公布首批18项“一次办结”清单；财务、人事、党政办三个党员示范窗口已挂牌；第一次满意度测评回收问卷412份，满意率76%。',
        },
        { at: '2023-10-12 15:00', text: '“一次办结”事项增至24项；第二次满意度测评满意率82%；针对“报销材料反复退回”问题，财务处党员牵头修订报销指南。' },
      ],
      finalReport: {
        at: '2023-12-06 10:00',
        summary:
          '全年梳理高频事项32项，其中24项实现“一次办结”；三次满意度测评满意率分别为76%、82%、87%；三个党员示范窗口全年接待师生3200余人次；形成案例《从“多头跑”到“一次办”》。',
      },
      outcome: { at: '2023-12-20 10:00', grade: 'second', comment: '目标全部完成，服务成效有数据支撑，评为二等奖。' },
    },
    {
      key: 'dangzheng-document',
      unit: 'jiguan-dangzheng',
      category: 'vanguard',
      direction: 'member_platforms',
      title: '“公文零差错”党员先锋岗',
      letter: {
        rationale:
          '党政办公室承担全院公文运转、会议组织和信息报送，2022年内部核查发现文号、格式、办理时限类差错17处。支部党员全部在核心岗位，' +
          '亮身份、树标杆，可以直接减少差错，提高服务师生、服务基层、服务决策的质量。',
        activities: [
          { content: '在公文审核、会务保障、信息报送三个岗位设立党员先锋岗，公开承诺事项和差错责任', form: '先锋岗挂牌 + 公开承诺', when: '2023年5月' },
          { content: '每月召开一次公文差错复盘会，党员轮流讲评典型问题、提出改进措施', form: '支部学习 + 案例复盘', when: '2023年6月至12月，每月一次' },
          { content: '编写《公文处理常见问题50问》，面向各部门兼职文秘开展培训', form: '编写手册 + 专题培训', when: '2023年9月、11月各一场' },
        ],
        expectedOutcomes: '全年公文差错较2022年下降一半以上；印发《公文处理常见问题50问》；为各部门培训兼职文秘不少于40人次。',
        leader: leaderOf('jiguan-dangzheng'),
        members: ['孙建军', '钱雪', '马骁', '丁宁'],
        contact: contactOf('jiguan-dangzheng', 6108),
      },
      drafted: '2023-03-09 09:30',
      submitted: '2023-03-21 11:15',
      review: {
        base: { direction: 15, innovation: 12, practicality: 16, breadth: 13, exemplarity: 13 },
        comments: ['岗位设置清楚，承诺事项可检验，目标量化。', '与岗位本职工作的边界不够清晰，党建创新要素偏少。', '《50问》手册和面向兼职文秘的培训有推广价值。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-07-07 09:30', text: '三个先锋岗已挂牌并公开承诺；完成月度复盘会2次，整理典型差错案例23个。' }],
      finalReport: { at: '2023-12-07 14:00', summary: '全年公文差错6处，较上年下降65%；《公文处理常见问题50问》已印发各部门；培训兼职文秘46人次。' },
      outcome: { at: '2023-12-20 10:30', grade: 'qualified', comment: '完成预期目标，但党建特色体现不足，评为合格。' },
    },
    {
      key: 'jiaoke-quality-month',
      unit: 'jiguan-jiaoke',
      category: 'fortress',
      direction: 'integration',
      title: '党建引领“教学质量月”融合行动',
      letter: {
        rationale: '教务处、科研处的党员分散在不同科室，党建活动与教学科研管理存在“两张皮”。拟以教学质量月为抓手，推动党员在排课、考务、科研项目管理中发挥作用。',
        activities: [
          { content: '党员联系教学单位，每人联系一个系部，收集教学管理诉求并跟踪办理', form: '党员联系点', when: '2023年4月至6月' },
          { content: '举办“教学管理开放日”，党员现场答疑排课、考务和项目管理问题', form: '开放日', when: '2023年5月' },
        ],
        expectedOutcomes: '收集并解决教学管理问题不少于30个，形成《教学管理服务指南》一册。',
        leader: leaderOf('jiguan-jiaoke'),
        members: ['郭红', '石磊', '白洁'],
        contact: contactOf('jiguan-jiaoke', 6215),
      },
      drafted: '2023-03-13 14:00',
      submitted: '2023-03-20 10:05',
      withdrawn: { at: '2023-03-27 16:30', reason: '与机关党委“师生事务一次办”项目内容部分重叠，经支部委员会研究，撤回后并入机关党委项目实施。' },
    },
    {
      key: 'zuoqu-red-classics',
      unit: 'zuoqu',
      category: 'fortress',
      direction: 'soul',
      title: '“红色经典的当代回响”主题音乐创作工程',
      letter: {
        rationale:
          '作曲系师生创作活跃，但主旋律题材作品偏少，2022年全系新创作品中反映新时代主题的不足一成；部分青年教师和学生对红色文化的理解停留在概念层面。' +
          '党总支拟把理想信念教育融入专业创作，以“学—采—创—演”的链条让师生在创作中受教育，回答好“为谁创作、创作什么”的问题。',
        activities: [
          { content: '学习党的二十大精神和习近平总书记关于文艺工作的重要论述，开展“新时代音乐创作为了谁”专题研讨', form: '党总支中心组学习 + 师生专题研讨', when: '2023年5月' },
          { content: '赴抗美援朝纪念馆、“九·一八”历史博物馆采风，师生党员结对收集口述史料和创作素材', form: '红色采风 + 师生结对', when: '2023年6月至7月' },
          { content: '由教工党员牵头组建三个师生创作小组，以辽宁红色故事为题材创作室内乐与合唱作品', form: '创作小组', when: '2023年7月至10月' },
          { content: '举办“红色经典的当代回响”新作品音乐会，录制音像资料并在校园新媒体展播', form: '专场音乐会', when: '2023年11月' },
        ],
        expectedOutcomes: '完成不少于8部新作品，举办专场音乐会一场；形成采风日志和教学案例各一份；力争2部作品入选省级以上展演。',
        leader: leaderOf('zuoqu'),
        members: ['杨帆', '许佳', '邵明哲', '蒋一鸣', '段雨晴（学生党员）'],
        contact: contactOf('zuoqu', 6302),
      },
      drafted: '2023-03-07 15:10',
      submitted: '2023-03-17 09:45',
      review: {
        base: { direction: 19, innovation: 18, practicality: 18, breadth: 17, exemplarity: 19 },
        comments: [
          '把理想信念教育融入专业创作，“学—采—创—演”链条完整，特色鲜明。',
          '采风与创作结合紧密，成果可检验；建议明确新作品的评价标准。',
          '示范性强，可作为“一院系一品牌”的样板。',
        ],
      },
      decision: { approve: true },
      progress: [
        { at: '2023-07-10 16:00', text: '完成专题研讨2次；6月下旬赴丹东、沈阳两地采风，收集口述史料40余份；三个创作小组已确定8部作品选题。' },
        { at: '2023-10-16 16:00', text: '8部作品初稿全部完成，其中合唱《鸭绿江畔》已进入排练；专场音乐会定于11月24日。' },
      ],
      finalReport: {
        at: '2023-12-04 15:00',
        summary:
          '完成新作品9部（室内乐5部、合唱4部）；11月24日举办专场音乐会，现场观众600余人，网络直播观看1.2万人次；合唱《鸭绿江畔》入选省大学生艺术展演；形成采风日志与教学案例各一份。',
      },
      outcome: { at: '2023-12-21 09:30', grade: 'first', comment: '主题鲜明，成果突出，示范带动作用明显，评为一等奖。' },
      recommend: { at: '2023-12-28 15:00', note: '推荐参加上级部门组织的高校基层党建工作创新案例评选。' },
    },
    {
      key: 'zuoqu-peer-tutoring',
      unit: 'zuoqu-xuesheng',
      category: 'vanguard',
      direction: 'teaching_study_style',
      title: '“党员学长领航”作曲技术理论课业帮扶计划',
      letter: {
        rationale:
          '和声、复调、曲式是低年级学生的难点课程，2022—2023学年第一学期三门课程不及格率达12%。学生党支部拟发挥高年级学生党员的专业优势，' +
          '以结对帮扶带动学风，让党员身份在课业互助中“亮出来”。',
        activities: [
          { content: '高年级学生党员与低年级学业困难学生“一对一”结对，签订帮扶协议，每周跟踪作业', form: '结对帮扶', when: '2023年5月' },
          { content: '每周开设两次“党员小课堂”，党员讲解和声、复调习题', form: '朋辈辅导', when: '2023年5月至12月，每周二、周四晚' },
          { content: '期末前组织“模拟测验 + 错题讲评”', form: '模拟测验', when: '2023年6月、12月' },
        ],
        expectedOutcomes: '结对学生相关课程及格率提高到95%以上；形成《作曲技术理论课朋辈辅导习题集》；支部党员参与帮扶率100%。',
        leader: leaderOf('zuoqu-xuesheng'),
        members: ['段雨晴', '邱子墨', '韩冬', '温小雅'],
        contact: contactOf('zuoqu-xuesheng', 6315),
      },
      drafted: '2023-03-10 19:30',
      submitted: '2023-03-24 20:10',
      review: {
        base: { direction: 16, innovation: 15, practicality: 17, breadth: 16, exemplarity: 15 },
        comments: ['朋辈帮扶针对性强，立项数据清楚。', '党员作用发挥具体，但要与辅导员日常学业帮扶有所区分。', '习题集成果可复制，建议向其他系推广。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-10-11 20:00', text: '已结对18对；“党员小课堂”开课22次，参与学生累计300余人次；6月模拟测验后结对学生期末及格率94%。' }],
      finalReport: { at: '2023-12-11 19:00', summary: '结对学生期末及格率97%；完成习题集（收录习题160道）；支部党员全部参与帮扶。' },
      outcome: { at: '2023-12-21 10:00', grade: 'third', comment: '成效明显，创新性一般，评为三等奖。' },
    },
    {
      key: 'shengyue-jiangjie',
      unit: 'shengyue',
      category: 'fortress',
      direction: 'integration',
      title: '“唱响红色经典”党建+舞台艺术实践融合项目',
      letter: {
        rationale:
          '声乐歌剧系每年承担大量舞台实践，但剧目选择与思想政治教育结合不够，学生对经典歌剧的时代背景了解不深。' +
          '党总支拟以排演歌剧《江姐》选段为载体，把党史学习教育融入排练全过程，推动党建与专业教学同谋划、同部署、同推进。',
        activities: [
          { content: '排练前由党员教师讲授《江姐》的创作背景和革命历史，组织参观烈士纪念馆', form: '剧目思政课', when: '2023年5月' },
          { content: '师生党员组成主创团队排演《江姐》选段，党员担任主要角色和声部长', form: '剧目排演', when: '2023年6月至10月' },
          { content: '赴社区、中小学开展“红色经典进校园”巡演，演后与观众交流', form: '巡演', when: '2023年10月至11月，不少于4场' },
        ],
        expectedOutcomes: '完成《江姐》选段排演并公演一场、巡演不少于4场；形成“剧目思政”教学设计一份；参与师生不少于80人。',
        leader: leaderOf('shengyue'),
        members: ['李振华', '张宇航', '宁静', '孔德宇', '付晓光'],
        contact: contactOf('shengyue', 6402),
      },
      drafted: '2023-03-08 14:00',
      submitted: '2023-03-23 10:30',
      review: {
        base: { direction: 18, innovation: 16, practicality: 18, breadth: 18, exemplarity: 17 },
        comments: ['剧目思政与专业实践融合自然，参与面广。', '巡演安排具体，建议增加观众反馈环节。', '党建与业务同谋划、同推进的做法值得推广。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-07-12 11:00', text: '剧目思政课已开讲3次；完成选段排练12场；已与两所中学和一个社区确定巡演时间。' }],
      finalReport: { at: '2023-12-05 11:00', summary: '完成《江姐》选段公演1场、巡演5场，观众逾2000人次；形成“剧目思政”教学设计；参与师生92人。' },
      outcome: { at: '2023-12-21 10:30', grade: 'second', comment: '完成质量高，受众反馈好，评为二等奖。' },
    },
    {
      key: 'shengyue-ethics-classroom',
      unit: 'shengyue-jiaogong',
      category: 'vanguard',
      direction: 'teacher_ethics',
      title: '“师德润声”教工党员示范课堂',
      letter: {
        rationale: '声乐教学以“一对一”小课为主，教师言行对学生影响直接。支部拟由教工党员开设示范课堂，加强师德师风建设。',
        activities: [{ content: '教工党员开设示范课', form: '示范课', when: '2023年' }],
        expectedOutcomes: '提升师德师风水平。',
        leader: leaderOf('shengyue-jiaogong'),
        members: ['宁静', '孔德宇'],
        contact: contactOf('shengyue-jiaogong', 6410),
      },
      drafted: '2023-03-12 10:00',
      submitted: '2023-03-15 17:20',
      revision: {
        returned: '2023-03-17 10:00',
        comment: '活动安排需细化到月，并写明示范课的听课、评课方式；成果预期须具体、可检验。请修改后在截止日前重新申报。',
        letter: {
          rationale:
            '声乐教学以“一对一”小课为主，师生关系紧密，教师言行对学生影响直接。近年学生评教中涉及“课堂育人”的意见有所增多。' +
            '支部拟由教工党员开设示范课堂，把师德要求落实到每一节小课中，以党员的示范带动全系教师。',
          activities: [
            { content: '教工党员每学期各开设一次公开示范小课，全系教师听课', form: '示范课', when: '2023年5月、11月' },
            { content: '示范课后开展“师德评课”，从育人细节、课堂语言、关爱学生三方面讲评', form: '评课会', when: '每次示范课后一周内' },
            { content: '汇编《声乐小课育人细节20条》，在新入职教师培训中使用', form: '经验汇编', when: '2023年12月' },
          ],
          expectedOutcomes: '完成示范课不少于8节，听课教师不少于120人次；形成《声乐小课育人细节20条》；学生评教中“课堂育人”满意率提高到90%以上。',
          members: ['宁静', '孔德宇', '欧阳蕾', '车文杰'],
        },
        resubmitted: '2023-03-24 09:10',
      },
      review: {
        base: { direction: 17, innovation: 16, practicality: 16, breadth: 15, exemplarity: 16 },
        comments: ['修改后活动安排具体，师德要求落到小课细节，切口小而实。', '评课维度设计合理，建议引入学生代表参与评课。', '成果可量化，《育人细节20条》有推广价值。'],
      },
      decision: { approve: true },
      progress: [
        { at: '2023-07-08 10:00', text: '上半年完成示范课5节，听课教师86人次，评课会5次。' },
        { at: '2023-10-13 10:00', text: '下半年示范课已排定；《声乐小课育人细节》已收集案例31条。' },
      ],
      finalReport: {
        at: '2023-12-08 16:00',
        summary: '完成示范课，效果良好。',
        returned: {
          at: '2023-12-14 09:00',
          comment: '结项报告过于简略，请补充示范课听课记录、评课意见汇编和学生评教数据。',
          resubmitted: '2023-12-29 17:00',
          summary: '全年完成示范课9节，听课教师134人次；评课意见汇编一册；学生评教“课堂育人”满意率由84%提高到92%；《声乐小课育人细节20条》定稿并用于新入职教师培训。',
        },
      },
    },
    {
      key: 'shengyue-lecture-troupe',
      unit: 'shengyue-xuesheng',
      category: 'vanguard',
      direction: 'member_education',
      title: '学生党员“声”入人心理论宣讲团',
      letter: {
        rationale: '学生党员理论学习以集中听讲为主，学用脱节。拟组建学生党员宣讲团，以“一首歌一段史”的形式向低年级学生讲党史。',
        activities: [
          { content: '选拔12名学生党员组建宣讲团，集中备课', form: '宣讲团', when: '2023年5月' },
          { content: '每月一次“一首歌一段史”宣讲', form: '歌曲 + 宣讲', when: '2023年6月至12月' },
        ],
        expectedOutcomes: '宣讲不少于6场，覆盖学生500人次。',
        leader: leaderOf('shengyue-xuesheng'),
        members: ['付晓光', '林可欣', '赵一凡'],
        contact: contactOf('shengyue-xuesheng', 6418),
      },
      drafted: '2023-03-14 20:00',
      submitted: '2023-03-28 21:30',
      review: {
        base: { direction: 14, innovation: 11, practicality: 12, breadth: 13, exemplarity: 11 },
        comments: ['形式可行，但与系党总支“唱响红色经典”项目内容重复。', '宣讲内容设计笼统，缺少对学生需求的分析。', '建议与系党总支项目整合实施。'],
      },
      decision: { reject: '与声乐歌剧系党总支“唱响红色经典”项目内容高度重叠，评审平均分居末位，建议并入党总支项目实施。' },
    },
    {
      key: 'wudao-secretary-studio',
      unit: 'wudao',
      category: 'fortress',
      direction: 'leading_geese',
      title: '“双带头人”教师党支部书记工作室',
      letter: {
        rationale:
          '舞蹈学院两个教师党支部书记均为“双带头人”，但带头作用多体现在业务上，抓党建的方法不多，支部工作存在“业务强、党建弱”的现象。' +
          '党总支拟建立书记工作室，以“头雁”带“群雁”，培养一支懂业务、会抓党建的支部书记和支委队伍。',
        activities: [
          { content: '挂牌成立“双带头人”书记工作室，制定工作室章程和年度计划', form: '书记工作室', when: '2023年5月' },
          { content: '每两个月举办一次“书记讲堂”，支部书记讲党课、讲党建与业务融合的案例', form: '书记讲堂', when: '2023年6月至12月' },
          { content: '工作室成员结对指导学生党支部，共同策划主题党日', form: '结对指导', when: '2023年6月至11月' },
          { content: '编写《舞蹈专业教师党支部工作案例集》', form: '案例汇编', when: '2023年12月' },
        ],
        expectedOutcomes: '“书记讲堂”不少于4期；培养支委和入党积极分子骨干10名；形成案例集一册；争创院级样板支部一个。',
        leader: leaderOf('wudao'),
        members: ['田野', '冯晓', '薛梦琪', '方振宇', '贺兰'],
        contact: contactOf('wudao', 6503),
      },
      drafted: '2023-03-09 16:00',
      submitted: '2023-03-20 15:00',
      review: {
        base: { direction: 19, innovation: 17, practicality: 18, breadth: 17, exemplarity: 19 },
        comments: ['抓住“双带头人”这一关键少数，思路清晰。', '书记讲堂与结对指导衔接紧密，可操作性强。', '案例集有借鉴价值，建议总结可推广的工作机制。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-09-20 14:00', text: '工作室已挂牌；举办“书记讲堂”3期；结对指导学生党支部主题党日2次。' }],
      finalReport: { at: '2023-12-06 15:30', summary: '举办“书记讲堂”5期，培养骨干12名；舞蹈学院教工党支部获评院级样板支部；案例集收录案例15个。' },
      outcome: { at: '2023-12-22 09:30', grade: 'first', comment: '“头雁”作用发挥充分，机制可复制，评为一等奖。' },
    },
    {
      key: 'wudao-volunteers',
      unit: 'wudao-xuesheng',
      category: 'vanguard',
      direction: 'member_platforms',
      title: '“舞动青春”党员志愿服务队进社区',
      letter: {
        rationale: '学校周边社区的老年人和少年儿童对艺术普及有需求，而学生党员的志愿服务零散、不成体系。支部拟组建党员志愿服务队，划定社区责任区，定期开展舞蹈普及和文艺惠民。',
        activities: [
          { content: '组建由学生党员和入党积极分子组成的志愿服务队，与两个社区签订共建协议，划定责任区', form: '志愿服务队 + 社区共建', when: '2023年5月' },
          { content: '每周六在社区开设少儿舞蹈公益课', form: '公益课', when: '2023年6月至12月' },
          { content: '重阳节、元旦前后为社区老人排演文艺节目', form: '惠民演出', when: '2023年10月、12月' },
        ],
        expectedOutcomes: '开设公益课不少于25次，服务群众1000人次以上；队员人均志愿服务不少于40小时；建立党员志愿服务积分台账。',
        leader: leaderOf('wudao-xuesheng'),
        members: ['薛梦琪', '方振宇', '程露', '陆一航'],
        contact: contactOf('wudao-xuesheng', 6512),
      },
      drafted: '2023-03-11 18:00',
      submitted: '2023-03-27 18:30',
      review: {
        base: { direction: 16, innovation: 16, practicality: 17, breadth: 18, exemplarity: 16 },
        comments: ['责任区与志愿服务结合，党员作用看得见。', '公益课安排具体，建议与社区共同评估服务效果。', '积分台账可作为党员评议的依据，值得推广。'],
      },
      decision: { approve: true },
      progress: [
        { at: '2023-07-09 18:00', text: '与两个社区签订共建协议；少儿舞蹈公益课已开课8次，参与儿童160人次。' },
        { at: '2023-10-25 18:00', text: '公益课累计17次；重阳节惠民演出1场，观众200余人；志愿服务积分台账已建立。' },
        { at: '2023-11-28 18:00', text: '因社区活动场地12月起改造，元旦惠民演出和最后6次公益课顺延至2024年3月，申请延期提交结项报告。' },
      ],
    },
    {
      key: 'yinjiao-standardisation',
      unit: 'yinjiao',
      category: 'fortress',
      direction: 'foundation',
      title: '党支部“标准化+特色化”建设提升行动',
      letter: {
        rationale:
          '音乐教育学院三个党支部中，学生党支部“三会一课”记录不规范、主题党日形式单一，2022年党建工作考核中组织生活规范性扣分较多。' +
          '党总支拟以标准化打基础、以特色化求提升，把支部建成坚强战斗堡垒。',
        activities: [
          { content: '对照《中国共产党普通高等学校基层组织工作条例》制定支部工作清单，逐月检查“三会一课”落实', form: '清单管理 + 月度检查', when: '2023年5月至12月' },
          { content: '每个支部确定一项结合音乐教育专业的特色活动，如“音乐党课”“支教回访”', form: '一支部一特色', when: '2023年6月至11月' },
          { content: '组织支部之间交叉观摩组织生活，互查互评', form: '交叉观摩', when: '2023年9月' },
        ],
        expectedOutcomes: '各支部“三会一课”规范率达到100%；形成支部工作清单和特色活动案例各一套；年度考核组织生活规范性不扣分。',
        leader: leaderOf('yinjiao'),
        members: ['曹敏', '罗子涵', '包文静', '彭飞'],
        contact: contactOf('yinjiao', 6605),
      },
      drafted: '2023-03-10 09:00',
      submitted: '2023-03-28 11:00',
      review: {
        base: { direction: 16, innovation: 13, practicality: 16, breadth: 15, exemplarity: 14 },
        comments: ['抓规范、补短板，针对上年考核问题立项，目标明确。', '标准化部分偏重常规要求，特色化活动需进一步设计。', '交叉观摩的做法可供其他党总支借鉴。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-09-28 10:00', text: '支部工作清单已印发；5—8月“三会一课”检查4次，整改问题9个；三个支部特色活动已确定。' }],
      finalReport: { at: '2023-12-12 10:00', summary: '三个支部“三会一课”记录全部规范；形成工作清单1套、特色活动案例3个；组织交叉观摩2次。' },
      outcome: { at: '2023-12-22 10:00', grade: 'third', comment: '基础工作扎实，特色化部分尚需深化，评为三等奖。' },
    },
    {
      key: 'yinjiao-three-stages',
      unit: 'yinjiao-xuesheng',
      category: 'vanguard',
      direction: 'recruitment_quality',
      title: '入党积极分子“三段式”培养考察',
      letter: {
        rationale: '学生入党积极分子人数多、考察周期短，培养多停留在党课结业。支部拟把培养分为“学理论、践初心、评表现”三段，把专业实践和志愿服务表现纳入考察。',
        activities: [
          { content: '理论学习段：党员导师每月带学一次，结合专业谈体会', form: '导师带学', when: '2023年5月至7月' },
          { content: '实践锻炼段：积极分子参加乡村支教、社区音乐课等实践不少于20小时', form: '实践锻炼', when: '2023年9月至11月' },
          { content: '综合评议段：党员、群众、辅导员三方评议，结果记入考察材料', form: '三方评议', when: '2023年12月' },
        ],
        expectedOutcomes: '完成对30名入党积极分子的三段式培养和考察记录；形成《入党积极分子培养考察手册》；发展对象群众评议满意率100%。',
        leader: leaderOf('yinjiao-xuesheng'),
        members: ['包文静', '曲歌', '任航'],
        contact: contactOf('yinjiao-xuesheng', 6618),
      },
      drafted: '2023-03-15 19:00',
      submitted: '2023-03-27 20:00',
      review: {
        base: { direction: 16, innovation: 14, practicality: 15, breadth: 15, exemplarity: 14 },
        comments: ['把实践表现纳入考察，有助于提高发展党员质量。', '三段设计清晰，评议标准需要细化。', '手册成果可供学生党支部参考。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-10-18 19:00', text: '理论学习段完成，导师带学3次；28名积极分子参加实践锻炼，人均21小时。' }],
      finalReport: { at: '2023-12-13 19:00', summary: '完成28名积极分子的三段式培养，考察记录完整；三方评议满意率100%；手册初稿完成。' },
      outcome: { at: '2023-12-22 10:30', grade: 'qualified', comment: '完成主要目标，手册尚待完善，评为合格。' },
    },
    {
      key: 'yinjiao-lesson-prep',
      unit: 'yinjiao-jiaogong',
      category: 'vanguard',
      direction: 'political_life',
      title: '教研室集体备课党员示范',
      letter: {
        rationale: '教研室集体备课参与不积极，拟由党员带头参加。',
        activities: [
          { content: '党员带头参加每周集体备课', form: '集体备课', when: '2023年全年' },
          { content: '期末教学检查中党员先查', form: '教学检查', when: '2023年6月、12月' },
        ],
        expectedOutcomes: '集体备课出勤率提高。',
        leader: leaderOf('yinjiao-jiaogong'),
        members: ['彭飞', '肖然'],
        contact: contactOf('yinjiao-jiaogong', 6610),
      },
      drafted: '2023-03-20 10:00',
      submitted: '2023-03-29 15:30',
      precheckRejected:
        '申报内容为教研室集体备课和期末教学检查，属常规性教学工作，不符合立项要求（见通知第四条第2款“不以常规性教学、科研、艺术实践和管理工作代替或充当党建活动”）。',
    },
    {
      key: 'tushuguan-red-scores',
      unit: 'tushuguan',
      category: 'fortress',
      direction: 'service',
      title: '“红色乐谱”文献数字化与党员服务专区',
      letter: {
        rationale:
          '图书馆藏有一批建国前后的红色歌曲油印乐谱和老唱片，纸张老化，师生查找不便，在课程思政和创作中利用率很低。' +
          '支部拟由党员牵头开展抢救性数字化，并在馆内设立党员服务专区，让红色音乐文献“活起来”。',
        activities: [
          { content: '党员业务骨干组成数字化小组，完成红色乐谱的扫描、著录和校对', form: '文献数字化', when: '2023年5月至10月' },
          { content: '设立“红色乐谱”党员服务专区，党员轮值提供检索、导读服务', form: '服务专区', when: '2023年6月起' },
          { content: '与作曲系、声乐歌剧系联合举办“红色乐谱里的党史”展览', form: '专题展览', when: '2023年11月' },
        ],
        expectedOutcomes: '完成不少于500份红色乐谱数字化并在校内数据库上线；服务专区全年服务师生1000人次；举办专题展览一场。',
        leader: leaderOf('tushuguan'),
        members: ['陶然', '祝红', '葛亮'],
        contact: contactOf('tushuguan', 6702),
      },
      drafted: '2023-03-08 11:00',
      submitted: '2023-03-16 14:20',
      review: {
        base: { direction: 17, innovation: 17, practicality: 17, breadth: 15, exemplarity: 17 },
        comments: ['立足馆藏特色，抢救性数字化意义明确。', '服务专区与展览结合，党员作用具体。', '与院系联动办展，辐射面可进一步扩大。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-08-30 15:00', text: '已完成乐谱扫描380份、著录260份；服务专区开放以来接待师生420人次。' }],
      finalReport: { at: '2023-12-07 15:00', summary: '完成红色乐谱数字化612份并在校内数据库上线；专区服务师生1180人次；11月举办专题展览，参观师生1500余人次。' },
      outcome: { at: '2023-12-22 14:00', grade: 'second', comment: '馆藏特色突出，成果可持续利用，评为二等奖。' },
    },
    {
      key: 'fuzhong-home-visits',
      unit: 'fuzhong',
      category: 'vanguard',
      direction: 'member_service',
      title: '党员教师“一对一”家校联系',
      letter: {
        rationale: '附中学生年龄小、住校比例高，家校沟通不足，学生心理问题发现不及时。支部拟由党员教师“一对一”联系住校学生家庭。',
        activities: [
          { content: '每名党员教师联系3至5名住校学生家庭，每月电话或走访一次，建立台账', form: '家校联系', when: '2023年5月至12月' },
          { content: '每学期召开一次党员教师家校工作交流会', form: '交流会', when: '2023年7月、12月' },
        ],
        expectedOutcomes: '联系覆盖全部住校学生家庭；形成家校联系台账；家长满意率90%以上。',
        leader: leaderOf('fuzhong'),
        members: ['金鑫', '闫雪', '苗壮'],
        contact: contactOf('fuzhong', 6801),
      },
      drafted: '2023-03-16 09:00',
      submitted: '2023-03-28 16:00',
      review: {
        base: { direction: 15, innovation: 13, practicality: 15, breadth: 14, exemplarity: 13 },
        comments: ['关注住校学生，需求真实。', '活动设计较单一，缺少过程考核。', '台账管理可行，建议明确家长满意度的测评方式。'],
      },
      decision: { approve: true },
      progress: [{ at: '2023-07-14 09:00', text: '已建立家校联系台账，联系住校学生家庭48户。' }],
      finalReport: { at: '2023-12-14 09:00', summary: '因人员调整，下半年家校联系中断，台账仅覆盖约四成住校学生家庭，12月交流会未召开。' },
      outcome: { at: '2023-12-22 15:00', fail: '主要活动未按计划开展，台账覆盖不足四成，未达到目标责任书约定的成果，不予结项。' },
    },
    {
      key: 'zuoqu-double-mentor',
      unit: 'zuoqu-jiaogong',
      category: 'vanguard',
      direction: 'member_management',
      title: '青年教师党员“专业+党性”双导师培养',
      letter: {
        rationale: '作曲系近三年新入职青年教师7人，其中党员4人，专业成长有导师，党性锻炼缺少系统安排。',
        leader: leaderOf('zuoqu-jiaogong'),
      },
      drafted: '2023-03-22 16:00',
    },
  ],
};

/**
 * An invented second round, created by the first release (round@1) and moved in flight to the
 * second edition when the new release arrives in April 2024, its panel closed and the committee
 * not yet met: from there it runs round@2's 公示 over the 劳动节 holiday (an objection upheld and a
 * decision reversed, another objection dismissed), the signed list published, a year of work, and
 * round@2's 结项评审, the committee confirming the grades and a first prize recommended upward.
 */
export const ROUND_2024: DemoRound = {
  key: '2024',
  illustrative: true,
  created: '2024-03-04 09:00',
  schedule: { close: '2024-04-01 09:00', checks: '2024-04-02 09:00', startReview: '2024-04-03 09:00', reviewsFrom: '2024-04-07 14:00', panelClose: '2024-04-17 09:00' },
  extensions: [
    {
      unit: 'wudao-jiaogong',
      at: '2024-03-27 11:00',
      submissionDeadline: '2024-03-31',
      reason: '支部书记带队参加全国舞蹈展演，申报材料延至3月31日报送（示例）',
    },
  ],
  amendments: [
    {
      at: '2024-11-15 10:00',
      changes: { acceptanceOpensOn: '2024-12-02' },
      reason: '各项目年度活动已基本完成，经党委组织部研究，结项验收自2024年12月2日起开展（示例）',
    },
  ],
  migration: {
    at: '2024-04-19 09:00',
    reason: '系统新版本上线：2024年度立项批次评审已完成、党委尚未研究，改按第二版流程（拟立项名单公示、结项评审、党委确认等级）继续办理（示例）',
  },
  publicity: {
    // Thursday 25 April: five working days are 26, 28 (Sunday, 调休), 29, 30 April and 6 May, after 劳动节.
    concludedAt: '2024-04-25 11:00',
    objections: [
      {
        at: '2024-04-26 15:00',
        by: 'applicant-jiguan-jiaoke',
        project: 'wudao-course-ideology',
        reason: '该项目拟建设的民族民间舞、舞蹈史两门课程的思政案例，已列入学校2024年课程思政示范课程建设项目并由教务处资助，属同一内容重复立项。',
        handling: {
          at: '2024-04-29 10:00',
          outcome: 'upheld',
          response: '经向教务处核实，两门课程的思政案例建设已列入2024年课程思政示范课程项目并获经费资助，异议成立；已提请党委会议复议，并建议该支部另选题目于下一年度申报。',
        },
      },
      {
        at: '2024-04-28 16:00',
        by: 'applicant-yinjiao-xuesheng',
        project: 'yinjiao-points',
        reason: '支部已按评审意见修改积分细则，增加志愿服务和群众评议指标，请求对不予立项的决定予以复议。',
        handling: {
          at: '2024-05-06 10:00',
          outcome: 'dismissed',
          response: '经核实，修改后的积分细则尚未经支部委员会审议通过，评审意见仍然成立，异议不成立；欢迎完善后参加2025年度申报。',
        },
      },
    ],
    reversals: [
      {
        at: '2024-04-30 15:00',
        project: 'wudao-course-ideology',
        reason: '根据第1号异议的核实结果，该项目与学校课程思政示范课程建设项目内容重复，经党委会议复议，改为不予立项。',
        meetingReference: '2024年第9次党委会议（示例）',
      },
    ],
    publication: { at: '2024-05-08 10:00', documentNumber: '党委〔2024〕11号', publishedOn: '2024-05-08' },
  },
  acceptanceReview: { openedAt: '2024-12-02 09:00', panel: '2024年度结项评审组', confirmedAt: '2025-01-09 15:00', meetingReference: '2025年第1次党委会议（示例）' },
  body: {
    year: 2024,
    title: '2024年度“堡垒巩固工程”和“党员先锋工程”立项（示例）',
    documentNumber: '办字〔2024〕6号',
    submissionDeadline: '2024-03-29',
    revisionDeadline: '2024-04-19',
    finalAcceptanceDate: '2024-12-31',
    funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    minReviews: 3,
    scoreScale: { min: 0, max: 20 },
    requireSignedLetter: true,
    contacts: NOTICE_CONTACTS,
  },
  projects: [
    {
      key: 'jiguan-monthly-lesson',
      unit: 'jiguan',
      category: 'fortress',
      direction: 'soul',
      title: '机关党员“每月一课”理论学习品牌',
      letter: {
        rationale: '机关党员事务性工作多，理论学习时间难保证，学习多为读文件。机关党委拟打造“每月一课”品牌，由处级党员干部轮流授课，学理论、讲业务、谈作风。',
        activities: [
          { content: '处级党员干部按月轮流讲授理论微党课，每课30分钟', form: '微党课', when: '2024年5月至12月，每月第一周' },
          { content: '课后开展“学了怎么干”交流，形成每月一份学习转化清单', form: '研讨交流', when: '每次课后' },
          { content: '年末评选“最受欢迎微党课”，在校园网展播', form: '评选展播', when: '2024年12月' },
        ],
        expectedOutcomes: '全年授课8次，形成学习转化清单8份、微党课视频8部；机关党员参学率95%以上。',
        leader: leaderOf('jiguan'),
        members: ['赵丽', '吴海峰', '钱雪'],
        contact: contactOf('jiguan', 6101),
      },
      drafted: '2024-03-07 10:00',
      submitted: '2024-03-21 15:00',
      review: {
        base: { direction: 18, innovation: 15, practicality: 17, breadth: 17, exemplarity: 16 },
        comments: ['学用转化有清单，避免学习空转。', '授课人安排合理，建议增加普通党员授课。', '品牌化思路清晰。'],
      },
      decision: { approve: true },
      progress: [
        { at: '2024-07-05 15:00', text: '已授课3次（党纪学习教育、服务师生的作风要求、机关数字化办公），形成学习转化清单3份，机关党员参学率97%。' },
        { at: '2024-10-10 15:00', text: '累计授课6次，其中2次由普通党员授课；学习转化清单中“报销预约制”“证明材料网上开具”等5项措施已落地。' },
      ],
      finalReport: {
        at: '2024-12-04 10:00',
        summary: '全年授课8次，机关党员平均参学率96%；形成学习转化清单8份，其中12项措施落地；微党课视频8部在校园网展播，累计观看4300余人次；评出“最受欢迎微党课”2部。',
      },
      acceptance: {
        base: { completion: 18, effect: 17, documentation: 17 },
        comments: ['授课计划全部完成，学习转化清单逐月可查。', '12项措施落地，学用结合有实效；普通党员授课比例仍可提高。', '视频和清单材料规范，品牌已初步形成。'],
        reviewedFrom: '2024-12-16 14:00',
        proposal: { at: '2024-12-27 10:00', grade: 'second', comment: '学用转化清单落地见效，材料规范，建议评为二等奖。' },
      },
    },
    {
      key: 'shengyue-rural-classroom',
      unit: 'shengyue',
      category: 'vanguard',
      direction: 'member_platforms',
      title: '声乐党员先锋岗进乡村音乐课堂',
      letter: {
        rationale: '对口帮扶地区乡村学校音乐教师紧缺，学生很少接受系统的歌唱训练。党总支拟设立声乐党员先锋岗，由师生党员定期赴乡村学校授课。',
        activities: [
          { content: '师生党员组成先锋岗小组，与两所乡村小学结对', form: '先锋岗 + 结对', when: '2024年5月' },
          { content: '每月一次赴校授课，并通过网络每周辅导合唱排练', form: '线下授课 + 线上辅导', when: '2024年5月至11月' },
          { content: '指导结对学校合唱团举办汇报演出', form: '汇报演出', when: '2024年12月' },
        ],
        expectedOutcomes: '结对学校各组建合唱团一支；授课不少于14次；举办汇报演出两场。',
        leader: leaderOf('shengyue'),
        members: ['李振华', '宁静', '付晓光'],
        contact: contactOf('shengyue', 6402),
      },
      drafted: '2024-03-08 14:00',
      submitted: '2024-03-26 10:00',
      review: {
        base: { direction: 17, innovation: 16, practicality: 17, breadth: 16, exemplarity: 17 },
        comments: ['专业优势服务乡村振兴，党员岗位明确。', '线上线下结合，安排可行。', '需要测算往返交通与安全保障。'],
      },
      decision: { approve: true },
      progress: [
        { at: '2024-06-28 16:00', text: '与朝阳县两所乡村小学完成结对，各组建合唱团一支（共86名学生）；赴校授课2次，线上辅导排练6次。' },
        { at: '2024-10-15 16:00', text: '累计赴校授课9次、线上辅导22次；按评审意见制定往返交通和安全保障预案，每次由一名教工党员带队。' },
      ],
      finalReport: {
        at: '2024-12-05 14:00',
        summary: '全年赴校授课15次、线上辅导31次；两所学校合唱团12月分别举办汇报演出，观众600余人；《乡村小学合唱教学手册》初稿完成；朝阳县教育局来函致谢。',
      },
      acceptance: {
        base: { completion: 19, effect: 19, documentation: 18 },
        comments: ['授课和演出均超额完成，党员先锋岗作用突出。', '乡村学生受益明显，县教育局来函为证，示范性强。', '手册尚为初稿，建议正式出版前再请一线教师试用。'],
        reviewedFrom: '2024-12-16 14:00',
        proposal: { at: '2024-12-27 10:30', grade: 'first', comment: '成效突出，以专业优势服务乡村振兴特色鲜明，建议评为一等奖并推荐参加上级评选。' },
      },
      recommend: { at: '2025-01-10 15:00', note: '推荐参加省委教育工委高校党建工作示范项目评选（示例）。' },
      recommendationOutcome: { at: '2025-03-20 10:00', outcome: 'selected', level: '省级', note: '入选省委教育工委2024年度高校党建工作示范项目（示例）。' },
    },
    {
      key: 'wudao-course-ideology',
      unit: 'wudao-jiaogong',
      category: 'fortress',
      direction: 'integration',
      title: '“舞蹈思政”课程共建',
      letter: {
        rationale: '舞蹈专业课程以技能训练为主，思政元素挖掘不足。支部拟由教工党员牵头，在民族民间舞、舞蹈史两门课中共建课程思政案例。',
        activities: [
          { content: '教工党员与专业教师组成课程共建小组，梳理两门课程的思政元素', form: '集体备课', when: '2024年5月至6月' },
          { content: '每门课程建设6个课程思政教学案例，开展公开课', form: '案例建设 + 公开课', when: '2024年9月至11月' },
        ],
        expectedOutcomes: '建成课程思政案例12个，公开课4节，形成案例集一册。',
        leader: leaderOf('wudao-jiaogong'),
        members: ['贺兰', '方振宇'],
        contact: contactOf('wudao-jiaogong', 6508),
      },
      drafted: '2024-03-11 09:00',
      submitted: '2024-03-31 10:00',
      review: {
        base: { direction: 17, innovation: 15, practicality: 16, breadth: 14, exemplarity: 15 },
        comments: ['课程思政切入点明确。', '需说明与学院课程思政常规建设的区别。', '案例集可共享。'],
      },
      // Approved, then reversed during the 公示 after an objection (see the round's publicity).
      decision: { approve: true },
    },
    {
      key: 'zuoqu-micro-lessons',
      unit: 'zuoqu-jiaogong',
      category: 'vanguard',
      direction: 'member_education',
      title: '“作曲家笔下的党史”微党课创作',
      letter: {
        rationale: '教工党员党课形式单一。支部拟由党员教师选取党史上的经典歌曲，从作曲技法和创作背景讲党史，录制系列微党课。',
        activities: [
          { content: '党员教师每人选取一首经典歌曲，撰写讲稿', form: '集体备课', when: '2024年5月至6月' },
          { content: '录制“作曲家笔下的党史”系列微党课并在学习平台发布', form: '微党课', when: '2024年9月至11月' },
        ],
        expectedOutcomes: '录制微党课不少于8集，在全院党支部学习中使用。',
        leader: leaderOf('zuoqu-jiaogong'),
        members: ['邵明哲', '蒋一鸣'],
        contact: contactOf('zuoqu-jiaogong', 6308),
      },
      drafted: '2024-03-12 15:00',
      submitted: '2024-03-28 11:00',
      review: {
        base: { direction: 18, innovation: 17, practicality: 16, breadth: 15, exemplarity: 17 },
        comments: ['以作曲专业视角讲党史，切口新颖，党员教师参与面广。', '微党课的发布渠道和在支部学习中的使用方式可再具体。', '选曲有代表性，建议配套讲稿汇编，便于各支部复用。'],
        done: 2,
        replaced: {
          slot: 2,
          at: '2024-04-15 10:00',
          reason: '评审人随团外出演出至4月底，无法按期评分，改由评审组其他成员评审（示例）',
          scoredAt: '2024-04-16 15:00',
        },
      },
      decision: { approve: true },
      progress: [{ at: '2024-07-10 11:00', text: '6名党员教师完成选曲和讲稿初稿，选曲包括《义勇军进行曲》《没有共产党就没有新中国》《我和我的祖国》等。' }],
      finalReport: {
        at: '2024-12-06 11:00',
        summary: '录制微党课8集并在学习平台发布，累计学习1.2万人次；讲稿汇编成册，全院14个党支部在组织生活中使用。',
      },
      acceptance: {
        base: { completion: 17, effect: 16, documentation: 16 },
        comments: ['8集微党课全部完成，讲稿汇编便于各支部复用。', '视频制作质量参差，部分课程时长偏长。', '专业视角讲党史有新意。'],
        reviewedFrom: '2024-12-16 14:00',
        proposal: { at: '2024-12-27 11:00', grade: 'third', comment: '成果完成，讲稿汇编有推广价值；视频质量参差，建议评为三等奖。' },
      },
    },
    {
      key: 'yinjiao-points',
      unit: 'yinjiao-xuesheng',
      category: 'vanguard',
      direction: 'member_supervision',
      title: '学生党员“积分制”管理',
      letter: {
        rationale: '学生党员日常表现缺少量化记录，民主评议凭印象。支部拟实行积分制管理，按月公示。',
        activities: [
          { content: '制定学生党员积分细则，涵盖学习、组织生活、志愿服务', form: '制度建设', when: '2024年5月' },
          { content: '按月统计积分并在支部内公示', form: '积分公示', when: '2024年6月至12月' },
        ],
        expectedOutcomes: '形成积分细则，积分结果作为民主评议依据。',
        leader: leaderOf('yinjiao-xuesheng'),
        members: ['曲歌', '任航'],
        contact: contactOf('yinjiao-xuesheng', 6618),
      },
      drafted: '2024-03-13 19:00',
      submitted: '2024-03-25 20:00',
      review: {
        base: { direction: 14, innovation: 12, practicality: 13, breadth: 12, exemplarity: 11 },
        comments: ['积分指标以考勤为主，与监督方向关联不强。', '公示方式需考虑学生隐私。', '建议完善后再报。'],
      },
      decision: { reject: '积分指标以考勤为主，与“党员监督”方向关联不强，评审意见分歧较大，建议完善后下一年度再报。' },
    },
    {
      key: 'yinjiao-teacher-ideals',
      unit: 'yinjiao',
      category: 'fortress',
      direction: 'soul',
      title: '“乐教育人”师范生理想信念教育',
      letter: {
        rationale: '音乐教育学院师范生毕业后多数到基层学校任教，但部分学生从教意愿不强。党总支拟开展理想信念教育，坚定学生扎根基层的信念。',
        activities: [
          { content: '邀请优秀校友回校讲述基层从教经历', form: '报告会', when: '2024年' },
          { content: '组织师范生赴基层学校见习', form: '见习', when: '2024年' },
        ],
        expectedOutcomes: '增强学生从教意愿。',
        leader: leaderOf('yinjiao'),
        members: ['包文静', '彭飞'],
        contact: contactOf('yinjiao', 6605),
      },
      drafted: '2024-03-14 10:00',
      submitted: '2024-03-29 17:30',
      revision: {
        returned: '2024-04-02 10:00',
        comment: '预期成果未量化，活动时间与学期安排冲突，请修改后于4月19日（重新申报截止日）前重新申报。',
        letter: {
          activities: [
            { content: '邀请5位在县乡学校任教的优秀校友回校，讲述基层从教经历', form: '“榜样说”报告会', when: '2024年5月、10月' },
            { content: '组织三年级师范生赴对口县区学校见习一周，党员教师带队', form: '教育见习', when: '2024年9月' },
            { content: '见习归来后开展“我为什么当老师”主题党日，形成见习感悟集', form: '主题党日', when: '2024年10月' },
          ],
          expectedOutcomes: '报告会两场、见习学生不少于60人、见习感悟集一册；毕业生到基层学校就业人数较上年增加10%。',
        },
        resubmitted: '2024-04-02 16:00',
        checked: '2024-04-02 17:30',
      },
      review: {
        base: { direction: 16, innovation: 14, practicality: 16, breadth: 15, exemplarity: 14 },
        comments: ['修改后成果已量化，见习安排落到学期。', '理想信念教育与专业见习结合，方向正确。', '就业指标受多种因素影响，建议同时跟踪毕业生反馈。'],
      },
      decision: { approve: true },
      progress: [{ at: '2024-10-12 10:00', text: '5月、10月各举办“榜样说”报告会一场；9月组织64名三年级师范生赴建平县学校见习一周，党员教师4人带队。' }],
      finalReport: {
        at: '2024-12-09 10:00',
        summary: '报告会两场、见习学生64人、见习感悟集一册；2024届毕业生到基层学校就业人数较上年增加8%，未达到10%的预期。',
      },
      acceptance: {
        base: { completion: 15, effect: 14, documentation: 16 },
        comments: ['活动按计划完成，感悟集内容真实。', '就业指标未达预期，成效有待持续跟踪。', '材料齐全规范。'],
        reviewedFrom: '2024-12-16 14:00',
        proposal: { at: '2024-12-27 11:30', grade: 'qualified', comment: '活动按计划完成，就业指标略低于预期，建议评为合格。' },
      },
    },
    {
      key: 'tushuguan-books-to-practice-rooms',
      unit: 'tushuguan',
      category: 'vanguard',
      direction: 'member_service',
      title: '党员馆员“送书到琴房”',
      letter: {
        rationale: '琴房区距图书馆较远，学生借阅乐谱不便。',
        leader: leaderOf('tushuguan'),
        members: ['陶然'],
      },
      drafted: '2024-03-15 11:00',
    },
  ],
};

/**
 * An invented 2025 round, called after the 2024 list was published and created by the new release
 * (round@2): under review in April 2025, the committee has approved one project and not yet taken
 * up another; the panel of a third is still open, a reviewer yet to score.
 */
export const ROUND_2025: DemoRound = {
  key: '2025',
  illustrative: true,
  created: '2024-05-20 09:00',
  schedule: { close: '2025-03-31 09:00', checks: '2025-03-31 10:00', startReview: '2025-04-01 09:00', reviewsFrom: '2025-04-02 14:00', panelClose: '2025-04-14 09:00' },
  body: {
    year: 2025,
    title: '2025年度“堡垒巩固工程”和“党员先锋工程”立项（示例）',
    documentNumber: '办字〔2024〕15号',
    submissionDeadline: '2025-03-28',
    finalAcceptanceDate: '2025-12-31',
    funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    minReviews: 3,
    scoreScale: { min: 0, max: 20 },
    requireSignedLetter: true,
    contacts: NOTICE_CONTACTS,
    prizeCaps: { first: 2, second: 4 },
  },
  projects: [
    {
      key: 'yinjiao-points-again',
      unit: 'yinjiao-xuesheng',
      category: 'vanguard',
      direction: 'member_supervision',
      title: '学生党员“积分制”管理（完善后再报）',
      letter: {
        rationale: '2024年度申报未获立项，评审意见指出积分指标以考勤为主、与党员监督关联不强。支部据此重新设计积分指标，突出党员承诺践诺和群众评议。',
        activities: [
          { content: '积分指标改为“承诺践诺、志愿服务、群众评议”三类，每月由支部委员会审核', form: '积分管理', when: '2025年4月至12月' },
          { content: '每季度请非党员同学对党员积分表现进行匿名评议，结果计入积分', form: '群众评议', when: '2025年6月、9月、12月' },
          { content: '年末积分靠后的党员在组织生活会上作说明，支部提出改进要求', form: '组织生活会', when: '2025年12月' },
        ],
        expectedOutcomes: '形成学生党员积分管理办法一份；群众评议覆盖全体学生党员；组织生活会整改清单一份。',
        leader: leaderOf('yinjiao-xuesheng'),
        members: ['曲歌', '任航', '沈一帆'],
        contact: contactOf('yinjiao-xuesheng', 6618),
      },
      drafted: '2024-05-22 10:00',
      submitted: '2024-06-05 16:00',
      review: {
        base: { direction: 17, innovation: 15, practicality: 16, breadth: 16, exemplarity: 15 },
        comments: ['按上年评审意见完善，监督指标与群众评议挂钩。', '积分细则已经支部委员会审议，可操作。', '匿名评议的组织方式需注意保护学生隐私。'],
      },
      decision: { approve: true },
    },
    {
      key: 'zuoqu-community-volunteers',
      unit: 'zuoqu-xuesheng',
      category: 'vanguard',
      direction: 'member_platforms',
      title: '学生党员“音乐进社区”志愿服务队',
      letter: {
        rationale: '学校周边三个社区老年人多、文化活动少，社区多次来函希望学生提供音乐服务；作曲系学生党员有创作和演奏特长，但志愿服务零散、缺少固定阵地。',
        activities: [
          { content: '学生党员牵头组建“音乐进社区”志愿服务队，与三个社区签订共建协议', form: '志愿服务队', when: '2025年4月至5月' },
          { content: '每月在社区举办一次“家门口的音乐会”，为老年合唱队编配曲目', form: '社区演出 + 编配辅导', when: '2025年5月至11月' },
          { content: '年末与社区联合评议服务成效，表现突出的队员在支部大会上交流', form: '联合评议', when: '2025年12月' },
        ],
        expectedOutcomes: '签订共建协议3份；社区音乐会不少于7场；为老年合唱队编配曲目10首以上；社区评议满意率90%以上。',
        leader: leaderOf('zuoqu-xuesheng'),
        members: ['段雨晴', '高博文', '潘悦'],
        contact: contactOf('zuoqu-xuesheng', 6311),
      },
      drafted: '2025-03-03 10:00',
      submitted: '2025-03-20 15:00',
      review: {
        base: { direction: 16, innovation: 15, practicality: 17, breadth: 16, exemplarity: 15 },
        comments: ['需求来自社区，服务阵地固定。', '编配曲目发挥专业特长，建议附上社区来函。', '共建协议尚未签订，建议党委研究前补充。'],
      },
    },
    {
      key: 'fuzhong-home-visits-again',
      unit: 'fuzhong',
      category: 'vanguard',
      direction: 'member_service',
      title: '党员教师“一对一”家校联系（整改后再报）',
      letter: {
        rationale: '2023年度项目因人员调整中断、未通过结项。支部总结教训，改为党员教师与班主任“双人”联系住校学生家庭，一人调整时另一人接续，台账每月由支部委员核查。',
        activities: [
          { content: '每名党员教师与一名班主任结对，共同联系4至6名住校学生家庭，每月电话或走访一次', form: '家校联系', when: '2025年4月至12月' },
          { content: '支部委员每月核查台账，人员调整时当月完成交接', form: '台账核查', when: '每月末' },
          { content: '每学期召开一次家长座谈会，听取意见并公开改进措施', form: '家长座谈会', when: '2025年7月、12月' },
        ],
        expectedOutcomes: '联系覆盖全部住校学生家庭；台账按月核查无中断；家长满意率90%以上。',
        leader: leaderOf('fuzhong'),
        members: ['金鑫', '闫雪', '苗壮', '韩冬'],
        contact: contactOf('fuzhong', 6801),
      },
      drafted: '2025-03-06 09:00',
      submitted: '2025-03-26 16:00',
      review: {
        base: { direction: 16, innovation: 14, practicality: 16, breadth: 15, exemplarity: 14 },
        comments: ['正视上年未结项的原因，整改措施具体。', '“双人”联系可避免中断，台账核查机制可行。', '家长满意度测评方式需写明。'],
        // The third reviewer has not scored yet: the panel of this project is still open.
        done: 2,
        panelClosed: false,
      },
    },
  ],
};

/**
 * An invented 2026 round, called in spring 2025 and still open: a project submitted, awaiting its
 * check (a project is `submitted` only while its round takes submissions: the review starts once
 * every submission is checked).
 */
export const ROUND_2026: DemoRound = {
  key: '2026',
  illustrative: true,
  created: '2025-04-28 09:00',
  body: {
    year: 2026,
    title: '2026年度“堡垒巩固工程”和“党员先锋工程”立项（示例）',
    documentNumber: '办字〔2025〕9号',
    submissionDeadline: '2026-03-27',
    finalAcceptanceDate: '2026-12-31',
    funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    minReviews: 3,
    scoreScale: { min: 0, max: 20 },
    requireSignedLetter: true,
    contacts: NOTICE_CONTACTS,
  },
  projects: [
    {
      key: 'tushuguan-books-to-practice-rooms-again',
      unit: 'tushuguan',
      category: 'vanguard',
      direction: 'member_service',
      title: '党员馆员“送书到琴房”服务',
      letter: {
        rationale:
          '琴房区距图书馆1.5公里，学生练琴间隙借还乐谱不便，2024年问卷中62%的学生表示“想借谱但懒得跑”。2024年度草稿未能成形，支部调研后重新申报：由党员馆员在琴房区设流动服务点。',
        activities: [
          { content: '在琴房区设“红色乐谱”流动服务点，党员馆员每周二、四下午轮值，现场借还和预约乐谱', form: '流动服务点', when: '2026年4月至12月' },
          { content: '开通乐谱线上预约，党员馆员次日送达琴房区服务点', form: '预约送书', when: '2026年5月起' },
          { content: '每学期邀请学生代表座谈，调整服务时间和书目', form: '学生座谈', when: '2026年6月、12月' },
        ],
        expectedOutcomes: '服务点全年服务学生不少于1500人次；预约送书不少于600册次；学生满意率90%以上。',
        leader: leaderOf('tushuguan'),
        members: ['陶然', '祝红', '葛亮'],
        contact: contactOf('tushuguan', 6702),
      },
      drafted: '2025-05-06 10:00',
      submitted: '2025-05-16 15:00',
    },
  ],
};

export const ROUNDS: DemoRound[] = [ROUND_2023, ROUND_2024, ROUND_2025, ROUND_2026];

/**
 * The new release arrives: the service, until then the first release (round@1 and project@1 only),
 * restarts on the same database with the definitions this build ships. Rounds created from then on
 * run round@2; the 2024 round is moved in flight by its `migration`; the 2023 round keeps round@1.
 */
export const NEW_RELEASE_AT: When = '2024-04-18 20:00';

/** The working-day calendar org_dept sets before the 2024 公示: 劳动节 and its adjusted working days (调休). */
export const CALENDARS: DemoCalendar[] = [
  {
    at: '2024-04-22 09:00',
    year: 2024,
    holidays: ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05'],
    workdays: ['2024-04-28', '2024-05-11'],
    reason: '国务院办公厅关于2024年部分节假日安排的通知：劳动节5月1日至5日放假调休，4月28日（星期日）、5月11日（星期六）上班',
  },
];

/** What the committee and org_dept record: illustrative meeting references and documents. */
export const COMMITTEE = {
  '2023': {
    decidedAt: '2023-05-09 15:00',
    meetingReference: '2023年第9次党委会议（示例）',
    publication: { at: '2023-05-12 10:00', documentNumber: '党委〔2023〕15号', publishedOn: '2023-05-12' },
  },
  '2024': { decidedAt: '2024-04-25 09:00', meetingReference: '2024年第8次党委会议（示例）' },
  '2025': { decidedAt: '2025-04-22 15:00', meetingReference: '2025年第7次党委会议（示例）' },
} as const;
