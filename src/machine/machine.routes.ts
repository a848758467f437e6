import { Type, type Static } from 'typebox';
import { describeMachine } from '../../machines/project.lifecycle.js';
import { describeRoundMachine } from '../../machines/round.lifecycle.js';
import { CONTENT_LANGUAGE, negotiateLanguage } from '../http/language.js';
import { preferredMediaType } from '../http/media-type.js';
import { Problem } from '../http/problems.js';
import { LabelSchema, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { CATEGORIES } from '../projects/categories.js';
import { machineSvg } from './machine.diagram.js';

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

export const MACHINE_SCHEMAS = [MachineSchema, RoundMachineSchema];

const JSON_TYPE = 'application/json';
const SVG_TYPE = 'image/svg+xml';

export async function machineRoutes(app: App) {
  const definition: Static<typeof MachineSchema> = {
    ...describeMachine(),
    categories: Object.entries(CATEGORIES).map(([name, category]) => ({
      name,
      label: category.label,
      directions: Object.entries(category.directions).map(([direction, label]) => ({ name: direction, label })),
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
          '按 `Accept` 协商：`application/json`（默认）为完整定义；`image/svg+xml` 为由状态机绘制的状态图，标签语言随 `Accept-Language`（默认中文）。',
          '',
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
        .send(await machineSvg(language));
    },
  );

  const roundDefinition: Static<typeof RoundMachineSchema> = describeRoundMachine();
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
}
