import { defineErrors } from '../shared/errors.js';

/** The web context's catalogue: serving the built single-page app. */
export const WebErrors = defineErrors('web', {
  not_built: { kind: 'unavailable', title: 'The web app has not been built' },
  asset_not_found: { kind: 'not_found', title: 'No such file in the web app' },
});
