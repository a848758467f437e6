/**
 * A round's own documents: org_dept uploads the signed and sealed approved list (立项名单, a PDF)
 * while the round is in a state of LIST_DOCUMENT_STATES; PUBLISH_LIST names the latest one
 * (latestListDocument). Immutable like project files: a new upload adds a document and the latest
 * counts. org_dept, the committee, auditors and the admin read them at any time; every other user
 * once the list is published, as the published list itself.
 */
import { roundStateLabel } from '../../machines/round.lifecycle.js';
import type { RoundState } from '../../machines/round.types.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { RoundDocumentRow, RoundRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { RoundsService } from '../rounds/rounds.service.js';
import { appendRecord, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { checksumOf, detectMediaType, PDF, sanitizeFileName } from './file-content.js';
import type { Download, Upload } from './files.service.js';
import { RoundDocumentsRepository, type RoundDocumentMetadata } from './round-documents.repository.js';
import type { RoundDocumentKind, RoundDocumentView } from './round-documents.schemas.js';

/**
 * The round states in which the signed list may be uploaded: after the committee's decisions and
 * before the list is published. A later version of the round machine adds its own (a publicity period).
 */
/** round@1 uploads once decided; round@2 during 公示, before PUBLISH_LIST. */
export const LIST_DOCUMENT_STATES: readonly string[] = ['decided', 'in_publicity'];

/** Who reads a round's documents before its list is published. */
const READ_BEFORE_PUBLICATION = new Set(['admin', 'org_dept', 'committee', 'auditor']);

const toView = (row: RoundDocumentMetadata): RoundDocumentView => ({
  id: row.id,
  roundId: row.roundId,
  kind: row.kind,
  fileName: row.fileName,
  mediaType: PDF,
  size: row.size,
  sha256: row.sha256,
  uploadedBy: row.uploadedBy,
  createdAt: row.createdAt,
});

/** The problem of a round whose list is not published yet (also GET /rounds/{id}/published-list's). */
export function listNotPublished(round: Pick<RoundRow, 'id' | 'title' | 'state'>): Problem {
  return new Problem('conflict', `批次「${round.title}」的立项名单尚未公布 / The approved list of round ${round.id} is not published yet`, {
    code: 'list_not_published',
    roundId: round.id,
    state: round.state,
    stateLabel: roundStateLabel(round.state as RoundState),
  });
}

export class RoundDocumentsService {
  private readonly documents: RoundDocumentsRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
    private readonly rounds: RoundsService,
  ) {
    this.documents = new RoundDocumentsRepository(db);
  }

  private round(id: string): RoundRow {
    const round = this.rounds.findRow(id);
    if (!round) throw new Problem('not-found', `批次不存在 / Round ${id} not found`);
    return round;
  }

  /**
   * The round, if a document may be uploaded to it now: 409 naming the state outside
   * LIST_DOCUMENT_STATES. The route asks before reading the body; the write asks again.
   */
  assertMayUpload(roundId: string): RoundRow {
    const round = this.round(roundId);
    if (!LIST_DOCUMENT_STATES.includes(round.state)) {
      const label = roundStateLabel(round.state as RoundState);
      const allowed = LIST_DOCUMENT_STATES.map((state) => roundStateLabel(state as RoundState));
      throw new Problem(
        'conflict',
        `立项名单只能在批次处于「${allowed.map((l) => l.zh).join('」或「')}」时上传，批次现为「${label.zh}」 / ` +
          `The approved list is uploaded while the round is ${LIST_DOCUMENT_STATES.join(' or ')}; it is ${round.state}`,
        { code: 'wrong_round_state', state: round.state, stateLabel: label, allowedStates: LIST_DOCUMENT_STATES },
      );
    }
    return round;
  }

  /** Judges the bytes (415 unless a PDF), then stores them with their SHA-256 and the UPLOAD_ROUND_DOCUMENT entry. */
  upload(act: Act, roundId: string, kind: RoundDocumentKind, upload: Upload): Promise<RoundDocumentView> {
    const mediaType = detectMediaType(upload.content);
    if (mediaType !== PDF) {
      throw new Problem('unsupported-media-type', '立项名单须为 PDF 文件（按内容判定） / The approved list must be a PDF (judged by its content)', {
        field: 'file',
        code: 'file_type_not_accepted',
        acceptedTypes: [PDF],
        ...(mediaType ? { detectedType: mediaType } : {}),
      });
    }
    const sha256 = checksumOf(upload.content);
    const fileName = sanitizeFileName(upload.fileName, PDF);
    return this.committer.run(() => {
      this.assertMayUpload(roundId);
      const now = this.clock.now();
      const row: RoundDocumentRow = {
        id: newId(now),
        roundId,
        kind,
        fileName,
        mediaType,
        size: upload.content.length,
        sha256,
        content: upload.content,
        uploadedBy: act.actor.id,
        createdAt: isoUtc(now),
      };
      this.documents.add(row);
      appendRecord(this.log, act, {
        subjectKind: 'round_document',
        subjectId: row.id,
        event: 'UPLOAD_ROUND_DOCUMENT',
        toState: 'stored',
        payload: { roundId, kind, fileName, mediaType, size: row.size, sha256 },
        at: row.createdAt,
      });
      return toView(row);
    });
  }

  /** 404 without the round; 409 list_not_published for a caller who may read only the published list. */
  private readable(principal: Principal, roundId: string): RoundRow {
    const round = this.round(roundId);
    if (!READ_BEFORE_PUBLICATION.has(principal.role) && !round.context.publication) throw listNotPublished(round);
    return round;
  }

  list(principal: Principal, roundId: string): { items: RoundDocumentView[] } {
    this.readable(principal, roundId);
    return { items: this.documents.metadataOf(roundId).map(toView) };
  }

  download(principal: Principal, roundId: string, fileId: string): Omit<Download, 'file'> & { file: RoundDocumentView } {
    this.readable(principal, roundId);
    const row = this.documents.documentOf(roundId, fileId);
    if (!row) throw new Problem('not-found', `文件不存在 / Document ${fileId} not found`);
    return { file: toView(row), content: row.content };
  }

  /** The latest signed list of the round, as PUBLISH_LIST names it; null when none was uploaded. */
  latestListDocument(roundId: string): { fileId: string; sha256: string } | null {
    const latest = this.documents.latestOf(roundId, 'approved_list');
    return latest ? { fileId: latest.id, sha256: latest.sha256 } : null;
  }
}
