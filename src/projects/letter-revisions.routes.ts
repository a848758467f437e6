import { IdParams, json, page, pageExamples, PageQuerySchema, problems } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { principalOf } from '../plugins/auth.js';
import { LETTER_REVISION_EXAMPLE, LETTER_REVISION_SUMMARY_EXAMPLE, LetterRevisionParams, LetterRevisionSchema, LetterRevisionSummarySchema } from './letter-revisions.schemas.js';
import type { ProjectsService } from './projects.service.js';

const READERS = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor'] as const;

/** The saved revisions of a project's letter: for whoever may see the project. */
export function letterRevisionsRoutes(app: App, { projects }: { projects: ProjectsService }): void {
  app.get(
    '/projects/:id/letter-revisions',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'listLetterRevisions',
        tags: ['projects'],
        summary: '责任书修订记录 / The letter’s revisions',
        description:
          '新建草稿与每次改动责任书的修改各存一次修订，修订号为当时的项目版本号；按修订号分页，不含全文。能看到项目的人都能看到（否则 404）。\n' +
          'Creating the draft and every edit that changes the letter each keep a revision, numbered by the project’s version at that moment. ' +
          'In revision order, a page at a time, without the letters. For everyone who may see the project (404 otherwise).',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(LetterRevisionSummarySchema, '一页修订 / A page of revisions'),
            '责任书修订 / The revisions',
            pageExamples({ created: { summary: '新建时的修订 / The revision of the new draft', value: [LETTER_REVISION_SUMMARY_EXAMPLE] } }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => projects.listLetterRevisions(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/projects/:id/letter-revisions/:revision',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'getLetterRevision',
        tags: ['projects'],
        summary: '责任书的一次修订 / One revision of the letter',
        description:
          '该修订的责任书全文及其 SHA-256（与日志中的 letterSha256 相同）。没有该修订或看不到项目答 404。\n' +
          'The letter as saved in that revision, with its SHA-256 (as letterSha256 in the log). 404 for an unknown revision or a project the caller may not see.',
        params: LetterRevisionParams,
        response: {
          200: json(LetterRevisionSchema, '责任书修订 / The revision', { created: { summary: '新建时的修订 / The revision of the new draft', value: LETTER_REVISION_EXAMPLE } }),
          ...problems('not-found'),
        },
      },
    },
    async (request) => projects.letterRevision(principalOf(request), request.params.id, request.params.revision),
  );
}
