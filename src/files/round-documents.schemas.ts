/** Shapes of a round's documents: the signed and sealed approved list (a PDF). */
import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp } from '../http/schemas.js';
import { MAX_FILE_NAME_LENGTH, PDF } from './file-content.js';

export const ROUND_DOCUMENT_KINDS = ['approved_list'] as const;
export type RoundDocumentKind = (typeof ROUND_DOCUMENT_KINDS)[number];

const KindSchema = Type.Enum(ROUND_DOCUMENT_KINDS, {
  description: '文件种类：approved_list 签字盖章的立项名单（仅 PDF）/ Kind: approved_list, the signed and sealed approved list (PDF only)',
});

export const RoundDocumentQuery = Type.Object({ kind: KindSchema }, { additionalProperties: false });

export const RoundDocumentParams = Type.Object(
  {
    id: Id('立项批次 / Round id', EXAMPLE.roundId),
    fileId: Id('文件标识 / Document id', EXAMPLE.fileId),
  },
  { additionalProperties: false },
);

const Sha256 = Type.String({
  minLength: 64,
  maxLength: 64,
  pattern: '^[0-9a-f]{64}$',
  description: '内容的 SHA-256（十六进制）/ SHA-256 of the content, hex',
  examples: [EXAMPLE.fileSha256],
});

export const RoundDocumentSchema = Type.Object(
  {
    id: Id('文件标识 / Document id', EXAMPLE.fileId),
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    kind: KindSchema,
    fileName: Type.String({
      minLength: 1,
      maxLength: MAX_FILE_NAME_LENGTH,
      description: '原文件名（已清理）/ The original file name, sanitised',
      examples: ['关于公布2023年度党建项目立项名单的通知（盖章）.pdf'],
    }),
    mediaType: Type.Literal(PDF, { minLength: 1, description: '由内容判定的类型 / The media type detected from the content', examples: [PDF] }),
    size: Type.Integer({ minimum: 1, description: '字节数 / Size in bytes', examples: [245_760] }),
    sha256: Sha256,
    uploadedBy: Id('上传者 / Uploaded by', EXAMPLE.orgDeptId),
    createdAt: { ...Timestamp, examples: ['2023-04-20T02:00:00.000Z'] },
  },
  { additionalProperties: false, description: '批次的一份文件（元数据）/ A document of a round (metadata)' },
);
export type RoundDocumentView = Static<typeof RoundDocumentSchema>;

export const ROUND_DOCUMENT_EXAMPLE: RoundDocumentView = {
  id: EXAMPLE.fileId,
  roundId: EXAMPLE.roundId,
  kind: 'approved_list',
  fileName: '关于公布2023年度党建项目立项名单的通知（盖章）.pdf',
  mediaType: PDF,
  size: 245_760,
  sha256: EXAMPLE.fileSha256,
  uploadedBy: EXAMPLE.orgDeptId,
  createdAt: '2023-04-20T02:00:00.000Z',
};

export const RoundDocumentListSchema = Type.Object(
  { items: Type.Array(RoundDocumentSchema, { description: '按上传顺序 / In upload order' }) },
  { additionalProperties: false, description: '批次的文件 / A round’s documents' },
);
