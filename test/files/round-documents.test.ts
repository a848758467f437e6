/**
 * The signed approved list of a round (POST/GET /rounds/{id}/documents): org_dept uploads a PDF
 * while the round is decided, logged as UPLOAD_ROUND_DOCUMENT and proved by the table replay; other
 * states, types and roles are refused writing nothing; the latest counts for PUBLISH_LIST.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoundDocumentsRepository } from '../../src/files/round-documents.repository.js';
import { LIST_DOCUMENT_STATES } from '../../src/files/round-documents.service.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { driveToDecided, publishList } from '../helpers/decided-round.js';
import { minimalPdf, multipartBody, minimalPng } from '../helpers/files.js';
import { logLength, subjectEntries } from '../helpers/log-entries.js';
import { createWorld, type User, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp({ enforceRoundGates: true });
  world = await createWorld(t.app);
});
afterEach(async () => {
  await t.close();
});

const upload = (user: User, content: Buffer, fileName = '立项名单（盖章）.pdf', kind = 'approved_list') => {
  const body = multipartBody([{ name: 'file', filename: fileName, contentType: 'application/pdf', content }]);
  return call(t.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/documents?kind=${kind}`, payload: body.payload, headers: body.headers });
};
const documentRows = () => (t.db.$client.prepare('SELECT count(*) AS n FROM round_documents').get() as { n: number }).n;

describe('the signed approved list', () => {
  it('is uploaded by org_dept once the round is decided, audited, listed, downloaded, the latest counting', async () => {
    expect(LIST_DOCUMENT_STATES).toEqual(['decided', 'in_publicity']);
    // While the round is open: 409 naming the state, nothing read or written.
    const early = await upload(world.orgDept, minimalPdf());
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'wrong_round_state', state: 'open', stateLabel: { zh: expect.any(String) }, allowedStates: ['decided', 'in_publicity'] });
    expect(early.body.detail).toContain('open');

    const decided = await driveToDecided(world, t.clock);
    const first = await upload(world.orgDept, minimalPdf('first'));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      roundId: world.roundId,
      kind: 'approved_list',
      fileName: '立项名单（盖章）.pdf',
      mediaType: 'application/pdf',
      uploadedBy: world.orgDept.id,
    });
    expect(first.headers.location).toBe(`/api/v1/rounds/${world.roundId}/documents/${first.body.id}/content`);
    const second = await upload(world.orgDept, minimalPdf('second'), '../名单（更正）.pdf');
    expect(second.status).toBe(201);
    expect(second.body.fileName).toBe('名单（更正）.pdf');
    // Uploaded within the same millisecond, the second is still the latest.
    expect(new RoundDocumentsRepository(t.db).latestOf(world.roundId, 'approved_list')).toMatchObject({ id: second.body.id, sha256: second.body.sha256 });

    const entries = subjectEntries(t.db.$client, 'round_document', first.body.id);
    expect(entries).toEqual([
      expect.objectContaining({
        event: 'UPLOAD_ROUND_DOCUMENT',
        fromState: 'none',
        toState: 'stored',
        actorId: world.orgDept.id,
        payload: {
          roundId: world.roundId,
          kind: 'approved_list',
          fileName: '立项名单（盖章）.pdf',
          mediaType: 'application/pdf',
          size: first.body.size,
          sha256: first.body.sha256,
        },
      }),
    ]);

    // The committee reads them before publication; an applicant not yet.
    const listed = await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/documents` });
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([first.body.id, second.body.id]);
    const notYet = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/documents` });
    expect(notYet.status).toBe(409);
    expect(notYet.body).toMatchObject({ type: 'urn:lixiang:problem:conflict', code: 'list_not_published' });

    await publishList(world, t.clock);
    // After publication every unit downloads it; and no more uploads.
    const content = await call(t.app, decided.libraryApplicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/documents/${second.body.id}/content` });
    expect(content.status).toBe(200);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(content.headers.etag).toBe(`"${second.body.sha256}"`);
    expect(Buffer.from(content.body, 'latin1').includes('second')).toBe(true);
    const cached = await call(t.app, world.applicant.token, {
      method: 'GET',
      url: `/api/v1/rounds/${world.roundId}/documents/${second.body.id}/content`,
      headers: { 'if-none-match': content.headers.etag as string },
    });
    expect(cached.status).toBe(304);
    const late = await upload(world.orgDept, minimalPdf('late'));
    expect(late.status).toBe(409);
    expect(late.body.state).toBe('in_execution');

    const missing = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/documents/nope/content` });
    expect(missing.status).toBe(404);
    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.body.valid).toBe(true);
    // A document swapped in the table is named by the replay.
    t.db.$client.prepare('UPDATE round_documents SET content = ? WHERE id = ?').run(minimalPdf('forged'), first.body.id);
    const tampered = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(tampered.body.valid).toBe(false);
    expect(tampered.body.tables.divergences).toEqual([expect.objectContaining({ table: 'round_documents', key: first.body.id, field: 'contentSha256' })]);
  });

  it('refuses another type, another role and an unknown round, writing nothing', async () => {
    await driveToDecided(world, t.clock);
    const before = logLength(t.db.$client);
    const png = await upload(world.orgDept, minimalPng(), 'list.pdf');
    expect(png.status).toBe(415);
    expect(png.body).toMatchObject({ code: 'file_type_not_accepted', detectedType: 'image/png' });
    for (const user of [world.applicant, world.committee, world.auditor]) expect((await upload(user, minimalPdf())).status).toBe(403);
    const wrongKind = await upload(world.orgDept, minimalPdf(), 'a.pdf', 'signed_letter');
    expect(wrongKind.status).toBe(400);
    const body = multipartBody([{ name: 'file', filename: 'a.pdf', content: minimalPdf() }]);
    const unknown = await call(t.app, world.orgDept.token, {
      method: 'POST',
      url: '/api/v1/rounds/nope/documents?kind=approved_list',
      payload: body.payload,
      headers: body.headers,
    });
    expect(unknown.status).toBe(404);
    expect(logLength(t.db.$client)).toBe(before);
    expect(documentRows()).toBe(0);
  });
});
