/**
 * A project's files: the signed and sealed letter (before SUBMIT) and the final report's documents
 * (before SUBMIT_FINAL_REPORT). Who may see a file is who may see its project (ProjectsService's
 * one rule); only the applicant of the project's own unit uploads, and only in the state that
 * needs the file. Files are immutable: a new upload adds a file, the latest signed letter counts.
 * Writes run through the group committer, like every other write.
 */
import { stateLabel } from '../../machines/project.lifecycle.js';
import type { ProjectState } from '../../machines/project.types.js';
import type { Principal } from '../auth/principal.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { FileRow, ProjectRow } from '../db/schema.js';
import { decodeKeyCursor, encodeKeyCursor, pageOf, pageSize, type Page, type PageQuery } from '../http/paging.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { ProjectsService } from '../projects/projects.service.js';
import { appendRecord } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { FilesRepository, type FileMetadata } from './files.repository.js';
import { ACCEPTED_TYPES, checksumOf, detectMediaType, sanitizeFileName, type FileKind, type MediaType } from './file-content.js';
import type { FileView } from './files.schemas.js';

/** The state in which each kind of file is uploaded: the one whose next event uses it. */
export const UPLOAD_STATE: Record<FileKind, ProjectState> = {
  signed_letter: 'draft',
  final_report_document: 'in_progress',
};

const KIND_LABEL: Record<FileKind, { zh: string; en: string }> = {
  signed_letter: { zh: '盖章扫描件', en: 'The signed letter' },
  final_report_document: { zh: '结项文件', en: 'A final report document' },
};

const toFileView = (row: FileMetadata): FileView => ({
  id: row.id,
  projectId: row.projectId,
  kind: row.kind,
  fileName: row.fileName,
  mediaType: row.mediaType as MediaType,
  size: row.size,
  sha256: row.sha256,
  uploadedBy: row.uploadedBy,
  createdAt: row.createdAt,
});

export interface Upload {
  /** As the client named it; sanitised before it is kept. */
  fileName: string | undefined;
  content: Buffer;
}

export interface Download {
  file: FileView;
  content: Buffer;
}

export class FilesService {
  private readonly files: FilesRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly projects: ProjectsService,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
  ) {
    this.files = new FilesRepository(db);
  }

  /**
   * The project, if the caller may upload a file of this kind now: 404 when it may not see the
   * project, 403 when it is not the applicant of the project's unit, 409 in another state. The
   * route asks before reading the body, and the write asks again inside its transaction.
   */
  assertMayUpload(principal: Principal, projectId: string, kind: FileKind): ProjectRow {
    const project = this.projects.findVisible(principal, projectId);
    if (principal.role !== 'applicant' || principal.unitId !== project.unitId) {
      throw new Problem('forbidden', '只有项目所在单位可以上传文件 / Only the applicant unit of the project uploads its files');
    }
    const needed = UPLOAD_STATE[kind];
    if (project.state !== needed) {
      const state = project.state as ProjectState;
      const label = stateLabel(state);
      const neededLabel = stateLabel(needed);
      throw new Problem(
        'conflict',
        `${KIND_LABEL[kind].zh}只能在「${neededLabel.zh}」状态上传，项目处于「${label.zh}」 / ` +
          `${KIND_LABEL[kind].en} is uploaded while the project is ${needed}; it is ${state}`,
        { state, stateLabel: label, code: 'wrong_state', field: 'kind' },
      );
    }
    return project;
  }

  /** Judges the bytes (415 for a type the kind does not accept), then stores them with their SHA-256 and the UPLOAD_FILE entry. */
  upload(principal: Principal, projectId: string, kind: FileKind, upload: Upload, requestId: string): Promise<FileView> {
    const mediaType = detectMediaType(upload.content);
    const accepted = ACCEPTED_TYPES[kind];
    if (mediaType === null || !accepted.includes(mediaType)) {
      throw new Problem(
        'unsupported-media-type',
        kind === 'signed_letter'
          ? '盖章扫描件须为 PDF 文件（按内容判定） / The signed letter must be a PDF (judged by its content)'
          : '结项文件须为 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按内容判定） / A final report document must be a PDF, JPEG, PNG, DOCX or XLSX file (judged by its content)',
        { field: 'file', code: 'file_type_not_accepted', acceptedTypes: accepted, ...(mediaType ? { detectedType: mediaType } : {}) },
      );
    }
    const sha256 = checksumOf(upload.content);
    const fileName = sanitizeFileName(upload.fileName, mediaType);
    return this.committer.run(() => {
      this.assertMayUpload(principal, projectId, kind);
      const now = this.clock.now();
      const row: FileRow = {
        id: newId(now),
        projectId,
        kind,
        fileName,
        mediaType,
        size: upload.content.length,
        sha256,
        content: upload.content,
        uploadedBy: principal.id,
        createdAt: isoUtc(now),
      };
      this.files.add(row);
      appendRecord(
        this.log,
        { actor: principal, requestId },
        {
          subjectKind: 'file',
          subjectId: row.id,
          event: 'UPLOAD_FILE',
          toState: 'stored',
          payload: { projectId, kind, fileName, mediaType, size: row.size, sha256 },
          at: row.createdAt,
        },
      );
      return toFileView(row);
    });
  }

  /** A page of the metadata of the project's files, in upload order. */
  list(principal: Principal, projectId: string, query: PageQuery = {}): Page<FileView> {
    this.projects.findVisible(principal, projectId);
    const limit = pageSize(query);
    const rows = this.files.metadataOf(projectId, query.cursor ? decodeKeyCursor(query.cursor, ['string', 'string'] as const) : undefined, limit + 1);
    return pageOf(rows, limit, (row) => encodeKeyCursor([row.createdAt, row.id]), toFileView);
  }

  /** One file with its bytes; 404 when the project is not visible or the file is not one of its files. */
  download(principal: Principal, projectId: string, fileId: string): Download {
    this.projects.findVisible(principal, projectId);
    const row = this.files.fileOf(projectId, fileId);
    if (!row) throw new Problem('not-found', `文件不存在 / File ${fileId} not found`);
    return { file: toFileView(row), content: row.content };
  }
}
