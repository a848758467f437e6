/**
 * A database of the engine's own schema (its migrations), filled directly rather than through the
 * API: units, three users, a round in execution, `projects` projects in progress, and a hash-chained log of
 * `logPerProject` progress reports for each. The scale bench builds its sizes with it, and the HTTP
 * bench's ceiling its table, so both work on rows the engine itself would hold.
 *
 * The log proves the tables, as the verification's table comparison checks: every row is first
 * recorded by an ADOPT entry whose payload is its audited projection (a database adopted at an
 * upgrade, the projects in progress at version 1 with no report yet), then each progress report is
 * a machine entry whose payload carries the contextSha256 of the context it leaves; the project row
 * holds the last of them (version 1 + logPerProject).
 */
import { projectRow, sha256Hex } from '../../src/audit/table-rules.js';
import { STORED_ROWS_SQL } from '../../src/audit/verify-tables.js';
import { ENTRY_FORMAT, GENESIS_HASH, canonicalJson, entryHash, type UnhashedEntry } from '../../src/workflow/hash-chain.js';
import { hashToken } from '../../src/auth/tokens.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { newId } from '../../src/ids.js';

export interface SeedTokens {
  applicant: string;
  orgDept: string;
  auditor: string;
}

export interface SeededDatabase {
  /** The projects' ids, in creation order. */
  ids: string[];
  /** The applicant who owns them, and the unit. */
  applicantId: string;
  unitId: string;
  seconds: number;
}

/** Creates `file` (which must not exist) and fills it; closes it again. */
export function seedDatabase(file: string, projects: number, logPerProject: number, tokens: SeedTokens): SeededDatabase {
  const started = performance.now();
  const db = openDatabase(file);
  migrateDatabase(db);
  const sqlite = db.$client;
  sqlite.pragma('synchronous = OFF'); // generation only; whoever measures reopens it
  const now = '2026-01-01T00:00:00.000Z';
  const unit = newId();
  const other = newId();
  const round = newId();
  const applicant = newId();
  sqlite.prepare("INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, '音乐学院党总支', 'general_branch', NULL, ?)").run(unit, now);
  sqlite.prepare("INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, '舞蹈学院党总支', 'general_branch', NULL, ?)").run(other, now);
  const user = sqlite.prepare('INSERT INTO users (id, name, role, unit_id, token_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)');
  user.run(applicant, 'applicant', 'applicant', unit, hashToken(tokens.applicant), now);
  user.run(newId(), 'org', 'org_dept', null, hashToken(tokens.orgDept), now);
  user.run(newId(), 'auditor', 'auditor', null, hashToken(tokens.auditor), now);
  sqlite
    .prepare(
      `INSERT INTO rounds (id, year, title, document_number, submission_deadline, revision_deadline, final_acceptance_date,
        funding_first, funding_second, funding_third, funding_qualified, min_reviews, score_min, score_max, state, context, created_at)
       VALUES (?, 2026, 'scale', 'S-1', '2099-12-31', NULL, '2099-12-31', 3000, 2000, 1500, 1000, 1, 0, 20, 'in_execution', ?, ?)`,
    )
    // Its projects are in progress: the round has published its list, and the round's gates let them report progress.
    .run(round, JSON.stringify({ roundId: round, publication: { documentNumber: 'S-2', publishedOn: '2026-01-01' } }), now);
  const letter = JSON.stringify({ rationale: 'r', activities: [{ content: 'c', form: 'f', when: 'w' }], expectedOutcomes: 'e', leader: 'l', members: ['m'], contact: 'c' });
  const insertProject = sqlite.prepare(
    `INSERT INTO projects (id, round_id, unit_id, category, direction, title, letter, state, context, machine_id, machine_version,
       version, grade, funding, created_by, created_at, updated_at)
     VALUES (?, ?, ?, 'fortress', 'soul', ?, ?, 'in_progress', ?, 'project', 1, ?, NULL, NULL, ?, ?, ?)`,
  );
  const insertLog = sqlite.prepare(
    `INSERT INTO transition_log (seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role,
       actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash)
     VALUES (@seq, @format, @subjectKind, @subjectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId, @at,
       @requestId, @machineId, @machineVersion, @prevHash, @hash)`,
  );
  const ids: string[] = [];
  let seq = 0;
  let prevHash = GENESIS_HASH;
  const append = (entry: Omit<UnhashedEntry, 'seq' | 'format' | 'prevHash'>) => {
    seq += 1;
    const unhashed: UnhashedEntry = { ...entry, seq, format: ENTRY_FORMAT, prevHash };
    const hash = entryHash(unhashed);
    insertLog.run({ ...unhashed, hash });
    prevHash = hash;
  };
  const SYSTEM = { actorId: 'system', actorRole: 'system', actorUnitId: null, machineId: 'record', machineVersion: 1 };
  // The rows written above, adopted as the service adopts a database from before record entries.
  const adopt = (table: 'units' | 'users' | 'rounds', kind: string, state: (row: Record<string, unknown>) => string) => {
    for (const row of sqlite.prepare<[], Record<string, unknown>>(STORED_ROWS_SQL[table]).all()) {
      const projection = projectRow(table, row);
      append({
        ...SYSTEM,
        subjectKind: kind as UnhashedEntry['subjectKind'],
        subjectId: projection.id as string,
        event: 'ADOPT',
        fromState: 'none',
        toState: state(row),
        payload: canonicalJson({ row: projection }),
        at: now,
        requestId: 'system:adopt',
      });
    }
  };
  sqlite.transaction(() => {
    adopt('units', 'unit', () => 'active');
    adopt('users', 'user', () => 'active');
    adopt('rounds', 'round', (row) => String(row.state));
  })();
  const letterSha256 = sha256Hex(canonicalJson(JSON.parse(letter)));
  const batch = 10_000;
  const t0 = Date.parse(now);
  const MARK = 987654321987;
  for (let start = 0; start < projects; start += batch) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(projects, start + batch); i += 1) {
        const id = newId(t0 + i);
        ids.push(id);
        const context = {
          projectId: id,
          unitId: unit,
          returnedForRevision: false,
          submissions: 1,
          grade: null,
          funding: null,
          recommended: false,
          reviewSubmissions: 1,
          progressReports: logPerProject,
        };
        // The canonical context around its report count, so that each report's hash costs one SHA-256.
        const [before, after] = canonicalJson({ ...context, progressReports: MARK }).split(String(MARK));
        const contextSha256 = (reports: number) => sha256Hex(`${before}${reports}${after}`);
        const title = `项目 ${i}`;
        insertProject.run(id, round, unit, title, letter, JSON.stringify(context), 1 + logPerProject, applicant, now, now);
        const adopted = {
          id,
          roundId: round,
          unitId: unit,
          category: 'fortress',
          direction: 'soul',
          title,
          letterSha256,
          state: 'in_progress',
          contextSha256: contextSha256(0),
          machineId: 'project',
          machineVersion: 1,
          version: 1,
          grade: null,
          funding: null,
          createdBy: applicant,
          createdAt: now,
          updatedAt: now,
        };
        append({
          ...SYSTEM,
          subjectKind: 'project',
          subjectId: id,
          event: 'ADOPT',
          fromState: 'none',
          toState: 'in_progress',
          payload: canonicalJson({ row: adopted }),
          at: now,
          requestId: 'system:adopt',
        });
        for (let k = 0; k < logPerProject; k += 1) {
          append({
            subjectKind: 'project',
            subjectId: id,
            event: 'SUBMIT_PROGRESS_REPORT',
            fromState: 'in_progress',
            toState: 'in_progress',
            payload: `{"contextSha256":"${contextSha256(k + 1)}","text":"第${k + 1}次进展报告"}`,
            actorId: applicant,
            actorRole: 'applicant',
            actorUnitId: unit,
            at: now,
            requestId: `scale-${seq + 1}`,
            machineId: 'project',
            machineVersion: 1,
          });
        }
      }
    })();
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { ids, applicantId: applicant, unitId: unit, seconds: (performance.now() - started) / 1000 };
}
