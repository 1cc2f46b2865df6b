/** The web context: serves the built single-page app (web/ → dist/webapp) at `/`. */
export { createWebModule, decodePath, DEFAULT_API_PREFIXES, CONTENT_SECURITY_POLICY, type WebModule, type WebModuleOptions } from './module.js';
export { AssetCatalogue, CACHE_CONTROL, cachePolicyOf, contentTypeOf, pickEncoding, type Asset, type CachePolicy, type Encoding } from './assets.js';
export { WebErrors } from './errors.js';
export { defaultWebRoot, WEB_BUILD_DIR } from './root.js';
