export { createApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export type { ApiDeps, ApiModule } from './context.js';
export { toProblem, STATUS_BY_KIND, ApiErrors, type Problem } from './problem.js';
export { authorize } from './guard.js';
