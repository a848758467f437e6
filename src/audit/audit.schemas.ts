import { Type } from 'typebox';
import { Cursor, Limit, Timestamp } from '../http/schemas.js';

export const CheckpointSchema = Type.Object(
  {
    id: Type.Integer(),
    size: Type.Integer({ description: 'Entries covered: the sequence number of the signed head (0: the empty log)' }),
    headHash: Type.String({ description: 'Hex SHA-256 of the head entry' }),
    keyId: Type.String({ description: 'Hex signed-note key id of the signing key' }),
    note: Type.String({ description: 'The signed note, exactly as GET /audit/checkpoints/latest serves it' }),
    signature: Type.String({ description: 'Base64 Ed25519 signature over the note body' }),
    createdAt: Timestamp,
  },
  { $id: 'Checkpoint', additionalProperties: false, description: '签名检查点 / A signed checkpoint of the transition log' },
);

export const SecurityEventSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Timestamp,
    requestId: Type.String(),
    actor: Type.Object(
      { id: Type.Union([Type.String(), Type.Null()]), role: Type.Union([Type.String(), Type.Null()]) },
      { additionalProperties: false, description: 'Null when the caller could not be authenticated' },
    ),
    method: Type.String(),
    route: Type.String({ description: 'The route pattern, e.g. /api/v1/projects/:id/events' }),
    url: Type.String({ description: 'The URL asked for; secret-looking query values redacted' }),
    status: Type.Integer(),
    problemType: Type.String(),
    detail: Type.String(),
    projectId: Type.Union([Type.String(), Type.Null()]),
    event: Type.Union([Type.String(), Type.Null()], { description: 'The event type attempted, on event routes' }),
  },
  { $id: 'SecurityEvent', additionalProperties: false, description: '被拒绝的写操作 / A refused write attempt' },
);

export const AUDIT_SCHEMAS = [CheckpointSchema, SecurityEventSchema];

export const PageQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });

export const SecurityEventsQuery = Type.Object(
  {
    actorId: Type.Optional(Type.String({ maxLength: 64 })),
    projectId: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const KeptCheckpointBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 16_384, description: 'A checkpoint note kept from an earlier GET /audit/checkpoints/latest' }) },
  { additionalProperties: false },
);

export const KeptCheckpointVerdictSchema = Type.Object(
  {
    consistent: Type.Boolean({ description: 'Signed by this service, this log, and the log still has exactly that hash at that size' }),
    size: Type.Union([Type.Integer(), Type.Null()]),
    headHash: Type.Union([Type.String(), Type.Null()]),
    head: Type.Object({ size: Type.Integer(), hash: Type.String() }, { additionalProperties: false, description: 'The log head now' }),
    reasons: Type.Array(Type.String(), { description: 'Why it is not consistent; empty when it is' }),
  },
  { additionalProperties: false, description: '检查点一致性 / Whether a kept checkpoint is a prefix of the log now' },
);
