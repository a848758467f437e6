import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Id, Timestamp, ref } from '../http/schemas.js';
import { COMPLETE_LETTER, LetterSchema } from './projects.schemas.js';

const Sha256 = Type.String({
  minLength: 64,
  maxLength: 64,
  pattern: '^[0-9a-f]{64}$',
  description: '责任书规范 JSON 的 SHA-256，与日志中的 letterSha256 相同 / SHA-256 of the letter’s canonical JSON, as letterSha256 in the log',
  examples: ['5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592'],
});

const Revision = Type.Integer({
  minimum: 1,
  description: '修订号：保存时项目的版本号 / The revision: the project’s version when the letter was saved',
  examples: [1],
});

const fields = {
  revision: Revision,
  sha256: Sha256,
  savedBy: Id('保存者 / Saved by', EXAMPLE.applicantId),
  savedByName: Type.Union([Type.String({ examples: ['声乐系书记'] }), Type.Null()], { description: '保存者姓名 / The saver’s name' }),
  savedAt: Timestamp,
};

export const LetterRevisionSummarySchema = Type.Object(fields, {
  additionalProperties: false,
  description: '责任书的一次修订（不含内容）/ One revision of the letter, without its content',
});
export type LetterRevisionSummary = Static<typeof LetterRevisionSummarySchema>;

export const LetterRevisionSchema = Type.Object(
  { projectId: Id('项目标识 / Project id', EXAMPLE.projectId), ...fields, letter: ref(LetterSchema) },
  { additionalProperties: false, description: '责任书的一次修订，全文 / One revision of the letter, in full' },
);
export type LetterRevisionView = Static<typeof LetterRevisionSchema>;

export const LetterRevisionParams = Type.Object(
  {
    id: Id('项目标识 / Project id', EXAMPLE.projectId),
    revision: Type.Integer({ minimum: 1, description: '修订号 / The revision', examples: [1] }),
  },
  { additionalProperties: false },
);

export const LETTER_REVISION_SUMMARY_EXAMPLE: LetterRevisionSummary = {
  revision: 1,
  sha256: '5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592',
  savedBy: EXAMPLE.applicantId,
  savedByName: '声乐系书记',
  savedAt: EXAMPLE.createdAt,
};

export const LETTER_REVISION_EXAMPLE: LetterRevisionView = { projectId: EXAMPLE.projectId, ...LETTER_REVISION_SUMMARY_EXAMPLE, letter: COMPLETE_LETTER };
