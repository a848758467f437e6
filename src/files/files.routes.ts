/**
 * The files of a project: upload (multipart/form-data, one part `file`), list (metadata) and
 * download (the bytes). @fastify/multipart is registered in this plugin only, so every other route
 * keeps answering 415 to anything but JSON.
 *
 * Fastify does not validate the multipart body: the route reads the parts itself, under the
 * plugin's limits (one part, the file; `maxUploadBytes`), and the service judges the bytes. The
 * body schema is there for the OpenAPI document, and the route's validator compiler passes the
 * body through (params and querystring are validated as everywhere else).
 */
import { acceptUploads } from './uploads.js';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../http/problems.js';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { principalOf } from '../plugins/auth.js';
import { contentDisposition } from '../http/content-disposition.js';
import { MEDIA_TYPES } from './file-content.js';
import { FileParams, FileSchema, REPORT_DOCUMENT_EXAMPLE, SIGNED_LETTER_EXAMPLE, UploadBody, UploadQuery } from './files.schemas.js';
import type { FilesService, Upload } from './files.service.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';

const READERS = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor'] as const;

/** The default upload limit: 20 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const ONE_PART = '只能上传一个部分：字段 file 中的文件 / Exactly one part is accepted: the file, in the part `file`';

const LOCATION = { type: 'string', description: '新文件的下载地址 / Where the new file is downloaded' } as const;

/** Maps what the multipart parser throws to the problems of this API. */
function multipartProblem(error: unknown, maxUploadBytes: number): Problem {
  if (error instanceof Problem) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new Problem('payload-too-large', `文件超过 ${maxUploadBytes} 字节的上限 / The file exceeds the limit of ${maxUploadBytes} bytes`, {
        field: 'file',
        maxBytes: maxUploadBytes,
      });
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new Problem('validation-failed', ONE_PART, { field: 'file' });
  }
  // Busboy's own errors (no boundary, a truncated body, a malformed part header) and the plugin's
  // 400s: the body is not well-formed multipart.
  const message = error instanceof Error ? error.message : String(error);
  return new Problem('validation-failed', `multipart 请求体格式错误 / Malformed multipart body: ${message}`);
}

/** Reads the one part `file` into memory, within the plugin's limits. */
export async function readUpload(request: FastifyRequest, maxUploadBytes: number): Promise<Upload> {
  let upload: Upload | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file' || part.fieldname !== 'file' || upload) {
        if (part.type === 'file') part.file.resume();
        throw new Problem('validation-failed', ONE_PART, { field: part.fieldname });
      }
      upload = { fileName: part.filename, content: await part.toBuffer() };
    }
  } catch (error) {
    throw multipartProblem(error, maxUploadBytes);
  }
  if (!upload) throw new Problem('validation-failed', '缺少字段 file / The part `file` is missing', { field: 'file' });
  if (upload.content.length === 0) throw new Problem('validation-failed', '文件为空 / The file is empty', { field: 'file' });
  return upload;
}

/** `"<sha256>"`, strong: a file never changes. */
export const etagOfFile = (sha256: string): string => `"${sha256}"`;

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

export async function filesRoutes(app: App, { files, maxUploadBytes }: { files: FilesService; maxUploadBytes: number }) {
  const passBody = await acceptUploads(app, maxUploadBytes);

  app.post(
    '/projects/:id/files',
    idempotentCreate({
      config: { roles: ['applicant'], subject: { kind: 'project', param: 'id' } },
      validatorCompiler: passBody,
      schema: {
        operationId: 'uploadProjectFile',
        tags: ['projects'],
        summary: '上传项目文件 / Upload a file of the project (multipart)',
        description: [
          '`multipart/form-data`，恰好一个部分 `file`。`kind=signed_letter`：目标责任书的盖章扫描件，仅 PDF，项目为草稿时上传；',
          '批次要求时，SUBMIT 之前必须上传（否则 422 signed_letter_required），最近上传的一份的 SHA-256 记入 SUBMIT 的日志条目。',
          '`kind=final_report_document`：结项文件（PDF、JPEG、PNG、DOCX、XLSX，不含宏），项目实施中上传，在 SUBMIT_FINAL_REPORT 的 `documents` 中列出。',
          `类型按内容判定，不看文件名或声明的类型（不接受的类型答 415）；文件大小上限默认 ${DEFAULT_MAX_UPLOAD_BYTES} 字节（超过答 413）。`,
          '只有项目所在单位的申报人可以上传（403）；看不到的项目答 404；状态不对答 409。',
          '',
          '`multipart/form-data` with exactly one part, `file`. `kind=signed_letter`: the signed and sealed letter, PDF only, uploaded while',
          'the project is a draft; where the round requires it SUBMIT needs one (422 signed_letter_required), and the SHA-256 of the latest',
          'goes into the SUBMIT log entry. `kind=final_report_document`: a document of the final report (PDF, JPEG, PNG, DOCX, XLSX without',
          'macros), uploaded while in progress and named in `documents` of SUBMIT_FINAL_REPORT.',
          'The type is judged by the content, never by the file name or the declared type (415 when not accepted). Size limit:',
          `${DEFAULT_MAX_UPLOAD_BYTES} bytes by default (413 above it). Only the applicant of the project’s unit uploads (403);`,
          'a project the caller may not see is a 404; another state is a 409 (code wrong_state).',
        ].join('\n'),
        params: IdParams,
        querystring: UploadQuery,
        body: { content: { 'multipart/form-data': { schema: UploadBody } } },
        response: {
          201: json(
            FileSchema,
            '已保存的文件 / The stored file',
            {
              signedLetter: { summary: '盖章扫描件 / The signed letter', value: SIGNED_LETTER_EXAMPLE },
              reportDocument: { summary: '结项文件（照片）/ A final report document (a photo)', value: REPORT_DOCUMENT_EXAMPLE },
            },
            { Location: LOCATION },
          ),
          ...problems('forbidden', 'not-found', 'conflict', 'payload-too-large', 'unsupported-media-type'),
        },
      },
    }),
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new Problem('unsupported-media-type', '请使用 multipart/form-data，文件放在字段 file / Send multipart/form-data with the file in the part `file`');
      }
      const principal = principalOf(request);
      const { id } = request.params;
      const { kind } = request.query;
      // Refuse before reading the body when the caller may not upload here at all.
      files.assertMayUpload(principal, id, kind);
      const upload = await readUpload(request, maxUploadBytes);
      const file = await files.upload(principal, id, kind, upload, request.id);
      return reply.code(201).header('Location', `/api/v1/projects/${id}/files/${file.id}`).send(file);
    },
  );

  app.get(
    '/projects/:id/files',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'listProjectFiles',
        tags: ['projects'],
        summary: '项目文件列表 / The files of a project (metadata)',
        description:
          '项目的文件（不含内容），按上传顺序分页；能看到项目的人都能看到。\n' +
          'The files of the project, without content, in upload order, a page at a time; for everyone who may see the project (404 otherwise).',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(FileSchema, '一页文件 / A page of files'),
            '项目文件 / The files',
            pageExamples({
              files: { summary: '盖章扫描件与一份结项文件 / The signed letter and a final report document', value: [SIGNED_LETTER_EXAMPLE, REPORT_DOCUMENT_EXAMPLE] },
            }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => files.list(principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/projects/:id/files/:fileId',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'downloadProjectFile',
        tags: ['projects'],
        summary: '下载项目文件 / Download a file of the project',
        description:
          '文件内容，Content-Type 为按内容判定的类型，附 Content-Disposition（RFC 5987 filename*）、ETag 与 Repr-Digest（RFC 9530 SHA-256）；' +
          '带匹配的 If-None-Match 答 304。能看到项目的人都能下载。\n' +
          'The bytes, with the detected media type as Content-Type, Content-Disposition (attachment, RFC 5987 `filename*`), an ETag and ' +
          'Repr-Digest (RFC 9530, SHA-256); 304 for a matching If-None-Match. For everyone who may see the project (404 otherwise).',
        params: FileParams,
        headers: Type.Object({
          'if-none-match': Type.Optional(
            Type.String({ maxLength: 1000, description: '之前得到的 ETag / An ETag received before', examples: [`"${SIGNED_LETTER_EXAMPLE.sha256}"`] }),
          ),
        }),
        response: {
          200: {
            description: '文件内容 / The file',
            headers: {
              'Content-Disposition': { type: 'string', description: '附件及原文件名 / attachment, with the original file name (RFC 6266, RFC 5987)' },
              ETag: { type: 'string', description: '内容的 SHA-256，加引号 / The content’s SHA-256, quoted' },
              'Repr-Digest': { type: 'string', description: 'RFC 9530：sha-256=:<base64>: / RFC 9530 digest of the content' },
            },
            content: Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: Type.String({ format: 'binary' }) }])),
          },
          304: { description: '未修改 / Not modified: the If-None-Match ETag matches' },
          ...problems('not-found'),
        },
      },
    },
    async (request, reply) => {
      const { file, content } = files.download(principalOf(request), request.params.id, request.params.fileId);
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
