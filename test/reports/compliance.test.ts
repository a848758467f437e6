/**
 * Quota compliance: which of the organ committee, the general branches and the direct branches have
 * no submitted project in the round. A branch's project counts for its general branch; a draft, a
 * project returned to draft and a withdrawn project do not count; a rejected one does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { createUnit, createUser, createWorld, type World } from '../helpers/world.js';
import { createProject, step } from './round-story.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
});
afterEach(async () => {
  await t.close();
});

const compliance = async () => {
  const response = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/quota-units` });
  expect(response.status).toBe(200);
  return response.body;
};
const names = (units: Array<{ name: string }>) => units.map((unit) => unit.name);

describe('quota compliance', () => {
  it('lists every quota unit as missing before anything is submitted, by type then name', async () => {
    const body = await compliance();
    expect(body.countedStates).not.toContain('draft');
    expect(body.countedStates).not.toContain('withdrawn');
    expect(body.countedStates).toHaveLength(9);
    expect(body.quotaUnits).toBe(4);
    expect(body.complete).toBe(false);
    expect(body.complied).toEqual([]);
    expect(body.missing).toEqual([
      { unitId: world.units.organ, name: '机关党委', type: 'organ_committee', typeLabel: { zh: '机关党委', en: 'Organ party committee' }, extendedUntil: null },
      { unitId: world.units.otherGeneral, name: '舞蹈学院党总支', type: 'general_branch', typeLabel: { zh: '党总支', en: 'General party branch' }, extendedUntil: null },
      { unitId: world.units.general, name: '音乐学院党总支', type: 'general_branch', typeLabel: { zh: '党总支', en: 'General party branch' }, extendedUntil: null },
      { unitId: world.units.direct, name: '图书馆直属党支部', type: 'direct_branch', typeLabel: { zh: '直属党支部', en: 'Directly affiliated branch' }, extendedUntil: null },
    ]);
  });

  it('counts a branch’s project for its general branch; drafts, returned and withdrawn projects do not count', async () => {
    const organApplicant = await createUser(t.app, '机关书记', 'applicant', world.units.organ);
    const directApplicant = await createUser(t.app, '图书馆书记', 'applicant', world.units.direct);

    // 声乐系党支部 (a branch) submits: 音乐学院党总支 complies through it.
    const branchProject = await createProject(world, world.applicant, '声乐系项目');
    await step(world, branchProject, world.applicant, 'SUBMIT');
    // 机关党委 submits, then withdraws: does not count.
    const withdrawn = await createProject(world, organApplicant, '机关项目');
    await step(world, withdrawn, organApplicant, 'SUBMIT');
    await step(world, withdrawn, organApplicant, 'WITHDRAW', { reason: '调整' });
    // 舞蹈学院党总支 submits, and is returned to draft: does not count; it also keeps a plain draft.
    const returned = await createProject(world, world.otherApplicant, '舞蹈学院项目');
    await step(world, returned, world.otherApplicant, 'SUBMIT');
    await step(world, returned, world.orgDept, 'RETURN_FOR_REVISION', { comment: '活动安排需细化到月' });
    await createProject(world, world.otherApplicant, '舞蹈学院草稿');
    // 图书馆直属党支部 submits and is rejected at the preliminary check: it did submit, it counts.
    const rejected = await createProject(world, directApplicant, '图书馆项目');
    await step(world, rejected, directApplicant, 'SUBMIT');
    await step(world, rejected, world.orgDept, 'REJECT', { reason: '属于常规工作' });

    let body = await compliance();
    expect(names(body.missing)).toEqual(['机关党委', '舞蹈学院党总支']);
    expect(body.complied.map((unit: { name: string; projects: number }) => [unit.name, unit.projects])).toEqual([
      ['音乐学院党总支', 1],
      ['图书馆直属党支部', 1],
    ]);
    expect(body.complete).toBe(false);

    // The general branch's own project adds to the count its branch gave it.
    const own = await createProject(world, world.parentApplicant, '音乐学院项目');
    await step(world, own, world.parentApplicant, 'SUBMIT');
    // The returned project is resubmitted: 舞蹈学院党总支 complies.
    await step(world, returned, world.otherApplicant, 'SUBMIT');
    // A new branch under 舞蹈学院党总支 with a submitted project adds to its count too.
    const newBranch = await createUnit(t.app, '舞蹈表演党支部', 'branch', world.units.otherGeneral);
    const newApplicant = await createUser(t.app, '舞蹈表演书记', 'applicant', newBranch);
    const newProject = await createProject(world, newApplicant, '舞蹈表演项目');
    await step(world, newProject, newApplicant, 'SUBMIT');

    body = await compliance();
    expect(names(body.missing)).toEqual(['机关党委']);
    expect(body.complied.map((unit: { name: string; projects: number }) => [unit.name, unit.projects])).toEqual([
      ['舞蹈学院党总支', 2],
      ['音乐学院党总支', 2],
      ['图书馆直属党支部', 1],
    ]);
    // Branches are never quota units themselves.
    expect(body.quotaUnits).toBe(4);

    const organProject = await createProject(world, organApplicant, '机关新项目');
    await step(world, organProject, organApplicant, 'SUBMIT');
    body = await compliance();
    expect(body).toMatchObject({ missing: [], complete: true });
    expect(names(body.complied)).toEqual(['机关党委', '舞蹈学院党总支', '音乐学院党总支', '图书馆直属党支部']);
  });

  it('counts only the projects of the round asked about', async () => {
    const project = await createProject(world, world.applicant, '声乐系项目');
    await step(world, project, world.applicant, 'SUBMIT');
    const other = await call(t.app, world.admin.token, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2024,
        title: '2024年度党建项目立项',
        documentNumber: '办字〔2024〕3号',
        submissionDeadline: '2024-03-29',
        finalAcceptanceDate: '2024-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      },
    });
    expect(other.status).toBe(201);
    const response = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/rounds/${other.body.id}/quota-units` });
    expect(response.status).toBe(200);
    expect(response.body.missing).toHaveLength(4);
    expect(names((await compliance()).complied)).toEqual(['音乐学院党总支']);
  });
});
