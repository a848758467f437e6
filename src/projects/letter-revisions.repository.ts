/**
 * The saved revisions of projects' letters (目标责任书): one row each time a create or a draft's edit
 * changes the letter, numbered by the project's version at that moment. SUBMIT names the revision
 * it submitted in its log entry; the project view reads it back from there.
 */
import { jsonArrayValues, jsonNumber } from '../db/dialect.js';
import type Database from 'better-sqlite3';
import type { Letter } from '../../machines/project.types.js';

export interface LetterRevisionRecord {
  projectId: string;
  revision: number;
  letter: Letter;
  savedBy: string;
  savedAt: string;
}

export interface LetterRevisionListed {
  revision: number;
  letter: string;
  savedBy: string;
  savedByName: string | null;
  savedAt: string;
}

export class LetterRevisionsRepository {
  private readonly statements;

  constructor(sqlite: Database.Database) {
    this.statements = {
      insert: sqlite.prepare('INSERT INTO letter_revisions (project_id, revision, letter, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)'),
      latest: sqlite.prepare<[string], { revision: number | null }>('SELECT max(revision) AS revision FROM letter_revisions WHERE project_id = ?'),
      page: sqlite.prepare<[string, number, number], LetterRevisionListed>(
        `SELECT r.revision, r.letter, r.saved_by AS savedBy, u.name AS savedByName, r.saved_at AS savedAt
         FROM letter_revisions r LEFT JOIN users u ON u.id = r.saved_by
         WHERE r.project_id = ? AND r.revision > ? ORDER BY r.revision LIMIT ?`,
      ),
      one: sqlite.prepare<[string, number], LetterRevisionListed>(
        `SELECT r.revision, r.letter, r.saved_by AS savedBy, u.name AS savedByName, r.saved_at AS savedAt
         FROM letter_revisions r LEFT JOIN users u ON u.id = r.saved_by
         WHERE r.project_id = ? AND r.revision = ?`,
      ),
      // Walks transition_log_subject_idx backwards: the latest SUBMIT of the project.
      submitted: sqlite.prepare<[string], { revision: number | null }>(
        `SELECT ${jsonNumber(sqlite, 'payload', '$.letterRevision')} AS revision FROM transition_log
         WHERE subject_kind = 'project' AND subject_id = ? AND event = 'SUBMIT' ORDER BY seq DESC LIMIT 1`,
      ),
      // A page of projects at once (one statement, not one per project): for each, `submitted`'s walk
      // back to its latest SUBMIT, so that a page costs the same however long the projects' histories.
      submittedOfMany: sqlite.prepare<[string], { projectId: string; revision: number | null }>(
        `SELECT ids.value AS projectId,
           (SELECT ${jsonNumber(sqlite, 'payload', '$.letterRevision')} FROM transition_log
            WHERE subject_kind = 'project' AND subject_id = ids.value AND event = 'SUBMIT' ORDER BY seq DESC LIMIT 1) AS revision
         FROM (${jsonArrayValues(sqlite)}) ids`,
      ),
    };
  }

  save(record: LetterRevisionRecord): void {
    this.statements.insert.run(record.projectId, record.revision, JSON.stringify(record.letter), record.savedBy, record.savedAt);
  }

  /** The project's latest saved revision; null for a project created before revisions were kept. */
  latest(projectId: string): number | null {
    return this.statements.latest.get(projectId)?.revision ?? null;
  }

  page(projectId: string, afterRevision: number, limit: number): LetterRevisionListed[] {
    return this.statements.page.all(projectId, afterRevision, limit);
  }

  one(projectId: string, revision: number): LetterRevisionListed | undefined {
    return this.statements.one.get(projectId, revision);
  }

  /** The revision the project's latest SUBMIT named; null when never submitted (or submitted before revisions were kept). */
  submitted(projectId: string): number | null {
    const revision = this.statements.submitted.get(projectId)?.revision;
    return typeof revision === 'number' ? revision : null;
  }

  /** submitted() of each project of a page, read in one statement. */
  submittedOf(projectIds: readonly string[]): Map<string, number | null> {
    const revisions = new Map<string, number | null>(projectIds.map((id) => [id, null]));
    if (projectIds.length === 0) return revisions;
    for (const { projectId, revision } of this.statements.submittedOfMany.all(JSON.stringify(projectIds))) {
      revisions.set(projectId, typeof revision === 'number' ? revision : null);
    }
    return revisions;
  }
}
