import type { Role } from '../../machines/project.types.js';

/** The authenticated caller of a request. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  unitId: string | null;
}
