/** The project machine's labels (GET /api/v1/machine, public): event and role names in Chinese and English. */
import { api, type MachineDefinition } from './api/client';
import type { Label } from './i18n';

let loading: Promise<MachineDefinition | null> | null = null;

export function loadMachine(): Promise<MachineDefinition | null> {
  if (!loading) {
    loading = api.GET('/api/v1/machine', { headers: { Accept: 'application/json' } }).then(
      ({ data }) => (data && typeof data === 'object' ? data : null),
      () => null,
    );
  }
  return loading;
}

export function eventLabel(machine: MachineDefinition | null, type: string): Label {
  return machine?.events.find((event) => event.type === type)?.label ?? { zh: type, en: type };
}

export function roleLabel(machine: MachineDefinition | null, role: string): Label {
  return machine?.roles.find((r) => r.name === role)?.label ?? { zh: role, en: role };
}

/** The panel review's criteria, in the notice's order, as the API names and labels them. */
export type Criterion = MachineDefinition['criteria'][number];

export function criteriaOf(machine: MachineDefinition | null): Criterion[] {
  return machine?.criteria ?? [];
}

export function criterionLabel(machine: MachineDefinition | null, key: string): Label {
  return machine?.criteria.find((c) => c.key === key)?.label ?? { zh: key, en: key };
}
