/** Event and state names of the log, from the machines the API publishes (project and round); codes otherwise. */
import { api } from '../../api/client';
import { both, type Label } from '../../i18n';

interface Named {
  name?: string;
  type?: string;
  label: Label;
}

const events = new Map<string, Label>();
const states = new Map<string, Label>();
let loading: Promise<void> | null = null;

/** Loads the labels of GET /api/v1/machine and GET /api/v1/round-machine once. */
export function loadLabels(): Promise<void> {
  loading ??= Promise.all([
    api.GET('/api/v1/machine', { headers: { Accept: 'application/json' } }).then(
      ({ data }) => data,
      () => null,
    ),
    api.GET('/api/v1/round-machine', { headers: { Accept: 'application/json' } }).then(
      ({ data }) => data,
      () => null,
    ),
  ]).then((machines) => {
    for (const machine of machines) {
      if (!machine || typeof machine !== 'object') continue;
      const definition = machine as { events?: Named[]; states?: Named[] };
      for (const event of definition.events ?? []) if (event.type && !events.has(event.type)) events.set(event.type, event.label);
      for (const state of definition.states ?? []) if (state.name && !states.has(state.name)) states.set(state.name, state.label);
    }
  });
  return loading;
}

/** An event's name: the label the log entry carries (record events included), else the machines', else its code. */
export const eventName = (type: string, carried?: Label): string => {
  const label = carried ?? events.get(type);
  return label ? `${both(label)} (${type})` : type;
};

export const stateName = (state: string): string => {
  const label = states.get(state);
  return label ? both(label) : state;
};
