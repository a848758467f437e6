/** The round_documents table: a round's own uploads (the signed approved list), metadata apart from bytes. */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { roundDocuments, type RoundDocumentRow } from '../db/schema.js';

export type RoundDocumentMetadata = Omit<RoundDocumentRow, 'content'>;

const METADATA = {
  id: roundDocuments.id,
  roundId: roundDocuments.roundId,
  kind: roundDocuments.kind,
  fileName: roundDocuments.fileName,
  mediaType: roundDocuments.mediaType,
  size: roundDocuments.size,
  sha256: roundDocuments.sha256,
  uploadedBy: roundDocuments.uploadedBy,
  createdAt: roundDocuments.createdAt,
};

export class RoundDocumentsRepository {
  constructor(private readonly db: Db) {}

  add(row: RoundDocumentRow): void {
    this.db.insert(roundDocuments).values(row).run();
  }

  /** The metadata of the round's documents, in upload order (ids count up within a millisecond: src/ids.ts); never the bytes. */
  metadataOf(roundId: string): RoundDocumentMetadata[] {
    return this.db.select(METADATA).from(roundDocuments).where(eq(roundDocuments.roundId, roundId)).orderBy(asc(roundDocuments.id)).all();
  }

  /** The latest document of a kind in the round, without its bytes. */
  latestOf(roundId: string, kind: RoundDocumentRow['kind']): RoundDocumentMetadata | undefined {
    return this.db
      .select(METADATA)
      .from(roundDocuments)
      .where(and(eq(roundDocuments.roundId, roundId), eq(roundDocuments.kind, kind)))
      .orderBy(desc(roundDocuments.id))
      .limit(1)
      .get();
  }

  /** The document with its bytes, if it is one of the round's. */
  documentOf(roundId: string, id: string): RoundDocumentRow | undefined {
    return this.db
      .select()
      .from(roundDocuments)
      .where(and(eq(roundDocuments.id, id), eq(roundDocuments.roundId, roundId)))
      .get();
  }
}
