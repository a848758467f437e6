/**
 * 结项评审 (project@2) over HTTP: org_dept assigns members of the round's acceptance panel to a
 * project's final report, a reviewer reads its acceptance worklist, and org_dept, the committee and
 * auditors read the round's acceptance scores.
 */
import { Type } from 'typebox';
import { principalOf } from '../plugins/auth.js';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';
import {
  ACCEPTANCE_ASSIGNMENT_EXAMPLE,
  ACCEPTANCE_SCORES_EXAMPLE,
  ACCEPTANCE_WORKLIST_EXAMPLE,
  AcceptanceAssignmentSchema,
  AcceptanceScoresSchema,
  AcceptanceWorklistItemSchema,
  AssignAcceptanceReviewerBody,
  ReplaceAcceptanceReviewerBody,
} from './acceptance.schemas.js';
import { ReplaceParams, ReplacementSchema } from '../panel/panel.schemas.js';
import type { AcceptanceService } from './acceptance.service.js';
import type { ProjectsService } from './projects.service.js';

export async function acceptanceRoutes(app: App, { projects, acceptance }: { projects: ProjectsService; acceptance: AcceptanceService }) {
  app.post(
    '/projects/:id/acceptance-reviewers',
    idempotentCreate({
      config: { roles: ['org_dept'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'assignAcceptanceReviewer',
        tags: ['projects'],
        summary: '分配结项评审人 / Assign an acceptance reviewer',
        description: [
          '为结项验收中的项目（project@2）从本批次结项评审组中分配结项评审人，记一条 ASSIGN_ACCEPTANCE_REVIEWER 日志。利益冲突规则同评审组（按批次的 conflictScope）。',
          '409：项目不在结项验收中（wrong_state）、批次未组建结项评审组或无在任成员（panel_not_named、panel_empty）、重复分配（already_assigned）；',
          '422：不是有效评审人（not_a_reviewer）、不是结项评审组在任成员（not_on_panel）、利益冲突（conflict_of_interest，列出冲突单位）。带 `Idempotency-Key` 时重复请求重放首次应答。',
          '',
          'Assigns a member of the round’s acceptance panel to a project under final acceptance (project@2), with an ASSIGN_ACCEPTANCE_REVIEWER log entry,',
          'under the same conflict-of-interest rules as the review panel (the round’s conflictScope). 409: the project is not under final acceptance',
          '(wrong_state), the round has no acceptance panel or no active member (panel_not_named, panel_empty), a second assignment (already_assigned);',
          '422: not an active reviewer (not_a_reviewer), not an active member of the acceptance panel (not_on_panel), a conflict of interest',
          '(conflict_of_interest, naming the unit). With `Idempotency-Key`, a repeated request replays the first answer.',
        ].join('\n'),
        params: IdParams,
        body: AssignAcceptanceReviewerBody,
        response: {
          201: json(Type.Array(ref(AcceptanceAssignmentSchema)), '项目的全部结项评审分配 / Every acceptance assignment of the project', {
            assigned: { summary: '一名结项评审人 / One acceptance reviewer', value: [ACCEPTANCE_ASSIGNMENT_EXAMPLE] },
          }),
          ...problems('not-found', 'conflict', 'unprocessable'),
        },
      },
    }),
    async (request, reply) => reply.code(201).send(await projects.assignAcceptanceReviewer(principalOf(request), request.params.id, request.body.reviewerId, request.id)),
  );

  app.get(
    '/projects/:id/acceptance-reviewers',
    {
      config: { roles: ['org_dept', 'committee', 'auditor'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'listAcceptanceReviewers',
        tags: ['projects'],
        summary: '结项评审分配 / The project’s acceptance reviewers',
        description:
          '项目的结项评审分配及是否已评分，按分配顺序分页；已更换的分配也列出（state replaced，接替者、时间与理由）。\n' +
          'The project’s acceptance review assignments and whether each has scored, in assignment order, a page at a time; replaced ones are listed too ' +
          '(state replaced, with the replacement, when and why).',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(ref(AcceptanceAssignmentSchema), '一页结项评审分配 / A page of acceptance assignments'),
            '结项评审分配 / The acceptance assignments',
            pageExamples({
              assigned: { summary: '一名已评分的结项评审人 / One acceptance reviewer who has scored', value: [{ ...ACCEPTANCE_ASSIGNMENT_EXAMPLE, reviewed: true }] },
            }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => projects.listAcceptanceReviewers(principalOf(request), request.params.id, request.query),
  );

  app.post(
    '/projects/:id/acceptance-reviewers/:reviewerId/replace',
    idempotentCreate({
      config: { roles: ['org_dept', 'admin'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'replaceAcceptanceReviewer',
        tags: ['projects'],
        summary: '更换结项评审人 / Replace an acceptance reviewer',
        description: [
          '原结项评审分配标记为已更换（REPLACE_ACCEPTANCE_REVIEWER，理由必填），接替者按结项评审组与回避规则分配（ASSIGN_ACCEPTANCE_REVIEWER，记明接替谁），在同一事务中。',
          '被更换者不再出现在其结项评审工作清单中、不能评分，也不计入建议等级所需的结项评审份数与待评人数。已提交评分的不能更换（409 `review_submitted`）；',
          '已更换 409 `already_replaced`；原评审人未分配此项目的结项评审 404；项目不在结项验收中 409 `wrong_state`；批次未组建结项评审组或无在任成员 409 `panel_not_named`、`panel_empty`；',
          '接替者不是结项评审组在任成员 422 `not_on_panel`、不是有效评审人 422 `not_a_reviewer`，回避 422 `conflict_of_interest`（`conflictingUnits`），已分配 409 `already_assigned`。',
          '带 `Idempotency-Key` 时重复请求重放首次应答。',
          '',
          'The old acceptance assignment is marked replaced (REPLACE_ACCEPTANCE_REVIEWER; a reason is required) and the replacement is assigned under the',
          'acceptance panel and conflict rules (ASSIGN_ACCEPTANCE_REVIEWER naming whom it replaces), in one transaction. The replaced reviewer leaves its',
          'acceptance worklist, may not score, and no longer counts toward the acceptance reviews a proposal needs nor the pending ones. A reviewer who',
          'has scored is not replaced (409 `review_submitted`); 409 `already_replaced`; 404 when the reviewer is not assigned to the project’s final report;',
          '409 `wrong_state` unless the project is under final acceptance; 409 `panel_not_named`, `panel_empty`; 422 `not_on_panel`, `not_a_reviewer`,',
          '`conflict_of_interest` (with `conflictingUnits`); 409 `already_assigned`. With `Idempotency-Key`, a repeated request replays the first answer.',
        ].join('\n'),
        params: ReplaceParams,
        body: ReplaceAcceptanceReviewerBody,
        response: {
          201: json(ReplacementSchema, '更换结果 / The replacement', {
            replaced: {
              summary: '一次更换 / A replacement',
              value: {
                projectId: ACCEPTANCE_ASSIGNMENT_EXAMPLE.projectId,
                replaced: ACCEPTANCE_ASSIGNMENT_EXAMPLE.reviewerId,
                replacement: ACCEPTANCE_ASSIGNMENT_EXAMPLE.reviewerId,
                reason: '评审人出差，无法按期评分',
                at: '2023-12-08T02:00:00.000Z',
              },
            },
          }),
          ...problems(400, 'not-found', 'conflict', 'unprocessable'),
        },
      },
    }),
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await projects.replaceAcceptanceReviewer(principalOf(request), request.params.id, request.params.reviewerId, request.body.replacementId, request.body.reason, request.id),
        ),
  );

  app.get(
    '/my-acceptance-assignments',
    {
      config: { roles: ['reviewer'] },
      schema: {
        operationId: 'getAcceptanceWorklist',
        tags: ['projects'],
        summary: '结项评审工作清单 / The caller’s acceptance worklist',
        description:
          '分配给调用者评审结项报告的项目（按批次、项目排序），批次的结项评审标准与分值范围，是否已评分，以及调用者自己的结项评审意见。\n' +
          'The projects whose final report the caller is assigned to score (by round, then project), the round’s acceptance criteria and scale, ' +
          'whether it has scored each, and its own acceptance review if any.',
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(ref(AcceptanceWorklistItemSchema), '一页结项评审工作清单 / A page of the acceptance worklist'),
            '结项评审工作清单 / The acceptance worklist',
            pageExamples({ worklist: { summary: '一个已评分的项目 / One scored project', value: [ACCEPTANCE_WORKLIST_EXAMPLE] } }),
          ),
          ...problems(400),
        },
      },
    },
    async (request) => acceptance.worklist(principalOf(request), request.query),
  );

  app.get(
    '/rounds/:id/acceptance-scores',
    {
      config: { roles: ['org_dept', 'committee', 'auditor'] },
      schema: {
        operationId: 'getRoundAcceptanceScores',
        tags: ['reports'],
        summary: '批次结项评审分数汇总 / The acceptance scores of a round',
        description: [
          '已提交结项报告的每个项目（结项验收中、已评定等级、未通过结项）：结项评审份数、已分配人数、各结项评审标准的平均分、平均总分（四舍五入到两位小数）、组织部的建议，确认后的等级与资助金额；',
          '以及结项验收中项目的建议汇总（proposals，党委确认等级时据此检查获奖数上限）。按平均总分降序，再按项目标识。只给汇总，从不列出评审人或单份分数。',
          '组织部、党委与审计人员可查看；批次不存在时 404。',
          '',
          'Every project whose final report is in (under final acceptance, graded or failed): acceptance reviews, reviewers assigned, mean of each',
          'acceptance criterion and mean total (rounded to 2 decimals), org_dept’s proposal, and once confirmed its grade and funding; with the',
          'proposals of the projects under final acceptance (`proposals`, what CONFIRM_GRADES holds to the round’s prize caps). By mean total',
          'descending, then project id. Aggregates only: never who scored what. For org_dept, committee and auditors; 404 when the round does not exist.',
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(AcceptanceScoresSchema), '结项评审分数汇总 / The acceptance scores', {
            scores: { summary: '一个已建议等级的项目 / One project with a proposal', value: ACCEPTANCE_SCORES_EXAMPLE },
          }),
          ...problems('not-found'),
        },
      },
    },
    async (request) => acceptance.scores(request.params.id),
  );
}
