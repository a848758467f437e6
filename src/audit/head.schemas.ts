import { Type, type Static } from 'typebox';
import { HeadHash, HeadSize } from './audit.schemas.js';
import type { HeadExamination } from './head-check.js';

const Reason = Type.String({
  minLength: 1,
  examples: ["the log's head is entry 363 (3f5a0c2e91b7…) but the seal says entry 368 (9c1d44e0a3f2…): entries were removed (truncated or rolled back)"],
});

const CheckpointId = (description: string) => Type.Integer({ minimum: 0, description, examples: [7] });

export const HeadVerdictSchema = Type.Object(
  {
    valid: Type.Boolean({
      description:
        '封存的日志头有效且等于实际日志头，检查点与见证文件都是日志的前缀 / The seal is valid and states the real head; every checkpoint and witness record is a prefix of the log',
      examples: [true],
    }),
    reasons: Type.Array(Reason, { description: '未通过的原因，通过时为空 / What failed; empty when valid' }),
    log: Type.Object(
      { size: HeadSize('日志的条目数 / Entries in the log'), headHash: HeadHash('日志头条目的哈希 / Hex SHA-256 of the head entry') },
      { additionalProperties: false, description: '日志的实际头 / The log’s real head' },
    ),
    seal: Type.Union(
      [
        Type.Object(
          {
            size: HeadSize('封存的条目数 / Entries the seal states'),
            headHash: HeadHash('封存的日志头哈希 / The head hash the seal states'),
            checkpointId: CheckpointId('封存时最新检查点的序号（0：无）/ The latest checkpoint id the seal states (0: none)'),
            keyId: Type.String({ minLength: 1, description: '封存所用密钥 / The key id that made the MAC', examples: ['1ea0a7b9'] }),
            valid: Type.Boolean({ description: 'MAC 在本服务的密钥下有效 / The MAC verifies under this service’s key', examples: [true] }),
            equalsHead: Type.Boolean({ description: '封存值等于实际日志头与最新检查点 / It states the real head and the latest checkpoint', examples: [true] }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '封存的日志头，缺失时为 null / The sealed head; null when there is none' },
    ),
    checkpoints: Type.Object(
      {
        count: Type.Integer({ minimum: 0, description: '检查点行数 / Checkpoint rows', examples: [12] }),
        latestId: CheckpointId('最新检查点的序号（0：无）/ The latest checkpoint id (0: none)'),
      },
      { additionalProperties: false, description: '检查点表 / The checkpoints table' },
    ),
    witness: Type.Union(
      [
        Type.Object(
          { count: Type.Integer({ minimum: 0, description: '见证文件中的检查点数 / Checkpoints in the witness file', examples: [12] }) },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '见证文件，未配置时为 null / The witness file; null when none is configured' },
    ),
    superseded: Type.Array(
      Type.Object(
        {
          id: Type.Integer({ minimum: 1, examples: [9] }),
          size: Type.Union([Type.Integer({ minimum: 0, examples: [368] }), Type.Null()], {
            description: '检查点覆盖的条目数，已缺失时为 null / Its size; null for a row missing from the table',
          }),
          headHash: Type.Union([HeadHash('检查点所签的哈希 / The hash it signed'), Type.Null()], { description: '已缺失时为 null / null for a row missing from the table' }),
          acknowledgedBy: Type.Integer({ minimum: 1, description: '确认它被取代的日志条目序号 / The seq of the acknowledging entry', examples: [364] }),
        },
        { additionalProperties: false },
      ),
      { description: '经运维确认而被取代的检查点（不算失败）/ Checkpoints an operator’s acknowledgement superseded (not failures)' },
    ),
  },
  { additionalProperties: false, description: '日志头的核验 / Whether the log’s head is an extension of its past' },
);

export type HeadVerdict = Static<typeof HeadVerdictSchema>;

export function headVerdict(exam: HeadExamination): HeadVerdict {
  const seal = exam.found.seal;
  return {
    valid: exam.ok,
    reasons: exam.reasons,
    log: { size: exam.found.size, headHash: exam.found.headHash },
    seal: seal
      ? {
          ...seal,
          equalsHead: seal.size === exam.found.size && seal.headHash === exam.found.headHash && seal.checkpointId === exam.found.checkpointId,
        }
      : null,
    checkpoints: exam.checkpoints,
    witness: exam.witness ? { count: exam.witness.count } : null,
    superseded: exam.superseded,
  };
}
