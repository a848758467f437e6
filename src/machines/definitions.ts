/**
 * The machine definitions the log was written under, by version, as an auditor receives them: the
 * output of each lifecycle's describe(), and the SHA-256 of each one's RFC 8785 canonical JSON. Checkpoints
 * sign these digests, so a definition swapped after the fact no longer matches a kept checkpoint.
 */
import { createHash } from 'node:crypto';
import type { MachineDescription } from '../../machines/lifecycle.js';
import { MachineRegistry } from '../../machines/registry.js';
import { HASH_ALGORITHM, canonicalJson } from '../workflow/hash-chain.js';

export interface MachineDefinition {
  id: string;
  version: number;
  /** `machines/<id>@<version>.json` inside an export bundle. */
  file: string;
  definition: MachineDescription;
  /** Hex SHA-256 of the definition's canonical JSON. */
  sha256: string;
}

/** Every version the service can replay: the registry's (a new version is added beside the old ones, never in their place). */
export function machineDefinitions(registry: MachineRegistry = new MachineRegistry()): MachineDefinition[] {
  return registry
    .all()
    .map((lifecycle) => lifecycle.describe())
    .map((definition) => ({
      id: definition.id,
      version: definition.version,
      file: `machines/${definition.id}@${definition.version}.json`,
      definition,
      sha256: createHash(HASH_ALGORITHM).update(canonicalJson(definition)).digest('hex'),
    }));
}
