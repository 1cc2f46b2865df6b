/** Exhaustiveness check for switches over unions (CONTRIBUTING §Parsers). */
import { PdmErrors } from './errors.js';

export function assertNever(x: never): never {
  throw PdmErrors.create('unreachable', `unexpected case ${JSON.stringify(x)}`, {});
}
