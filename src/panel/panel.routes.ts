import { principalOf } from '../plugins/auth.js';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { AssignmentOutcomeSchema, AssignmentsBody, OUTCOME_EXAMPLE, REVIEW_EXAMPLE, ReviewSchema, WORKLIST_EXAMPLE, WorklistItemSchema } from './panel.schemas.js';
import type { PanelService } from './panel.service.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';

export async function panelRoutes(app: App, { panel }: { panel: PanelService }) {
  app.post(
    '/rounds/:id/assignments',
    idempotentCreate({
      config: { roles: ['org_dept'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'assignRoundReviewers',
        tags: ['projects'],
        summary: '批量分配评审人 / Assign reviewers for a whole round',
        description: [
          '在一个事务中为批次的项目分配评审人。',
          '`automatic`：每个处于已申报或初审通过状态的项目补足到批次的最少评审人数（已有分配计入），优先分配当前任务最少的在职评审人（同数按标识排序），',
          '从不分配项目所在单位或其上下级单位的评审人；评审人不足的项目列入 `refused`（not_enough_reviewers），已找到的评审人照常分配。',
          '`explicit`：逐对检查，被拒绝的对列入 `refused` 并说明原因（conflict_of_interest、not_a_reviewer、already_assigned、wrong_state、not_in_round），',
          '其余的对照常分配（不是全有或全无）。',
          '',
          'Assigns reviewers for the projects of a round, in one transaction.',
          '`automatic`: every project in state submitted or preliminarily_checked gets reviewers up to the round’s `minReviews` (existing assignments count),',
          'the active reviewers with the fewest assignments in the round first (ties by id), never a reviewer of the project’s unit or of a unit above or below it.',
          'A project that cannot get enough is listed in `refused` (not_enough_reviewers) and keeps the reviewers that were found.',
          '`explicit`: each pair is checked; refused pairs are listed in `refused` with their code (conflict_of_interest, not_a_reviewer, already_assigned,',
          'wrong_state, not_in_round) and **the other pairs are applied** (not all-or-nothing). 404 when the round does not exist.',
        ].join('\n'),
        params: IdParams,
        body: AssignmentsBody,
        response: {
          200: json(AssignmentOutcomeSchema, '新建的分配与被拒绝的分配 / The assignments made and those refused', {
            automatic: { summary: '自动分配，一个项目评审人不足 / Automatic; one project short of reviewers', value: OUTCOME_EXAMPLE },
          }),
          ...problems('not-found'),
        },
      },
    }),
    async (request) => panel.assign(principalOf(request), request.params.id, request.body, request.id),
  );

  app.get(
    '/my-assignments',
    {
      config: { roles: ['reviewer'] },
      schema: {
        operationId: 'getReviewerWorklist',
        tags: ['projects'],
        summary: '评审人工作清单 / The caller’s worklist as a reviewer',
        description:
          '分配给调用者的项目（按批次、项目排序），是否已评分，以及调用者自己的评审意见。\n' +
          'The projects assigned to the caller (by round, then project), whether it has scored each, and its own review if any.',
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(WorklistItemSchema, '一页工作清单 / A page of the worklist'),
            '工作清单 / The worklist',
            pageExamples({ worklist: { summary: '一个已评分的项目 / One scored project', value: [WORKLIST_EXAMPLE] } }),
          ),
          ...problems(400),
        },
      },
    },
    async (request) => panel.worklist(principalOf(request), request.query),
  );

  app.get(
    '/projects/:id/reviews',
    {
      config: { roles: ['org_dept', 'committee', 'auditor', 'reviewer'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'listProjectReviews',
        tags: ['projects'],
        summary: '项目的评审意见 / The reviews of a project',
        description:
          '组织部、党委与审计人员看到全部评审意见（含评审人与分数）；评审人只看到自己的，且只在分配给自己的项目上（否则 404）；申报人无权查看（403）。\n' +
          'org_dept, committee and auditors see every review with its reviewer and scores; a reviewer sees only its own, and only on a project assigned to it ' +
          '(404 otherwise); applicants may not call it (403).',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(ReviewSchema, '一页评审意见 / A page of reviews'),
            '评审意见 / The reviews',
            pageExamples({ reviews: { summary: '一份评审意见 / One review', value: [REVIEW_EXAMPLE] } }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => panel.projectReviews(principalOf(request), request.params.id, request.query),
  );
}
