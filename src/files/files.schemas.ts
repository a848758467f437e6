/**
 * Shapes of a project's files: the upload (multipart, one part `file`), the metadata answered for
 * each file, and the parameters of the routes. The bytes themselves are never part of JSON.
 */
import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp } from '../http/schemas.js';
import { FILE_KINDS, MAX_FILE_NAME_LENGTH, MEDIA_TYPES } from './file-content.js';

const KIND_DESCRIPTION =
  '文件种类 / Kind: signed_letter 盖章扫描件（目标责任书签字盖章版，仅 PDF；草稿时上传）, ' +
  'final_report_document 结项文件（PDF、JPEG、PNG、DOCX、XLSX；实施中上传）/ ' +
  'signed_letter: the signed and sealed letter (PDF only; uploaded while a draft); ' +
  'final_report_document: a document of the final report (PDF, JPEG, PNG, DOCX, XLSX; uploaded while in progress)';

export const FileKindSchema = Type.Enum(FILE_KINDS, { description: KIND_DESCRIPTION });

export const UploadQuery = Type.Object({ kind: FileKindSchema }, { additionalProperties: false });
export type UploadQueryInput = Static<typeof UploadQuery>;

export const FileParams = Type.Object(
  {
    id: Id('项目标识 / Project id', EXAMPLE.projectId),
    fileId: Id('文件标识 / File id', EXAMPLE.fileId),
  },
  { additionalProperties: false },
);

/**
 * The multipart body, for the OpenAPI document only: Fastify does not validate it (the route
 * reads the parts itself, with its limits), see files.routes.ts.
 */
export const UploadBody = Type.Object(
  {
    file: Type.String({
      format: 'binary',
      minLength: 1,
      description: '文件内容；类型由内容判定，不看文件名或声明的类型 / The file; its type is judged by its content, never by its name or declared type',
    }),
  },
  {
    additionalProperties: false,
    description: '恰好一个部分：字段 file / Exactly one part, the field `file`',
  },
);

export const FileSchema = Type.Object(
  {
    id: Id('文件标识 / File id', EXAMPLE.fileId),
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    kind: FileKindSchema,
    fileName: Type.String({
      minLength: 1,
      maxLength: MAX_FILE_NAME_LENGTH,
      description: '原文件名（已清理：NFC、去除路径与控制字符）/ The original file name, sanitised (NFC, no directory part, no control characters)',
      examples: ['目标责任书（盖章）.pdf'],
    }),
    mediaType: Type.Enum(MEDIA_TYPES, { description: '由内容判定的类型 / The media type detected from the content' }),
    size: Type.Integer({ minimum: 1, description: '字节数 / Size in bytes', examples: [183_422] }),
    sha256: Type.String({
      minLength: 64,
      maxLength: 64,
      pattern: '^[0-9a-f]{64}$',
      description: '内容的 SHA-256（十六进制），使用此文件的事件在日志中记录它 / SHA-256 of the content (hex); the log entry of the event that uses the file records it',
      examples: [EXAMPLE.fileSha256],
    }),
    uploadedBy: Id('上传者 / Uploaded by', EXAMPLE.applicantId),
    createdAt: { ...Timestamp, examples: [EXAMPLE.createdAt] },
  },
  { additionalProperties: false, description: '项目的一个文件（元数据）/ A file of a project (metadata)' },
);
export type FileView = Static<typeof FileSchema>;

export const SIGNED_LETTER_EXAMPLE: FileView = {
  id: EXAMPLE.fileId,
  projectId: EXAMPLE.projectId,
  kind: 'signed_letter',
  fileName: '目标责任书（盖章）.pdf',
  mediaType: 'application/pdf',
  size: 183_422,
  sha256: EXAMPLE.fileSha256,
  uploadedBy: EXAMPLE.applicantId,
  createdAt: '2023-03-18T02:00:00.000Z',
};

export const REPORT_DOCUMENT_EXAMPLE: FileView = {
  id: '01880c3d-1a00-7c2e-8f30-6b7c8d9e0f09',
  projectId: EXAMPLE.projectId,
  kind: 'final_report_document',
  fileName: '汇报音乐会照片.jpg',
  mediaType: 'image/jpeg',
  size: 2_318_004,
  sha256: '3f0a6e2b9c4d1e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f',
  uploadedBy: EXAMPLE.applicantId,
  createdAt: '2023-12-10T02:00:00.000Z',
};
