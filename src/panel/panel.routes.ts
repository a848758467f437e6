import { principalOf } from '../plugins/auth.js';
import { Type } from 'typebox';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import {
  AddMemberBody,
  AssignmentOutcomeSchema,
  AssignmentsBody,
  MemberParams,
  NamePanelBody,
  OUTCOME_EXAMPLE,
  PANEL_EXAMPLE,
  PanelParams,
  PanelSchema,
  PENDING_EXAMPLE,
  PendingAssignmentSchema,
  PendingQuery,
  RemovedMemberSchema,
  RemoveMemberBody,
  ReplaceBody,
  ReplaceParams,
  ReplacementSchema,
  REVIEW_EXAMPLE,
  ReviewSchema,
  WORKLIST_EXAMPLE,
  WorklistItemSchema,
} from './panel.schemas.js';
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
          '在一个事务中为批次的项目分配评审人，只从批次评审组（review）的在任成员中选取：评审组未组建 409 `panel_not_named`，没有在任成员 409 `panel_empty`。',
          '回避范围按批次的 conflictScope：family（默认）为项目所在单位、其上下级单位及同一党总支（机关党委）下的全部单位；line 只含所在单位及其上下级。',
          '已被更换的分配不计入评审人数，被更换者不会再被分配到同一项目。',
          '`automatic`：每个处于已申报或初审通过状态的项目补足到批次的最少评审人数（已有分配计入），优先分配当前任务最少的在职评审人（同数按标识排序），',
          '从不分配项目所在单位或其上下级单位的评审人；评审人不足的项目列入 `refused`（not_enough_reviewers），已找到的评审人照常分配。',
          '`explicit`：逐对检查，被拒绝的对列入 `refused` 并说明原因（conflict_of_interest、not_a_reviewer、not_on_panel、already_assigned、wrong_state、not_in_round），',
          '其余的对照常分配（不是全有或全无）。',
          '',
          'Assigns reviewers for the projects of a round, in one transaction, only from the active members of the round’s review panel',
          '(409 `panel_not_named` when it is not named, 409 `panel_empty` when it has no active member). Conflict of interest follows the round’s',
          'conflictScope: family (default) bars the project’s unit, its line and every unit under the same general branch or organ committee; line bars the unit and its line.',
          'Replaced assignments do not count, and a replaced reviewer is not drawn again for the same project.',
          '`automatic`: every project in state submitted or preliminarily_checked gets reviewers up to the round’s `minReviews` (existing assignments count),',
          'the active reviewers with the fewest assignments in the round first (ties by id), never a reviewer of the project’s unit or of a unit above or below it.',
          'A project that cannot get enough is listed in `refused` (not_enough_reviewers) and keeps the reviewers that were found.',
          '`explicit`: each pair is checked; refused pairs are listed in `refused` with their code (conflict_of_interest, not_a_reviewer, not_on_panel, already_assigned,',
          'wrong_state, not_in_round) and **the other pairs are applied** (not all-or-nothing). 404 when the round does not exist.',
        ].join('\n'),
        params: IdParams,
        body: AssignmentsBody,
        response: {
          200: json(AssignmentOutcomeSchema, '新建的分配与被拒绝的分配 / The assignments made and those refused', {
            automatic: { summary: '自动分配，一个项目评审人不足 / Automatic; one project short of reviewers', value: OUTCOME_EXAMPLE },
          }),
          ...problems('not-found', 'conflict'),
        },
      },
    }),
    async (request) => panel.assign(principalOf(request), request.params.id, request.body, request.id),
  );

  app.get(
    '/rounds/:id/assignments',
    {
      config: { roles: ['org_dept', 'admin'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'listRoundPendingAssignments',
        tags: ['projects'],
        summary: '批次待评分的分配 / A round’s pending assignments',
        description:
          '批次中已分配且尚未评分的分配（不含已更换的）：谁、哪个项目、自何时起，按分配时间排序；用于找出需要更换的评审人。`state` 只接受 open。\n' +
          'The round’s assignments that are assigned and not yet scored (replaced ones left out): who, which project, since when, oldest first; ' +
          'to find whom to replace. `state` accepts only open.',
        params: IdParams,
        querystring: PendingQuery,
        response: {
          200: json(Type.Array(PendingAssignmentSchema, { description: '待评分的分配 / The pending assignments' }), '待评分的分配 / The pending assignments', {
            pending: { summary: '一项待评分 / One pending', value: [PENDING_EXAMPLE] },
          }),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => panel.pendingAssignments(request.params.id),
  );

  app.put(
    '/rounds/:id/panels/:kind',
    {
      config: { roles: ['org_dept', 'admin'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'namePanel',
        tags: ['projects'],
        summary: '组建或更名评审组 / Name or rename a round’s panel',
        description:
          '组建批次的评审组（review 评审组，acceptance 结项评审组）或更名，记入日志（NAME_PANEL）。新建 201，更名 200（名称未变时不记日志）。\n' +
          'Names the round’s panel of a kind (review: the panel that scores; acceptance: final acceptance), or renames it; logged as NAME_PANEL. ' +
          '201 when created, 200 when renamed (an unchanged name logs nothing).',
        params: PanelParams,
        body: NamePanelBody,
        response: {
          200: json(PanelSchema, '更名后的评审组 / The panel, renamed', { renamed: { summary: '评审组 / A panel', value: PANEL_EXAMPLE } }),
          201: json(PanelSchema, '新组建的评审组 / The panel, named', { named: { summary: '评审组 / A panel', value: { ...PANEL_EXAMPLE, members: [] } } }),
          ...problems(400, 'not-found', 'unprocessable'),
        },
      },
    },
    async (request, reply) => {
      const { created, panel: view } = await panel.namePanel({ actor: principalOf(request), requestId: request.id }, request.params.id, request.params.kind, request.body.name);
      return reply.code(created ? 201 : 200).send(view);
    },
  );

  app.get(
    '/rounds/:id/panels/:kind',
    {
      config: { roles: ['admin', 'org_dept', 'committee', 'auditor'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'getPanel',
        tags: ['projects'],
        summary: '批次的评审组 / A round’s panel',
        description:
          '评审组及其成员（含已移出的成员、移出时间与理由）。尚未组建时 404。\n' +
          'The panel with its members, removed ones included with when and why. 404 while the panel is not named.',
        params: PanelParams,
        response: {
          200: json(PanelSchema, '评审组 / The panel', { panel: { summary: '评审组 / A panel', value: PANEL_EXAMPLE } }),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => panel.getPanel(request.params.id, request.params.kind),
  );

  app.post(
    '/rounds/:id/panels/:kind/members',
    idempotentCreate({
      config: { roles: ['org_dept', 'admin'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'addPanelMember',
        tags: ['projects'],
        summary: '加入评审组 / Add a member to a panel',
        description:
          '把一名在职的评审人（角色 reviewer）加入评审组（ADD_PANEL_MEMBER）；已移出的成员可再次加入。不是评审人 422 `not_a_reviewer`，已停用 422 `user_inactive`，' +
          '已是成员 422 `already_member`，评审组未组建 409 `panel_not_named`。\n' +
          'Adds an active user of role reviewer to the panel (ADD_PANEL_MEMBER); a removed member may be added again. 422 `not_a_reviewer`, ' +
          '`user_inactive` or `already_member`; 409 `panel_not_named` when the panel is not named.',
        params: PanelParams,
        body: AddMemberBody,
        response: {
          201: json(PanelSchema, '加入后的评审组 / The panel with the new member', { added: { summary: '评审组 / A panel', value: PANEL_EXAMPLE } }),
          ...problems(400, 'not-found', 'conflict', 'unprocessable'),
        },
      },
    }),
    async (request, reply) =>
      reply.code(201).send(await panel.addMember({ actor: principalOf(request), requestId: request.id }, request.params.id, request.params.kind, request.body.userId)),
  );

  app.delete(
    '/rounds/:id/panels/:kind/members/:userId',
    {
      config: { roles: ['org_dept', 'admin'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'removePanelMember',
        tags: ['projects'],
        summary: '移出评审组 / Remove a member from a panel',
        description:
          '把成员移出评审组（REMOVE_PANEL_MEMBER，理由必填）；成员记录保留（不再在任）。答复列出该成员在本批次尚未评分的分配，应逐一更换评审人。\n' +
          'Removes a member (REMOVE_PANEL_MEMBER; a reason is required); its row stays, inactive. The answer lists the member’s assignments in the round ' +
          'that are not yet scored: replace each (POST /projects/{id}/reviewers/{reviewerId}/replace). 409 `already_removed`; 404 for a non-member.',
        params: MemberParams,
        body: RemoveMemberBody,
        response: {
          200: json(RemovedMemberSchema, '移出后的评审组及待更换的分配 / The panel, and the assignments to replace', {
            removed: {
              summary: '移出一名成员 / One member removed',
              value: {
                panel: {
                  ...PANEL_EXAMPLE,
                  members: [{ ...PANEL_EXAMPLE.members[0]!, active: false, removedAt: PENDING_EXAMPLE.since, removeReason: '工作调动，无法参加本批次评审' }],
                },
                pendingAssignments: [PENDING_EXAMPLE],
              },
            },
          }),
          ...problems(400, 'not-found', 'conflict', 'unprocessable'),
        },
      },
    },
    async (request) =>
      panel.removeMember({ actor: principalOf(request), requestId: request.id }, request.params.id, request.params.kind, request.params.userId, request.body.reason),
  );

  app.post(
    '/projects/:id/reviewers/:reviewerId/replace',
    idempotentCreate({
      config: { roles: ['org_dept', 'admin'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'replaceReviewer',
        tags: ['projects'],
        summary: '更换评审人 / Replace a reviewer',
        description: [
          '原分配标记为已更换（REPLACE_REVIEWER，理由必填），接替者按评审组与回避规则分配（ASSIGN_REVIEWER，记明接替谁），在同一事务中。',
          '被更换者不再出现在其工作清单中、不能评分，也不计入最少评审份数与待评人数。已提交评分的评审人不能更换（409 `review_submitted`）；',
          '已更换 409 `already_replaced`；原评审人未分配此项目 404；接替者不是评审组在任成员 422 `not_on_panel`，回避 422 `conflict_of_interest`（`conflictingUnits`），',
          '已分配 409 `already_assigned`，项目不在可分配状态 409 `wrong_state`。',
          '',
          'The old assignment is marked replaced (REPLACE_REVIEWER; a reason is required) and the replacement is assigned under the panel and conflict',
          'rules (ASSIGN_REVIEWER naming whom it replaces), in one transaction. The replaced reviewer leaves its worklist, may not score, and no longer',
          'counts toward the minimum or the pending reviews. A reviewer who has scored is not replaced (409 `review_submitted`); 409 `already_replaced`;',
          '404 when the reviewer is not assigned to the project; 422 `not_on_panel`, `not_a_reviewer`, `conflict_of_interest` (with `conflictingUnits`);',
          '409 `already_assigned`, `wrong_state`.',
        ].join('\n'),
        params: ReplaceParams,
        body: ReplaceBody,
        response: {
          201: json(ReplacementSchema, '更换结果 / The replacement', {
            replaced: {
              summary: '一次更换 / A replacement',
              value: {
                projectId: PENDING_EXAMPLE.projectId,
                replaced: PENDING_EXAMPLE.reviewerId,
                replacement: PENDING_EXAMPLE.reviewerId,
                reason: '评审人出差，无法按期评分',
                at: PENDING_EXAMPLE.since,
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
          await panel.replaceReviewer(
            { actor: principalOf(request), requestId: request.id },
            request.params.id,
            request.params.reviewerId,
            request.body.replacementId,
            request.body.reason,
          ),
        ),
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
