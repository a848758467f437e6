/**
 * The command line's side of the sealed head: every command that writes runs the start-up check
 * first and seals what it appends (the sealer bound to its connection), so the command line can
 * neither seal a refused head nor leave an unsealed one; `audit acknowledge` is how an operator
 * accepts a refused head, as a log entry of its own.
 */
import type { Config } from '../config.js';
import { isoUtc, systemClock } from '../clock.js';
import { CheckpointsService, loadSigningKey, logIdentity, type CheckpointView } from '../audit/checkpoints.js';
import { ACKNOWLEDGE_EVENT, examineHead, type HeadContext, type HeadExamination } from '../audit/head-check.js';
import { bindSealer, HeadSealer } from '../audit/seal.js';
import { Witness } from '../audit/witness.js';
import type { Db } from '../db/client.js';
import { machineDefinitions } from '../machines/definitions.js';
import { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { appendRecord, CLI_ACTOR } from '../workflow/records.js';
import { Refused } from './failures.js';

export interface SealedDatabase {
  context: HeadContext;
  sealer: HeadSealer;
  checkpoints: CheckpointsService;
}

/** The key, the witness and a sealer for `db`, as the service has them; the sealer not yet bound. */
export function headOf(db: Db, config: Readonly<Config>): SealedDatabase {
  const identity = logIdentity(config.instance);
  const key = loadSigningKey(config.signingKeyPath, identity.keyName);
  const witness = config.witnessPath ? new Witness(config.witnessPath) : null;
  const context: HeadContext = { key, origin: identity.origin, witness };
  return {
    context,
    sealer: new HeadSealer(db.$client, key, identity.origin, systemClock),
    checkpoints: new CheckpointsService(db, systemClock, key, identity.origin, machineDefinitions(), witness),
  };
}

/** Checks the head as the service does at start, and binds the sealer; a refused head refuses the command. */
export function sealedForWriting(db: Db, config: Readonly<Config>, command: string): SealedDatabase {
  const head = headOf(db, config);
  const exam = examineHead(db.$client, head.context, false);
  if (!exam.ok) {
    throw new Refused(`${command}: the log head is refused (${exam.reasons.join('; ')}); if this is known, acknowledge it: lixiang audit acknowledge --reason "..."`);
  }
  bindSealer(head.sealer);
  if (exam.sealMissing) db.$client.transaction(() => head.sealer.seal(true)).immediate();
  return head;
}

export interface Acknowledgement {
  seq: number;
  checkpoint: CheckpointView;
  examination: HeadExamination;
}

/**
 * Accepts a refused head: one entry (subject log/head, ACKNOWLEDGE_HEAD) naming the reason, what was
 * found and expected and the checkpoints it supersedes; then the seal, a signed checkpoint, and
 * the checkpoint in the witness. Null when the head checks out: nothing to acknowledge.
 */
export function acknowledgeHead(db: Db, config: Readonly<Config>, reason: string): Acknowledgement | null {
  const head = headOf(db, config);
  const examination = examineHead(db.$client, head.context, true);
  if (examination.ok) return null;
  bindSealer(head.sealer);
  const entry = appendRecord(
    new TransitionLogRepository(db.$client),
    { actor: CLI_ACTOR, requestId: 'cli:acknowledge' },
    {
      subjectKind: 'log',
      subjectId: 'head',
      event: ACKNOWLEDGE_EVENT,
      fromState: 'refused',
      toState: 'acknowledged',
      payload: { reason, found: examination.found, expected: examination.expected, findings: examination.reasons, supersedes: examination.failing },
      at: isoUtc(systemClock.now()),
    },
  );
  return { seq: entry.seq, checkpoint: head.checkpoints.sign(), examination };
}
