/** The files table: a project's uploads, their metadata apart from their bytes. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { after } from '../http/paging.js';
import { files, type FileRow } from '../db/schema.js';

export type FileMetadata = Omit<FileRow, 'content'>;

const METADATA = {
  id: files.id,
  projectId: files.projectId,
  kind: files.kind,
  fileName: files.fileName,
  mediaType: files.mediaType,
  size: files.size,
  sha256: files.sha256,
  uploadedBy: files.uploadedBy,
  createdAt: files.createdAt,
};

export class FilesRepository {
  constructor(private readonly db: Db) {}

  add(row: FileRow): void {
    this.db.insert(files).values(row).run();
  }

  /** The metadata of up to `limit` files of the project after `afterKey` ([createdAt, id]), in upload order; never the bytes. */
  metadataOf(projectId: string, afterKey: readonly [string, string] | undefined, limit: number): FileMetadata[] {
    return this.db
      .select(METADATA)
      .from(files)
      .where(and(eq(files.projectId, projectId), afterKey ? after([files.createdAt, files.id], afterKey) : undefined))
      .orderBy(asc(files.createdAt), asc(files.id))
      .limit(limit)
      .all();
  }

  /** The file with its bytes, if it is one of the project's files. */
  fileOf(projectId: string, fileId: string): FileRow | undefined {
    return this.db
      .select()
      .from(files)
      .where(and(eq(files.id, fileId), eq(files.projectId, projectId)))
      .get();
  }
}
