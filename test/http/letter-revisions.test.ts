/**
 * The letter's revisions: the create and every edit that changes the letter keep one; SUBMIT names
 * the revision it submitted; the project view shows it; whoever may see the project reads them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, createDraft, createWorld, fireOk, type World } from '../helpers/world.js';
import { logLength } from '../helpers/log-entries.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
});
afterEach(async () => t.close());

const logCount = (): number => logLength(t.db.$client);

function get(token: string, url: string) {
  return call(t.app, token, { method: 'GET', url });
}

async function edit(id: string, version: number, payload: Record<string, unknown>) {
  const response = await call(t.app, world.applicant.token, { method: 'PATCH', url: `/api/v1/projects/${id}`, payload, headers: { 'if-match': `"${version}"` } });
  expect(response.status).toBe(200);
  return response.body as { version: number };
}

function lastEntry(id: string, event: string): Record<string, unknown> {
  const row = t.db.$client
    .prepare("SELECT payload FROM transition_log WHERE subject_kind = 'project' AND subject_id = ? AND event = ? ORDER BY seq DESC LIMIT 1")
    .get(id, event) as { payload: string };
  return JSON.parse(row.payload) as Record<string, unknown>;
}

async function verifyValid(): Promise<void> {
  const verify = await get(world.auditor.token, '/api/v1/audit/verify');
  expect(verify.status).toBe(200);
  expect(verify.body).toMatchObject({ valid: true, count: logCount() });
}

describe('letter revisions', () => {
  it('the create keeps revision 1; an edit of the letter keeps the next, numbered by the project’s version; a title-only edit keeps none', async () => {
    const draft = await createDraft(world, { letter: { rationale: '第一稿' } });
    expect(lastEntry(draft.id, 'CREATE_PROJECT')).toMatchObject({ letterRevision: 1 });

    const titled = await edit(draft.id, draft.version, { title: '新的主题' });
    expect(lastEntry(draft.id, 'EDIT_DRAFT')).not.toHaveProperty('letterRevision');
    const edited = await edit(draft.id, titled.version, { letter: { rationale: '第二稿' } });
    expect(edited.version).toBe(3);
    expect(lastEntry(draft.id, 'EDIT_DRAFT')).toMatchObject({ letterRevision: 3, revision: 3, changed: ['letter'] });

    const list = await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions`);
    expect(list.status).toBe(200);
    const items = (list.body as { items: Array<{ revision: number; sha256: string; savedBy: string; savedByName: string | null; savedAt: string }> }).items;
    expect(items.map((r) => r.revision)).toEqual([1, 3]);
    expect(items[0]).toMatchObject({ savedBy: world.applicant.id, savedByName: '声乐系书记' });
    expect(items[0]).not.toHaveProperty('letter');

    const first = await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions/1`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ projectId: draft.id, revision: 1, letter: { rationale: '第一稿' }, sha256: items[0]!.sha256 });
    expect(first.body.sha256).toBe(lastEntry(draft.id, 'CREATE_PROJECT').letterSha256);
    const second = await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions/3`);
    expect(second.body).toMatchObject({ revision: 3, letter: { rationale: '第二稿' }, sha256: lastEntry(draft.id, 'EDIT_DRAFT').letterSha256 });

    expect((await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions/2`)).status).toBe(404);
    expect((await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions/0`)).status).toBe(400);
    const rows = t.db.$client.prepare('SELECT revision, saved_by AS savedBy FROM letter_revisions WHERE project_id = ? ORDER BY revision').all(draft.id);
    expect(rows).toEqual([
      { revision: 1, savedBy: world.applicant.id },
      { revision: 3, savedBy: world.applicant.id },
    ]);
    await verifyValid();
  });

  it('pages in revision order', async () => {
    let draft = await createDraft(world, { letter: { rationale: '稿 0' } });
    for (let i = 1; i <= 4; i += 1) draft = { id: draft.id, version: (await edit(draft.id, draft.version, { letter: { rationale: `稿 ${i}` } })).version };
    const firstPage = await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions?limit=2`);
    const body = firstPage.body as { items: Array<{ revision: number }>; nextCursor: string | null };
    expect(body.items.map((r) => r.revision)).toEqual([1, 2]);
    const rest = await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions?limit=10&cursor=${body.nextCursor}`);
    expect((rest.body as { items: Array<{ revision: number }> }).items.map((r) => r.revision)).toEqual([3, 4, 5]);
    expect((await get(world.applicant.token, `/api/v1/projects/${draft.id}/letter-revisions?cursor=nonsense`)).status).toBe(400);
  });

  it('SUBMIT names the revision it submitted; the project view shows it, through a return for revision and a resubmission', async () => {
    const draft = await createDraft(world);
    const before = await get(world.applicant.token, `/api/v1/projects/${draft.id}`);
    expect(before.body).toMatchObject({ submittedLetterRevision: null });

    await fireOk(world, draft.id, 'SUBMIT');
    expect(lastEntry(draft.id, 'SUBMIT')).toMatchObject({ letterRevision: 1 });
    expect((await get(world.orgDept.token, `/api/v1/projects/${draft.id}`)).body).toMatchObject({ submittedLetterRevision: 1 });

    const returned = await fireOk(world, draft.id, 'RETURN_FOR_REVISION');
    const edited = await edit(draft.id, returned.project.version, { letter: { ...COMPLETE_LETTER, expectedOutcomes: '举办汇报音乐会两场。' } });
    // Edited but not yet resubmitted: the submitted revision is still the first.
    expect((await get(world.applicant.token, `/api/v1/projects/${draft.id}`)).body).toMatchObject({ submittedLetterRevision: 1 });
    await fireOk(world, draft.id, 'SUBMIT');
    expect(lastEntry(draft.id, 'SUBMIT')).toMatchObject({ letterRevision: edited.version });
    const view = await get(world.applicant.token, `/api/v1/projects/${draft.id}`);
    expect(view.body).toMatchObject({ submittedLetterRevision: edited.version });
    const list = await get(world.orgDept.token, `/api/v1/projects?roundId=${world.roundId}`);
    expect((list.body as { items: Array<{ id: string; submittedLetterRevision: number | null }> }).items.find((p) => p.id === draft.id)).toMatchObject({
      submittedLetterRevision: edited.version,
    });
    await verifyValid();
  });

  it('are visible to whoever may see the project, and to nobody else', async () => {
    const draft = await createDraft(world);
    const url = `/api/v1/projects/${draft.id}/letter-revisions`;
    for (const user of [world.applicant, world.parentApplicant, world.orgDept, world.committee, world.auditor]) {
      expect((await get(user.token, url)).status).toBe(200);
      expect((await get(user.token, `${url}/1`)).status).toBe(200);
    }
    expect((await get(world.otherApplicant.token, url)).status).toBe(404);
    expect((await get(world.otherApplicant.token, `${url}/1`)).status).toBe(404);
    // A reviewer not assigned to the project does not see it.
    expect((await get(world.reviewers[0]!.token, url)).status).toBe(404);
    expect((await get(world.admin.token, url)).status).toBe(403);
    expect((await get(world.applicant.token, '/api/v1/projects/no-such-project/letter-revisions')).status).toBe(404);
  });
});
