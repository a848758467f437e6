/**
 * A round's documents: the signed approved list uploaded (multipart/form-data, one part `file`),
 * listed and downloaded. Like the project files' routes, @fastify/multipart is registered in this
 * plugin only and the multipart body is read by the handler under the plugin's limits.
 */
import { acceptUploads } from './uploads.js';
import { Type } from 'typebox';
import { contentDisposition } from '../http/content-disposition.js';
import { Problem } from '../http/problems.js';
import { IdParams, json, problems } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { principalOf } from '../plugins/auth.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';
import { PDF } from './file-content.js';
import { DEFAULT_MAX_UPLOAD_BYTES, etagOfFile, matchesIfNoneMatch, readUpload } from './files.routes.js';
import { UploadBody } from './files.schemas.js';
import { ROUND_DOCUMENT_EXAMPLE, RoundDocumentListSchema, RoundDocumentParams, RoundDocumentQuery, RoundDocumentSchema } from './round-documents.schemas.js';
import { LIST_DOCUMENT_STATES, type RoundDocumentsService } from './round-documents.service.js';

const READ_NOTE =
  '组织部、党委、审计人员与管理员随时可查看；其他用户在立项名单公布后可查看，公布前 409 `list_not_published`。批次不存在 404。\n' +
  'org_dept, the committee, auditors and the admin read them at any time; every other user once the list is published (409 `list_not_published` before). ' +
  '404 when the round does not exist.';

export async function roundDocumentsRoutes(app: App, { documents, maxUploadBytes }: { documents: RoundDocumentsService; maxUploadBytes: number }) {
  const passBody = await acceptUploads(app, maxUploadBytes);

  app.post(
    '/rounds/:id/documents',
    idempotentCreate({
      config: { roles: ['org_dept'], subject: { kind: 'round', param: 'id' } },
      validatorCompiler: passBody,
      schema: {
        operationId: 'uploadRoundDocument',
        tags: ['rounds'],
        summary: '上传盖章的立项名单 / Upload the signed approved list (multipart)',
        description: [
          '`multipart/form-data`，恰好一个部分 `file`；`kind=approved_list`：签字盖章的立项名单（党委文件），仅 PDF（按内容判定，否则 415）；',
          `大小上限默认 ${DEFAULT_MAX_UPLOAD_BYTES} 字节（413）。组织部在批次处于 ${LIST_DOCUMENT_STATES.map((s) => `\`${s}\``).join('、')} 时上传，否则 409（code \`wrong_round_state\`，给出批次状态）。`,
          '记一条 UPLOAD_ROUND_DOCUMENT 日志（文件名、大小与 SHA-256）。可重复上传，最近的一份为准，公布名单时记入其 SHA-256。',
          '',
          '`multipart/form-data` with exactly one part, `file`; `kind=approved_list`: the signed and sealed approved list (the committee’s document), PDF only',
          `(judged by its content, 415 otherwise); ${DEFAULT_MAX_UPLOAD_BYTES} bytes at most by default (413). org_dept uploads it while the round is`,
          `${LIST_DOCUMENT_STATES.join(' or ')}; otherwise 409 (code \`wrong_round_state\`, naming the round’s state). Logged as UPLOAD_ROUND_DOCUMENT (file name,`,
          'size, SHA-256). It may be uploaded again: the latest counts, and its SHA-256 goes with the published list.',
        ].join('\n'),
        params: IdParams,
        querystring: RoundDocumentQuery,
        body: { content: { 'multipart/form-data': { schema: UploadBody } } },
        response: {
          201: json(
            RoundDocumentSchema,
            '已保存的文件 / The stored document',
            { signedList: { summary: '盖章的立项名单 / The signed list', value: ROUND_DOCUMENT_EXAMPLE } },
            { Location: { type: 'string', description: '下载地址 / Where it is downloaded' } },
          ),
          ...problems('not-found', 'conflict', 'payload-too-large', 'unsupported-media-type'),
        },
      },
    }),
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new Problem('unsupported-media-type', '请使用 multipart/form-data，文件放在字段 file / Send multipart/form-data with the file in the part `file`');
      }
      const { id } = request.params;
      // Refuse before reading the body when the round does not take the document now.
      documents.assertMayUpload(id);
      const upload = await readUpload(request, maxUploadBytes);
      const document = await documents.upload({ actor: principalOf(request), requestId: request.id }, id, request.query.kind, upload);
      return reply.code(201).header('Location', `/api/v1/rounds/${id}/documents/${document.id}/content`).send(document);
    },
  );

  app.get(
    '/rounds/:id/documents',
    {
      schema: {
        operationId: 'listRoundDocuments',
        tags: ['rounds'],
        summary: '批次文件列表 / A round’s documents (metadata)',
        description: `批次的文件（不含内容），按上传顺序。\nThe round’s documents, without content, in upload order.\n${READ_NOTE}`,
        params: IdParams,
        response: {
          200: json(RoundDocumentListSchema, '批次文件 / The documents', { one: { summary: '盖章的立项名单 / The signed list', value: { items: [ROUND_DOCUMENT_EXAMPLE] } } }),
          ...problems('not-found', 'conflict'),
        },
      },
    },
    async (request) => documents.list(principalOf(request), request.params.id),
  );

  app.get(
    '/rounds/:id/documents/:fileId/content',
    {
      schema: {
        operationId: 'downloadRoundDocument',
        tags: ['rounds'],
        summary: '下载批次文件 / Download a round’s document',
        description:
          '文件内容（application/pdf），附 Content-Disposition、ETag 与 Repr-Digest（SHA-256）；带匹配的 If-None-Match 答 304。\n' +
          'The bytes (application/pdf) with Content-Disposition, an ETag and Repr-Digest (SHA-256); 304 for a matching If-None-Match.\n' +
          READ_NOTE,
        params: RoundDocumentParams,
        headers: Type.Object({
          'if-none-match': Type.Optional(
            Type.String({ maxLength: 1000, description: '之前得到的 ETag / An ETag received before', examples: [`"${ROUND_DOCUMENT_EXAMPLE.sha256}"`] }),
          ),
        }),
        response: {
          200: {
            description: '文件内容 / The document',
            headers: {
              'Content-Disposition': { type: 'string', description: '附件及原文件名 / attachment, with the original file name (RFC 6266, RFC 5987)' },
              ETag: { type: 'string', description: '内容的 SHA-256，加引号 / The content’s SHA-256, quoted' },
              'Repr-Digest': { type: 'string', description: 'RFC 9530：sha-256=:<base64>: / RFC 9530 digest of the content' },
            },
            content: { [PDF]: { schema: Type.String({ format: 'binary' }) } },
          },
          304: { description: '未修改 / Not modified: the If-None-Match ETag matches' },
          ...problems('not-found', 'conflict'),
        },
      },
    },
    async (request, reply) => {
      const { file, content } = documents.download(principalOf(request), request.params.id, request.params.fileId);
      const etag = etagOfFile(file.sha256);
      reply
        .header('ETag', etag)
        .header('Cache-Control', 'private, no-cache')
        .header('Repr-Digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`);
      if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.code(200).type(file.mediaType).header('Content-Length', content.length).header('Content-Disposition', contentDisposition(file.fileName)).send(content);
    },
  );
}
