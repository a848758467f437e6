import { Type } from 'typebox';
import { describeMachine } from '../../machines/project.lifecycle.js';
import { LabelSchema, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { CATEGORIES } from '../projects/categories.js';

const Named = Type.Object({ name: Type.String(), label: ref(LabelSchema) }, { additionalProperties: false });

const MachineSchema = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    initial: Type.String(),
    states: Type.Array(
      Type.Object(
        { name: Type.String(), label: ref(LabelSchema), final: Type.Boolean(), events: Type.Array(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    events: Type.Array(Type.Object({ type: Type.String(), label: ref(LabelSchema), roles: Type.Array(Type.String()) }, { additionalProperties: false })),
    transitions: Type.Array(
      Type.Object(
        {
          from: Type.String(),
          event: Type.String(),
          to: Type.String(),
          roles: Type.Array(Type.String()),
          authorizations: Type.Array(Type.String()),
          checks: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    roles: Type.Array(Named),
    categories: Type.Array(
      Type.Object({ name: Type.String(), label: ref(LabelSchema), directions: Type.Array(Named) }, { additionalProperties: false }),
    ),
    mermaid: Type.String({ description: 'The state diagram in Mermaid syntax' }),
  },
  { $id: 'MachineDefinition', additionalProperties: false, description: '项目生命周期状态机 / The project lifecycle machine' },
);

export const MACHINE_SCHEMAS = [MachineSchema];

export async function machineRoutes(app: App) {
  const definition = {
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
        summary: '状态机定义 / The lifecycle machine: states, events, transitions, roles, labels, diagram',
        security: [],
        response: { 200: ref(MachineSchema) },
      },
    },
    async () => definition,
  );
}
