import { Type, type Static } from 'typebox';
import { CONTENT_LANGUAGE, negotiateLanguage } from '../http/language.js';
import { preferredMediaType } from '../http/media-type.js';
import { Problem } from '../http/problems.js';
import { LabelSchema, json, problems, ref, withExamples } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { CATEGORIES } from '../projects/categories.js';
import { machineSvg } from './machine-diagram.js';
import { CRITERION_LABELS } from '../../machines/project.machine.js';
import { CRITERIA } from '../../machines/project.types.js';
import type { MachineRegistry } from '../../machines/registry.js';
import type { Label } from '../../machines/vocabulary.js';
import { principalOf } from '../plugins/auth.js';
import type { MachineMigrations } from '../workflow/machine-migrations.js';

const Name = (description: string, example: string) => Type.String({ minLength: 1, description, examples: [example] });
const Names = (description: string, example: string) => Type.Array(Type.String({ minLength: 1, examples: [example] }), { description });

const Named = Type.Object({ name: Name('标识 / Identifier', 'member_platforms'), label: ref(LabelSchema) }, { additionalProperties: false });

const MachineSchema = Type.Object(
  {
    id: Name('状态机标识 / Machine id', 'project'),
    version: Type.Integer({ minimum: 1, description: '状态机版本 / Machine version', examples: [1] }),
    initial: Name('初始状态 / Initial state', 'draft'),
    states: Type.Array(
      Type.Object(
        {
          name: Name('状态 / State', 'submitted'),
          label: ref(LabelSchema),
          final: Type.Boolean({ description: '是否终态 / Whether no event leaves it', examples: [false] }),
          events: Names('此状态接受的事件 / Events the state accepts', 'PASS_PRELIMINARY_CHECK'),
        },
        { additionalProperties: false },
      ),
      { description: '状态 / The states' },
    ),
    events: Type.Array(
      Type.Object(
        { type: Name('事件类型 / Event type', 'SUBMIT'), label: ref(LabelSchema), roles: Names('可触发的角色 / Roles that may fire it', 'applicant') },
        { additionalProperties: false },
      ),
      { description: '事件 / The events' },
    ),
    transitions: Type.Array(
      Type.Object(
        {
          from: Name('起始状态 / From', 'draft'),
          event: Name('事件 / Event', 'SUBMIT'),
          to: Name('目标状态（停留时同起始状态）/ To (the same state for events that stay)', 'submitted'),
          roles: Names('可触发的角色 / Roles that may fire it', 'applicant'),
          authorizations: Names('授权检查 / Authorisation checks', 'ownUnit'),
          checks: Names('业务条件 / Business conditions', 'letterComplete'),
        },
        { additionalProperties: false },
      ),
      { description: '转换 / The transitions' },
    ),
    roles: Type.Array(Named, { description: '角色 / The roles' }),
    categories: Type.Array(
      Type.Object(
        { name: Name('类别 / Category', 'vanguard'), label: ref(LabelSchema), directions: Type.Array(Named, { description: '方向 / Directions' }) },
        { additionalProperties: false },
      ),
      { description: '项目类别及其方向 / Categories and their directions' },
    ),
    criteria: Type.Array(
      Type.Object({ key: Type.Enum(CRITERIA, { description: '评审标准 / Criterion, as reviews and rankings name it' }), label: ref(LabelSchema) }, { additionalProperties: false }),
      { description: '评审打分的五项标准，按通知所列顺序 / The five criteria reviewers score, in the notice’s order' },
    ),
    mermaid: Type.String({ minLength: 1, description: 'Mermaid 状态图 / The state diagram in Mermaid syntax', examples: ['stateDiagram-v2\n  direction LR\n  ...'] }),
  },
  { $id: 'MachineDefinition', additionalProperties: false, description: '项目生命周期状态机 / The project lifecycle machine' },
);

const RoundMachineSchema = Type.Object(
  {
    id: Name('状态机标识 / Machine id', 'round'),
    version: MachineSchema.properties.version,
    initial: Name('初始状态 / Initial state', 'open'),
    states: MachineSchema.properties.states,
    events: MachineSchema.properties.events,
    transitions: MachineSchema.properties.transitions,
    roles: MachineSchema.properties.roles,
    mermaid: MachineSchema.properties.mermaid,
  },
  { $id: 'RoundMachineDefinition', additionalProperties: false, description: '申报批次生命周期状态机 / The round lifecycle machine' },
);

const VersionDefinitionSchema = Type.Object(
  { ...RoundMachineSchema.properties, id: Name('状态机标识 / Machine id', 'round') },
  { $id: 'MachineVersionDefinition', additionalProperties: false, description: '某一版本的状态机定义 / One version of a machine definition' },
);

const JSON_TYPE = 'application/json';
const SVG_TYPE = 'image/svg+xml';

const MachineVersionSchema = Type.Object(
  {
    id: Name('状态机标识 / Machine id', 'project'),
    version: Type.Integer({ minimum: 1, description: '版本 / Version', examples: [1] }),
    key: Name('id@version，日志条目与快照所记 / id@version, as log entries and snapshots name it', 'project@1'),
    kind: Name('对象种类 / The kind of subject it runs', 'project'),
    latest: Type.Boolean({ description: '新对象是否按此版本运行 / Whether new subjects run under it', examples: [true] }),
  },
  { $id: 'MachineVersion', additionalProperties: false, description: '已注册的状态机定义版本 / A registered version of a machine definition' },
);

const MigrationBody = Type.Object(
  {
    machine: Name('状态机标识 / Machine id', 'project'),
    fromVersion: Type.Integer({ minimum: 1, description: '迁出版本 / The version subjects run under now', examples: [1] }),
    toVersion: Type.Integer({ minimum: 1, description: '迁入版本 / The version they move to', examples: [2] }),
    stateMap: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ minLength: 1, maxLength: 100 }), {
        description: '旧状态 → 新状态；未列出的状态保持原名 / Old state → new state; unlisted states keep their name',
        examples: [{ withdrawn: 'rejected' }],
      }),
    ),
    roundId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          '项目迁移：只迁移此批次的项目（及其版本锁定）；批次迁移：只迁移这一个进行中的批次 / A project migration: only this round’s projects (and its pin); a round migration: only this round, in flight',
        examples: ['01870d4f-3a00-7b1c-8e2a-5c0d9f6e1a01'],
      }),
    ),
    projects: Type.Optional(
      Type.Object(
        {
          toVersion: Type.Integer({ minimum: 1, description: '项目迁入版本 / The project machine version they move to', examples: [2] }),
          stateMap: Type.Optional(
            Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ minLength: 1, maxLength: 100 }), {
              description: '项目的旧状态 → 新状态 / The projects’ old state → new state',
              examples: [{}],
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            '批次迁移（限定 roundId）时同一事务中一并迁移其项目；新批次版本不能管理项目现有版本时必填（round@2 须配 project@2，否则 409 projects_not_governed）/ ' +
            'A round migration limited to one round moves its projects in the same transaction; required when the round’s new version cannot govern the projects’ machine (round@2 needs project@2, else 409 projects_not_governed)',
        },
      ),
    ),
    dryRun: Type.Optional(Type.Boolean({ default: true, description: '只报告不迁移（默认）/ Report only, move nothing (the default)', examples: [true] })),
    reason: Type.String({ minLength: 1, maxLength: 2000, description: '迁移理由，记入日志 / Why, recorded in every entry', examples: ['2024 年起按新版流程办理'] }),
  },
  { additionalProperties: false },
);

const MigrationReportSchema = Type.Object(
  {
    machine: Name('状态机标识 / Machine id', 'project'),
    from: Name('迁出定义 / From', 'project@1'),
    to: Name('迁入定义 / To', 'project@2'),
    roundId: Type.Union([Type.String(), Type.Null()], { description: '限定的批次 / The round it was limited to' }),
    dryRun: Type.Boolean({ description: '是否仅为演练 / Whether it was a dry run', examples: [true] }),
    applied: Type.Boolean({ description: '是否已迁移 / Whether the subjects moved', examples: [false] }),
    subjects: Type.Integer({ minimum: 0, description: '涉及对象数 / Subjects at the old version', examples: [16] }),
    moves: Type.Array(
      Type.Object(
        {
          fromState: Name('原状态 / The state now', 'graded'),
          toState: Name('新版本中的状态 / The state under the new version', 'graded'),
          subjects: Type.Integer({ minimum: 0, description: '对象数 / How many', examples: [9] }),
        },
        { additionalProperties: false, description: '某一状态迁往何处 / Where one state moves' },
      ),
      { description: '迁移明细 / The moves, by state' },
    ),
    unmapped: Type.Array(
      Type.Object({ state: Name('新版本没有的状态 / A state the new version lacks', 'withdrawn'), subjects: Type.Array(Type.String()) }, { additionalProperties: false }),
      { description: '新版本没有的状态及其对象；非空时拒绝迁移 / States the new version lacks, with their subjects; a run is refused while any is listed' },
    ),
    repinnedRounds: Type.Array(Type.String(), { description: '项目版本锁定随之变更的批次 / Rounds whose projects now run under the new version' }),
    projects: Type.Optional(
      Type.Object(
        {
          machine: Name('状态机标识 / Machine id', 'project'),
          from: Name('迁出定义 / From', 'project@1'),
          to: Name('迁入定义 / To', 'project@2'),
          roundId: Type.Union([Type.String(), Type.Null()], { description: '批次 / The round' }),
          subjects: Type.Integer({ minimum: 0, description: '涉及项目数 / Projects', examples: [6] }),
          moves: Type.Array(
            Type.Object(
              {
                fromState: Name('原状态 / The state now', 'under_review'),
                toState: Name('新版本中的状态 / The state under the new version', 'under_review'),
                subjects: Type.Integer({ minimum: 0, description: '项目数 / How many', examples: [6] }),
              },
              { additionalProperties: false },
            ),
            { description: '迁移明细 / The moves, by state' },
          ),
          unmapped: Type.Array(
            Type.Object({ state: Name('新版本没有的状态 / A state the new version lacks', 'withdrawn'), subjects: Type.Array(Type.String()) }, { additionalProperties: false }),
            { description: '新版本没有的状态 / States the new version lacks' },
          ),
          repinnedRounds: Type.Array(Type.String(), { description: '项目版本锁定随之变更的批次 / Rounds repinned' }),
        },
        { additionalProperties: false, description: '随批次一并迁移的项目 / The round’s projects, moved with it' },
      ),
    ),
    entries: Type.Union(
      [
        Type.Object(
          { first: Type.Integer({ minimum: 1, description: '首条 / First', examples: [190] }), last: Type.Integer({ minimum: 1, description: '末条 / Last', examples: [206] }) },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      {
        description: '写入的日志条目序号范围 / The log entries written',
      },
    ),
  },
  { $id: 'MachineMigrationReport', additionalProperties: false, description: '状态机版本迁移的报告 / What a machine migration moved, or would move' },
);

const MIGRATION_EXAMPLE: Static<typeof MigrationReportSchema> = {
  machine: 'project',
  from: 'project@1',
  to: 'project@2',
  roundId: '01870d4f-3a00-7b1c-8e2a-5c0d9f6e1a01',
  dryRun: true,
  applied: false,
  subjects: 16,
  moves: [
    { fromState: 'graded', toState: 'graded', subjects: 9 },
    { fromState: 'rejected', toState: 'rejected', subjects: 2 },
  ],
  unmapped: [{ state: 'withdrawn', subjects: ['0187a1b2-7000-7b1d-9e2f-5a6b7c8d9e10'] }],
  repinnedRounds: ['01870d4f-3a00-7b1c-8e2a-5c0d9f6e1a01'],
  entries: null,
};

export const MACHINE_SCHEMAS = [MachineSchema, RoundMachineSchema, MachineVersionSchema, VersionDefinitionSchema, MigrationReportSchema];

export async function machineRoutes(app: App, { registry, migrations }: { registry: MachineRegistry; migrations: MachineMigrations }) {
  app.get(
    '/machines',
    {
      config: { public: true },
      schema: {
        operationId: 'listMachineVersions',
        tags: ['meta'],
        summary: '已注册的状态机定义版本 / The machine definitions by version',
        description: '服务可运行与重放的每个状态机定义版本。\nEvery version of every machine definition the service runs and replays.',
        security: [],
        response: {
          200: json(Type.Array(ref(MachineVersionSchema)), '定义版本 / The versions', {
            shipped: {
              summary: '本版本所带的定义 / The definitions this build ships',
              value: [
                { id: 'project', version: 1, key: 'project@1', kind: 'project', latest: true },
                { id: 'round', version: 1, key: 'round@1', kind: 'round', latest: true },
              ],
            },
          }),
          ...problems('not-acceptable'),
        },
      },
    },
    async (request) => {
      if (preferredMediaType(request.headers.accept, [JSON_TYPE]) === null) throw new Problem('not-acceptable', `可提供 ${JSON_TYPE} / Acceptable: ${JSON_TYPE}`);
      return registry.all().map((l) => ({ id: l.id, version: l.version, key: l.key, kind: l.kind, latest: registry.latest(l.id) === l }));
    },
  );

  app.post(
    '/machines/migrations',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'migrateMachineVersion',
        tags: ['meta'],
        summary: '迁移对象到状态机新版本 / Move in-flight subjects to another version of their machine',
        description: [
          '默认只演练（dryRun）：报告各状态迁往何处。实际迁移时，若有对象将落入新版本没有的状态则整体拒绝（409），否则在一个事务中迁移，每个对象一条 MIGRATE 日志。',
          '',
          'A dry run by default: reports where each state would move. A run is refused whole (409 `states_unmapped`) if any subject would land in a state',
          'the new version lacks; otherwise every subject moves in one transaction, each with a MIGRATE log entry under the new definition.',
          '',
          '进行中的批次（roundId）可连同其项目一并迁移（projects）：round@2 只管理 project@2 的项目，故 round@1 → round@2 须同时迁移项目，否则 409 projects_not_governed。',
          'An in-flight round (roundId) moves with its projects (projects): round@2 governs only project@2, so round@1 → round@2 moves them too, else 409 `projects_not_governed`.',
        ].join('\n'),
        body: withExamples(MigrationBody, {
          dryRun: {
            summary: '演练：报告将如何迁移 / Dry run: what would move where',
            value: { machine: 'project', fromVersion: 1, toVersion: 2, roundId: MIGRATION_EXAMPLE.roundId!, reason: '2024 年起按新版流程办理' },
          },
          inFlightRound: {
            summary: '进行中的批次连同其项目迁往第二版 / An in-flight round moves to the second edition with its projects',
            value: {
              machine: 'round',
              fromVersion: 1,
              toVersion: 2,
              roundId: MIGRATION_EXAMPLE.roundId!,
              projects: { toVersion: 2 },
              dryRun: false,
              reason: '评审前改按第二版流程（公示、结项评审）办理',
            },
          },
        }),
        response: {
          200: json(ref(MigrationReportSchema), '迁移报告 / The report', { dryRun: { summary: '演练的报告 / A dry run’s report', value: MIGRATION_EXAMPLE } }),
          ...problems('forbidden', 'not-found', 'conflict', 'unprocessable'),
        },
      },
    },
    async (request) => {
      const { dryRun, ...rest } = request.body;
      return migrations.migrate(principalOf(request), { ...rest, dryRun: dryRun ?? true });
    },
  );

  // The newest project and round machines: what rounds created now run (older versions: /machines/{id}/{version}).
  const projectLifecycle = registry.latest('project');
  const roundLifecycle = registry.latest('round');
  const definition: Static<typeof MachineSchema> = {
    ...(projectLifecycle.describe() as Omit<Static<typeof MachineSchema>, 'categories' | 'criteria'>),
    criteria: CRITERIA.map((key) => ({ key, label: CRITERION_LABELS[key] })),
    categories: Object.entries(CATEGORIES).map(([name, category]) => ({
      name,
      label: category.label,
      directions: Object.entries(category.directions as Record<string, Label>).map(([direction, label]) => ({ name: direction, label })),
    })),
  };
  app.get(
    '/machine',
    {
      config: { public: true },
      schema: {
        operationId: 'getMachine',
        tags: ['meta'],
        summary: '状态机定义与状态图 / The lifecycle machine: states, events, transitions, roles, labels, diagram',
        description: [
          '项目状态机的最新版本，即现在新建的批次中项目所用的版本（旧版本见 `GET /machines/{id}/{version}`）。',
          '按 `Accept` 协商：`application/json`（默认）为完整定义；`image/svg+xml` 为由状态机绘制的状态图，标签语言随 `Accept-Language`（默认中文）。',
          '',
          'The newest version of the project machine, the one projects of rounds created now run (older versions: `GET /machines/{id}/{version}`).',
          'Negotiated on `Accept`: `application/json` (the default) answers the whole definition; `image/svg+xml` the state diagram drawn',
          'from the machine, labelled in the language `Accept-Language` prefers (Chinese by default). 406 when neither is acceptable.',
        ].join('\n'),
        security: [],
        response: {
          200: {
            description: '状态机定义或状态图 / The definition, or the diagram',
            headers: {
              'Content-Language': { type: 'string', description: '状态图标签的语言（仅 SVG）/ The language of the diagram’s labels (SVG only)' },
            },
            content: {
              [JSON_TYPE]: { schema: ref(MachineSchema), examples: { machine: { summary: '项目生命周期 / The project lifecycle', value: definition } } },
              [SVG_TYPE]: {
                schema: Type.String({ description: 'SVG 文档 / An SVG document' }),
                examples: { diagram: { summary: '状态图（节选）/ The diagram (excerpt)', value: '<svg width="551pt" height="891pt" xmlns="http://www.w3.org/2000/svg">…</svg>' } },
              },
            },
          },
          ...problems('not-acceptable'),
        },
      },
    },
    async (request, reply) => {
      reply.header('Vary', 'Accept, Accept-Language');
      const type = preferredMediaType(request.headers.accept, [JSON_TYPE, SVG_TYPE]);
      if (type === null) throw new Problem('not-acceptable', `可提供 ${JSON_TYPE} 或 ${SVG_TYPE} / Acceptable: ${JSON_TYPE} or ${SVG_TYPE}`);
      if (type === JSON_TYPE) return definition;
      const language = negotiateLanguage(request.headers['accept-language']);
      return reply
        .type(`${SVG_TYPE}; charset=utf-8`)
        .header('Content-Language', CONTENT_LANGUAGE[language])
        .send(await machineSvg(language, projectLifecycle));
    },
  );

  const roundDefinition = roundLifecycle.describe() as Static<typeof RoundMachineSchema>;
  app.get(
    '/round-machine',
    {
      config: { public: true },
      schema: {
        operationId: 'getRoundMachine',
        tags: ['meta'],
        summary: '申报批次状态机定义 / The round machine: states, events, transitions, roles, labels',
        description: [
          '申报批次（一次年度项目征集）的生命周期，经 `POST /rounds/{id}/events` 推进；`mermaid` 为状态图。',
          '',
          'The lifecycle of a round (one yearly call for projects), fired through `POST /rounds/{id}/events`; `mermaid` draws it.',
        ].join('\n'),
        security: [],
        response: {
          200: {
            description: '状态机定义 / The definition',
            content: { [JSON_TYPE]: { schema: ref(RoundMachineSchema), examples: { machine: { summary: '申报批次生命周期 / The round lifecycle', value: roundDefinition } } } },
          },
          ...problems('not-acceptable'),
        },
      },
    },
    async (request, reply) => {
      reply.header('Vary', 'Accept');
      if (preferredMediaType(request.headers.accept, [JSON_TYPE]) === null) {
        throw new Problem('not-acceptable', `可提供 ${JSON_TYPE} / Acceptable: ${JSON_TYPE}`);
      }
      return roundDefinition;
    },
  );

  app.get(
    '/machines/:id/:version',
    {
      config: { public: true },
      schema: {
        operationId: 'getMachineVersion',
        tags: ['meta'],
        summary: '某一版本的状态机定义与状态图 / One version of a machine: definition or diagram',
        description: [
          '已注册的任一版本（如 round@2、project@2），按 `Accept` 协商：`application/json`（默认）为定义，`image/svg+xml` 为由该版本状态机绘制的状态图，标签语言随 `Accept-Language`。未注册的版本 404。',
          '',
          'Any registered version (e.g. round@2, project@2), negotiated on `Accept`: `application/json` (the default) answers its definition, `image/svg+xml`',
          'the diagram drawn from that version’s machine, labelled in the language `Accept-Language` prefers. 404 for a version not registered.',
        ].join('\n'),
        security: [],
        params: Type.Object(
          {
            id: Name('状态机标识 / Machine id', 'round'),
            version: Type.String({ pattern: '^[1-9][0-9]{0,5}$', description: '版本 / Version', examples: ['2'] }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: '定义或状态图 / The definition, or the diagram',
            headers: { 'Content-Language': { type: 'string', description: '状态图标签的语言（仅 SVG）/ The language of the diagram’s labels (SVG only)' } },
            content: {
              [JSON_TYPE]: { schema: ref(VersionDefinitionSchema), examples: { round1: { summary: 'round@1', value: roundDefinition } } },
              [SVG_TYPE]: {
                schema: Type.String({ description: 'SVG 文档 / An SVG document' }),
                examples: { diagram: { summary: '状态图（节选）/ The diagram (excerpt)', value: '<svg width="551pt" height="891pt" xmlns="http://www.w3.org/2000/svg">…</svg>' } },
              },
            },
          },
          ...problems('not-found', 'not-acceptable'),
        },
      },
    },
    async (request, reply) => {
      reply.header('Vary', 'Accept, Accept-Language');
      const { id, version } = request.params;
      const lifecycle = registry.get(id, Number(version));
      if (!lifecycle) throw new Problem('not-found', `没有已注册的状态机定义 ${id}@${version} / No registered machine definition ${id}@${version}`);
      const type = preferredMediaType(request.headers.accept, [JSON_TYPE, SVG_TYPE]);
      if (type === null) throw new Problem('not-acceptable', `可提供 ${JSON_TYPE} 或 ${SVG_TYPE} / Acceptable: ${JSON_TYPE} or ${SVG_TYPE}`);
      if (type === JSON_TYPE) return lifecycle.describe();
      const language = negotiateLanguage(request.headers['accept-language']);
      return reply
        .type(`${SVG_TYPE}; charset=utf-8`)
        .header('Content-Language', CONTENT_LANGUAGE[language])
        .send(await machineSvg(language, lifecycle));
    },
  );
}
