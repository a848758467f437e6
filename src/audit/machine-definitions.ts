/**
 * The machine definitions the log was written under, by version, as an auditor receives them: the
 * output of describeMachine(), and the SHA-256 of each one's RFC 8785 canonical JSON. Checkpoints
 * sign these digests, so a definition swapped after the fact no longer matches a kept checkpoint.
 */
import { createHash } from 'node:crypto';
import { describeMachine, type MachineDescription } from '../../machines/project.lifecycle.js';
import { describeRoundMachine, type RoundMachineDescription } from '../../machines/round.lifecycle.js';
import { HASH_ALGORITHM, canonicalJson } from '../workflow/hash-chain.js';

export interface MachineDefinition {
  id: string;
  version: number;
  /** `machines/<id>@<version>.json` inside an export bundle. */
  file: string;
  definition: MachineDescription | RoundMachineDescription;
  /** Hex SHA-256 of the definition's canonical JSON. */
  sha256: string;
}

/** Every version the service can replay. A new machine version is added here, never replacing an old one. */
export function machineDefinitions(): MachineDefinition[] {
  return [describeMachine(), describeRoundMachine()].map((definition) => ({
    id: definition.id,
    version: definition.version,
    file: `machines/${definition.id}@${definition.version}.json`,
    definition,
    sha256: createHash(HASH_ALGORITHM).update(canonicalJson(definition)).digest('hex'),
  }));
}
