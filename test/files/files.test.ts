/**
 * Uploads over HTTP: the signed letter before SUBMIT, the final report's documents before
 * SUBMIT_FINAL_REPORT, their checksums in the log entries that use them, downloads, and who may
 * do what. Types are judged by content; every refusal is a problem document and writes nothing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { minimalDocx, minimalJpeg, minimalPdf, minimalPng, minimalXlsx, multipartBody, uploadFile, type Part } from '../helpers/files.js';
import { canonicalJson } from '../../src/workflow/hash-chain.js';
import { COMPLETE_LETTER, assignReviewers, createDraft, createWorld, driveTo, fire, fireOk, type User, type World } from '../helpers/world.js';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
/** The hash of the context the project's row holds now, as its latest machine entry names it. */
const contextSha256 = (projectId: string): string =>
  sha256(canonicalJson(JSON.parse((t.db.$client.prepare('SELECT context FROM projects WHERE id = ?').get(projectId) as { context: string }).context)));
const LETTER_SHA256 = sha256(canonicalJson(COMPLETE_LETTER));
const PROBLEM = /^application\/problem\+json/;

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
});

afterAll(async () => {
  await t.close();
});

const fileCount = (projectId: string): number => (t.db.$client.prepare('SELECT count(*) AS n FROM files WHERE project_id = ?').get(projectId) as { n: number }).n;

function post(projectId: string, parts: Part[], query = 'kind=signed_letter', token: string = world.applicant.token) {
  const body = multipartBody(parts);
  return call(t.app, token, { method: 'POST', url: `/api/v1/projects/${projectId}/files?${query}`, payload: body.payload, headers: body.headers });
}

async function transitions(projectId: string, user: User = world.orgDept) {
  const response = await call(t.app, user.token, { method: 'GET', url: `/api/v1/projects/${projectId}/transitions?limit=500` });
  expect(response.status).toBe(200);
  return response.body.items as Array<{ event: string; payload: Record<string, unknown> }>;
}

/** A round that requires the signed letter, created through the round API. */
async function signedLetterRound(): Promise<string> {
  const response = await call(t.app, ADMIN_TOKEN, {
    method: 'POST',
    url: '/api/v1/rounds',
    payload: {
      year: 2023,
      title: '2023年度党建项目立项（须盖章扫描件）',
      documentNumber: '办字〔2023〕9号',
      submissionDeadline: '2023-03-29',
      finalAcceptanceDate: '2023-12-31',
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      minReviews: 2,
      requireSignedLetter: true,
    },
  });
  expect(response.status).toBe(201);
  expect(response.body.requireSignedLetter).toBe(true);
  return response.body.id as string;
}

describe('upload', () => {
  it('stores a PDF signed letter with its SHA-256 and answers its metadata', async () => {
    const project = await createDraft(world);
    const pdf = minimalPdf();
    const response = await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', pdf, { fileName: '目标责任书（盖章）.pdf' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      projectId: project.id,
      kind: 'signed_letter',
      fileName: '目标责任书（盖章）.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      uploadedBy: world.applicant.id,
      createdAt: '2023-03-01T02:00:00.000Z',
    });
    expect(response.headers.location).toBe(`/api/v1/projects/${project.id}/files/${response.body.id}`);
    const row = t.db.$client.prepare('SELECT content, sha256 FROM files WHERE id = ?').get(response.body.id) as { content: Buffer; sha256: string };
    expect(Buffer.compare(row.content, pdf)).toBe(0);
    expect(row.sha256).toBe(sha256(pdf));
  });

  it('judges by content: a PDF declared text/plain and named .txt is accepted as application/pdf', async () => {
    const project = await createDraft(world);
    const response = await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', minimalPdf(), {
      fileName: 'scan.txt',
      contentType: 'text/plain',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ mediaType: 'application/pdf', fileName: 'scan.txt' });
  });

  it('judges by content: a PNG named .pdf and declared application/pdf is refused with 415, and nothing is stored', async () => {
    const project = await createDraft(world);
    const response = await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', minimalPng(), {
      fileName: '责任书.pdf',
      contentType: 'application/pdf',
    });
    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body).toMatchObject({
      type: 'urn:lixiang:problem:unsupported-media-type',
      code: 'file_type_not_accepted',
      field: 'file',
      acceptedTypes: ['application/pdf'],
      detectedType: 'image/png',
    });
    expect(fileCount(project.id)).toBe(0);
  });

  it.each([
    ['a truncated PDF (no %%EOF)', minimalPdf().subarray(0, 40)],
    ['a text file', Buffer.from('%PDX-1.4 not a pdf\n%%EOF')],
    ['a JPEG', minimalJpeg()],
    ['a Word document', minimalDocx()],
  ])('the signed letter must be a PDF: %s is refused with 415', async (_name, bytes) => {
    const project = await createDraft(world);
    const response = await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', bytes);
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('file_type_not_accepted');
    expect(fileCount(project.id)).toBe(0);
  });

  it('final report documents may be PDF, JPEG, PNG, DOCX or XLSX; a macro-enabled or plain ZIP is refused', async () => {
    const project = await driveTo(world, 'in_progress');
    const accepted: Array<[Buffer, string]> = [
      [minimalPdf(), 'application/pdf'],
      [minimalJpeg(), 'image/jpeg'],
      [minimalPng(), 'image/png'],
      [minimalDocx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [minimalXlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ];
    for (const [bytes, mediaType] of accepted) {
      const response = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', bytes, { contentType: 'application/octet-stream' });
      expect(response.status, mediaType).toBe(201);
      expect(response.body.mediaType).toBe(mediaType);
    }
    const { zip } = await import('../helpers/files.js');
    const CT = '<Types/>';
    for (const bytes of [
      zip({ '[Content_Types].xml': CT, 'word/document.xml': '<w:document/>', 'word/vbaProject.bin': 'macro' }),
      zip({ 'readme.txt': 'hello' }),
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
    ]) {
      const response = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', bytes, { fileName: 'x.docx' });
      expect(response.status).toBe(415);
    }
    expect(fileCount(project.id)).toBe(accepted.length);
  });

  it('keeps the original name, sanitised: no directory, no control or bidi characters, NFC, at most 200 characters', async () => {
    const project = await createDraft(world);
    const cases: Array<[string, string]> = [
      ['C:\\Users\\王\\..\\责任书.pdf', '责任书.pdf'],
      ['report\u202Efdp.exe.pdf', 'reportfdp.exe.pdf'],
      ['e\u0301tude.pdf', '\u00e9tude.pdf'],
      ['  ..hidden.pdf ', 'hidden.pdf'],
      ['a<b>:c?.pdf', 'a_b__c_.pdf'],
      ['', 'file.pdf'],
      [`${'长'.repeat(300)}.pdf`, `${'长'.repeat(196)}.pdf`],
    ];
    for (const [given, kept] of cases) {
      const response = await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', minimalPdf(), { fileName: given });
      expect(response.status, given).toBe(201);
      expect(response.body.fileName, given).toBe(kept);
    }
  });

  it('without a file name, the part `file` is still the file', async () => {
    const project = await createDraft(world);
    const response = await post(project.id, [{ name: 'file', contentType: 'application/pdf', content: minimalPdf() }]);
    expect(response.status).toBe(201);
    expect(response.body.fileName).toBe('file.pdf');
  });

  describe('the request must be one part, `file`, of multipart/form-data', () => {
    it.each<[string, Part[]]>([
      ['no part at all', []],
      ['another field name', [{ name: 'document', filename: 'a.pdf', content: minimalPdf() }]],
      [
        'a text field besides the file',
        [
          { name: 'file', filename: 'a.pdf', content: minimalPdf() },
          { name: 'note', content: 'x' },
        ],
      ],
      [
        'two files',
        [
          { name: 'file', filename: 'a.pdf', content: minimalPdf() },
          { name: 'file', filename: 'b.pdf', content: minimalPdf() },
        ],
      ],
      ['an empty file', [{ name: 'file', filename: 'a.pdf', content: Buffer.alloc(0) }]],
    ])('%s: 400', async (_name, parts) => {
      const project = await createDraft(world);
      const response = await post(project.id, parts);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.type).toBe('urn:lixiang:problem:validation-failed');
      expect(fileCount(project.id)).toBe(0);
    });

    it('a body cut off in the middle: 400', async () => {
      const project = await createDraft(world);
      const body = multipartBody([{ name: 'file', filename: 'a.pdf', content: minimalPdf() }]);
      const response = await call(t.app, world.applicant.token, {
        method: 'POST',
        url: `/api/v1/projects/${project.id}/files?kind=signed_letter`,
        payload: body.payload.subarray(0, body.payload.length - 60),
        headers: body.headers,
      });
      expect(response.status).toBe(400);
      expect(fileCount(project.id)).toBe(0);
    });

    it.each([
      ['a JSON body', { 'content-type': 'application/json' }, JSON.stringify({ file: 'JVBERi0=' })],
      ['an octet stream', { 'content-type': 'application/octet-stream' }, minimalPdf()],
      ['no body', {}, undefined],
    ])('%s: 415', async (_name, headers, payload) => {
      const project = await createDraft(world);
      const response = await call(t.app, world.applicant.token, {
        method: 'POST',
        url: `/api/v1/projects/${project.id}/files?kind=signed_letter`,
        headers,
        ...(payload === undefined ? {} : { payload }),
      });
      expect(response.status).toBe(415);
      expect(response.headers['content-type']).toMatch(PROBLEM);
    });

    it.each([
      ['no kind', ''],
      ['an unknown kind', 'kind=photo'],
      ['an unknown query parameter', 'kind=signed_letter&extra=1'],
    ])('%s: 400', async (_name, query) => {
      const project = await createDraft(world);
      const response = await post(project.id, [{ name: 'file', filename: 'a.pdf', content: minimalPdf() }], query);
      expect(response.status).toBe(400);
      expect(fileCount(project.id)).toBe(0);
    });
  });

  it('JSON routes keep refusing multipart bodies with 415', async () => {
    const body = multipartBody([{ name: 'file', filename: 'a.pdf', content: minimalPdf() }]);
    const response = await call(t.app, world.applicant.token, { method: 'POST', url: '/api/v1/projects', payload: body.payload, headers: body.headers });
    expect(response.status).toBe(415);
  });
});

describe('size limit', () => {
  let small: TestApp;
  let smallWorld: World;
  const LIMIT = 4096;

  beforeAll(async () => {
    small = await createTestApp({ maxUploadBytes: LIMIT });
    smallWorld = await createWorld(small.app);
  });

  afterAll(async () => {
    await small.close();
  });

  const pdfOf = (size: number): Buffer => {
    const head = Buffer.from('%PDF-1.7\n', 'latin1');
    const tail = Buffer.from('\n%%EOF', 'latin1');
    return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 0x20), tail]);
  };

  it('accepts a file of exactly maxUploadBytes', async () => {
    const project = await createDraft(smallWorld);
    const response = await uploadFile(small.app, smallWorld.applicant.token, project.id, 'signed_letter', pdfOf(LIMIT));
    expect(response.status).toBe(201);
    expect(response.body.size).toBe(LIMIT);
  });

  it('refuses one byte more with 413 problem+json, and stores nothing', async () => {
    const project = await createDraft(smallWorld);
    const response = await uploadFile(small.app, smallWorld.applicant.token, project.id, 'signed_letter', pdfOf(LIMIT + 1));
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body).toMatchObject({ type: 'urn:lixiang:problem:payload-too-large', maxBytes: LIMIT });
    const count = small.db.$client.prepare('SELECT count(*) AS n FROM files').get() as { n: number };
    expect(count.n).toBe(1);
  });

  it('the default limit is 20 MiB', async () => {
    const project = await createDraft(world);
    const response = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', pdfOf(20 * 1024 * 1024 + 1));
    // The project is a draft: the state is checked before the body is read.
    expect(response.status).toBe(409);
    const inProgress = await driveTo(world, 'in_progress');
    const tooLarge = await uploadFile(t.app, world.applicant.token, inProgress.id, 'final_report_document', pdfOf(20 * 1024 * 1024 + 1));
    expect(tooLarge.status).toBe(413);
    const atLimit = await uploadFile(t.app, world.applicant.token, inProgress.id, 'final_report_document', pdfOf(20 * 1024 * 1024));
    expect(atLimit.status).toBe(201);
  });
});

describe('who may upload, and when', () => {
  it('anonymous: 401; org_dept, committee, auditor, reviewer, admin: 403 (role)', async () => {
    const project = await createDraft(world);
    expect((await uploadFile(t.app, null, project.id, 'signed_letter', minimalPdf())).status).toBe(401);
    for (const user of [world.orgDept, world.committee, world.auditor, world.reviewers[0]!, world.admin]) {
      const response = await uploadFile(t.app, user.token, project.id, 'signed_letter', minimalPdf());
      expect(response.status, user.role).toBe(403);
      expect(response.headers['content-type']).toMatch(PROBLEM);
    }
    expect(fileCount(project.id)).toBe(0);
  });

  it('the applicant of the unit above sees the project but may not upload (403); another unit’s applicant does not see it (404)', async () => {
    const project = await createDraft(world);
    expect((await uploadFile(t.app, world.parentApplicant.token, project.id, 'signed_letter', minimalPdf())).status).toBe(403);
    const other = await uploadFile(t.app, world.otherApplicant.token, project.id, 'signed_letter', minimalPdf());
    expect(other.status).toBe(404);
    expect(other.body.type).toBe('urn:lixiang:problem:not-found');
    expect((await uploadFile(t.app, world.applicant.token, 'no-such-project', 'signed_letter', minimalPdf())).status).toBe(404);
    expect(fileCount(project.id)).toBe(0);
  });

  it('the signed letter only while a draft, the final report documents only while in progress: 409 otherwise', async () => {
    const submitted = await createDraft(world);
    await fireOk(world, submitted.id, 'SUBMIT');
    const late = await uploadFile(t.app, world.applicant.token, submitted.id, 'signed_letter', minimalPdf());
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ type: 'urn:lixiang:problem:conflict', code: 'wrong_state', state: 'submitted' });

    const draft = await createDraft(world);
    const early = await uploadFile(t.app, world.applicant.token, draft.id, 'final_report_document', minimalPdf());
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'wrong_state', state: 'draft' });

    const accepted = await driveTo(world, 'final_acceptance');
    expect((await uploadFile(t.app, world.applicant.token, accepted.id, 'final_report_document', minimalPdf())).status).toBe(409);
    expect(fileCount(submitted.id) + fileCount(draft.id) + fileCount(accepted.id)).toBe(0);
  });

  it('records refused uploads as security events', async () => {
    const project = await createDraft(world);
    await uploadFile(t.app, world.orgDept.token, project.id, 'signed_letter', minimalPdf());
    const row = t.db.$client.prepare('SELECT status, project_id AS projectId, route FROM security_events WHERE actor_id = ? ORDER BY id DESC LIMIT 1').get(world.orgDept.id) as {
      status: number;
      projectId: string;
      route: string;
    };
    expect(row).toEqual({ status: 403, projectId: project.id, route: '/api/v1/projects/:id/files' });
  });
});

describe('the signed letter and SUBMIT', () => {
  it('a round that requires it refuses SUBMIT with 422 signed_letter_required until it is uploaded; the log entry keeps its checksum', async () => {
    const roundId = await signedLetterRound();
    const project = await createDraft(world, { roundId });

    const view = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${project.id}` });
    expect(view.body.allowedEvents).toEqual(['WITHDRAW']);

    const refused = await fire(world, project.id, world.applicant, 'SUBMIT');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: 'urn:lixiang:problem:guard-failed',
      state: 'draft',
      event: 'SUBMIT',
      violation: { code: 'signed_letter_required' },
    });
    expect((await transitions(project.id)).map((e) => e.event)).toEqual(['CREATE_PROJECT']);

    const first = minimalPdf('first scan');
    const second = minimalPdf('second scan, the one that counts');
    await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', first);
    t.clock.advance(1000);
    const latest = await uploadFile(t.app, world.applicant.token, project.id, 'signed_letter', second);
    expect(latest.status).toBe(201);

    const ready = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${project.id}` });
    expect(ready.body.allowedEvents).toEqual(['SUBMIT', 'WITHDRAW']);

    const submitted = await fire(world, project.id, world.applicant, 'SUBMIT');
    expect(submitted.status).toBe(200);
    const payload = { signedLetter: { fileId: latest.body.id, sha256: sha256(second) }, letterSha256: LETTER_SHA256, letterRevision: 1, contextSha256: contextSha256(project.id) };
    expect(submitted.body.transition.payload).toEqual(payload);
    const log = await transitions(project.id);
    expect(log.map((e) => e.event)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
    expect(log[1]!.payload).toEqual(payload);
    // The applicant sees the same entry.
    expect((await transitions(project.id, world.applicant))[1]!.payload).toEqual(log[1]!.payload);
  });

  it('where the round does not require it, SUBMIT logs the signed letter when there is one, and otherwise only the hashes of the letter and the context', async () => {
    const without = await createDraft(world);
    expect((await fire(world, without.id, world.applicant, 'SUBMIT')).body.transition.payload).toEqual({
      letterSha256: LETTER_SHA256,
      letterRevision: 1,
      contextSha256: contextSha256(without.id),
    });

    const withLetter = await createDraft(world);
    const pdf = minimalPdf('optional scan');
    const uploaded = await uploadFile(t.app, world.applicant.token, withLetter.id, 'signed_letter', pdf);
    const submitted = await fire(world, withLetter.id, world.applicant, 'SUBMIT');
    expect(submitted.body.transition.payload).toEqual({
      signedLetter: { fileId: uploaded.body.id, sha256: sha256(pdf) },
      letterSha256: LETTER_SHA256,
      letterRevision: 1,
      contextSha256: contextSha256(withLetter.id),
    });
  });

  it('the log entry with the checksum is part of the verified hash chain', async () => {
    const response = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ valid: true });
  });
});

describe('the final report documents and SUBMIT_FINAL_REPORT', () => {
  it('logs each named document as { fileId, sha256 }, in the order given', async () => {
    const project = await driveTo(world, 'in_progress', { roundAt: 'under_acceptance' });
    const photo = minimalJpeg();
    const report = minimalPdf('final report');
    const a = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', photo, { fileName: '汇报音乐会.jpg' });
    const b = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', report, { fileName: '结项报告.pdf' });
    const response = await fire(world, project.id, world.applicant, 'SUBMIT_FINAL_REPORT', { summary: '完成全部活动', documents: [b.body.id, a.body.id] });
    expect(response.status).toBe(200);
    const expected = {
      summary: '完成全部活动',
      documents: [
        { fileId: b.body.id, sha256: sha256(report) },
        { fileId: a.body.id, sha256: sha256(photo) },
      ],
    };
    expect(response.body.transition.payload).toEqual({ ...expected, contextSha256: contextSha256(project.id) });
    expect((await transitions(project.id)).at(-1)!.payload).toEqual({ ...expected, contextSha256: contextSha256(project.id) });
    const context = t.db.$client.prepare('SELECT context FROM projects WHERE id = ?').get(project.id) as { context: string };
    expect(JSON.parse(context.context).finalReportDocuments).toEqual(expected.documents);
  });

  it('without documents the payload is the summary and the context’s hash', async () => {
    const project = await driveTo(world, 'in_progress', { roundAt: 'under_acceptance' });
    const response = await fire(world, project.id, world.applicant, 'SUBMIT_FINAL_REPORT', { summary: '完成全部活动' });
    expect(response.status).toBe(200);
    expect(response.body.transition.payload).toEqual({ summary: '完成全部活动', contextSha256: contextSha256(project.id) });
  });

  it('refuses with 422 unknown_document an id that is not a final report document of this project, and changes nothing', async () => {
    const project = await driveTo(world, 'in_progress', { roundAt: 'under_acceptance' });
    const other = await driveTo(world, 'in_progress', { roundAt: 'under_acceptance' });
    const own = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', minimalPdf());
    const foreign = await uploadFile(t.app, world.applicant.token, other.id, 'final_report_document', minimalPdf());
    const draft = await createDraft(world);
    const letter = await uploadFile(t.app, world.applicant.token, draft.id, 'signed_letter', minimalPdf());
    const before = await transitions(project.id);
    for (const wrong of [foreign.body.id, letter.body.id, 'no-such-file']) {
      const response = await fire(world, project.id, world.applicant, 'SUBMIT_FINAL_REPORT', { summary: '完成', documents: [own.body.id, wrong] });
      expect(response.status, wrong).toBe(422);
      expect(response.body).toMatchObject({ type: 'urn:lixiang:problem:guard-failed', violation: { code: 'unknown_document', detail: { documents: [wrong] } } });
    }
    expect(await transitions(project.id)).toEqual(before);
  });

  it('validates the documents list: at most 20, no duplicates, ids as strings (400)', async () => {
    const project = await driveTo(world, 'in_progress', { roundAt: 'under_acceptance' });
    for (const documents of [Array.from({ length: 21 }, (_, i) => `f${i}`), ['a', 'a'], [1], 'a']) {
      const response = await fire(world, project.id, world.applicant, 'SUBMIT_FINAL_REPORT', { summary: '完成', documents });
      expect(response.status, JSON.stringify(documents)).toBe(400);
    }
  });

  it('after RETURN_FINAL_REPORT, more documents can be uploaded and handed in again', async () => {
    const project = await driveTo(world, 'final_acceptance');
    await fireOk(world, project.id, 'RETURN_FINAL_REPORT');
    const added = await uploadFile(t.app, world.applicant.token, project.id, 'final_report_document', minimalPng());
    expect(added.status).toBe(201);
    const response = await fire(world, project.id, world.applicant, 'SUBMIT_FINAL_REPORT', { summary: '补充照片', documents: [added.body.id] });
    expect(response.body.transition.payload).toEqual({
      summary: '补充照片',
      documents: [{ fileId: added.body.id, sha256: sha256(minimalPng()) }],
      contextSha256: contextSha256(project.id),
    });
  });
});

describe('list and download', () => {
  let projectId: string;
  let fileId: string;
  const content = minimalPdf('download me');
  const fileName = '目标责任书 “红色旋律”.pdf';

  beforeAll(async () => {
    const project = await createDraft(world);
    projectId = project.id;
    fileId = (await uploadFile(t.app, world.applicant.token, projectId, 'signed_letter', content, { fileName })).body.id;
    await fireOk(world, projectId, 'SUBMIT');
    await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${projectId}/reviewers`, payload: { reviewerId: world.reviewers[0]!.id } });
  });

  const download = (user: User | null, id = fileId, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${projectId}/files/${id}`,
      headers: { ...headers, ...(user ? { authorization: `Bearer ${user.token}` } : {}) },
    });

  it('answers the identical bytes with the detected type, length, ETag, Repr-Digest and an RFC 5987 file name', async () => {
    const response = await download(world.applicant);
    expect(response.statusCode).toBe(200);
    expect(Buffer.compare(response.rawPayload, content)).toBe(0);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-length']).toBe(String(content.length));
    expect(response.headers.etag).toBe(`"${sha256(content)}"`);
    expect(response.headers['repr-digest']).toBe(`sha-256=:${createHash('sha256').update(content).digest('base64')}:`);
    const disposition = String(response.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toBe(fileName);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const response = await download(world.applicant, fileId, { 'if-none-match': `"${sha256(content)}"` });
    expect(response.statusCode).toBe(304);
    expect(response.rawPayload.length).toBe(0);
    expect((await download(world.applicant, fileId, { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('lists metadata, without content, in upload order', async () => {
    const response = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${projectId}/files` });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [expect.objectContaining({ id: fileId, kind: 'signed_letter', fileName, sha256: sha256(content) })], nextCursor: null });
    expect(response.body.items[0]).not.toHaveProperty('content');
  });

  it('follows the project’s visibility: readers of the project 200, others 404, admin 403, anonymous 401', async () => {
    const readers = [world.applicant, world.parentApplicant, world.orgDept, world.committee, world.auditor, world.reviewers[0]!];
    const strangers = [world.otherApplicant, world.reviewers[1]!, world.conflictedReviewer];
    for (const user of readers) {
      expect((await download(user)).statusCode, `${user.role} download`).toBe(200);
      expect((await call(t.app, user.token, { method: 'GET', url: `/api/v1/projects/${projectId}/files` })).status, `${user.role} list`).toBe(200);
    }
    for (const user of strangers) {
      const response = await download(user);
      expect(response.statusCode, `${user.role} download`).toBe(404);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect((await call(t.app, user.token, { method: 'GET', url: `/api/v1/projects/${projectId}/files` })).status, `${user.role} list`).toBe(404);
    }
    expect((await download(world.admin)).statusCode).toBe(403);
    expect((await download(null)).statusCode).toBe(401);
  });

  it('a file of another project, or an unknown id, is a 404 under this project', async () => {
    const other = await createDraft(world);
    const elsewhere = await uploadFile(t.app, world.applicant.token, other.id, 'signed_letter', minimalPdf());
    expect((await download(world.orgDept, elsewhere.body.id)).statusCode).toBe(404);
    expect((await download(world.orgDept, 'no-such-file')).statusCode).toBe(404);
  });

  it('a reviewer sees the files once assigned to the project, not before', async () => {
    const draft = await createDraft(world);
    await uploadFile(t.app, world.applicant.token, draft.id, 'signed_letter', minimalPdf());
    await fireOk(world, draft.id, 'SUBMIT');
    const list = () => call(t.app, world.reviewers[1]!.token, { method: 'GET', url: `/api/v1/projects/${draft.id}/files` });
    expect((await list()).status).toBe(404);
    await assignReviewers(world, draft.id);
    const after = await list();
    expect(after.status).toBe(200);
    expect(after.body.items).toHaveLength(1);
  });
});
