/**
 * The Swagger UI release the docs page loads, pinned to the exact `swagger-ui-dist` version in
 * `package.json`, with the Subresource Integrity hashes of its two files: a browser runs them
 * only if they are byte for byte the files of that release, wherever they are served from (the
 * CDN in AWS, the local stack's own copy from `node_modules`). A test recomputes the hashes
 * from the installed package, so upgrading it without updating them here fails.
 */
export const SWAGGER_UI_VERSION = '5.35.0';

/** SRI hashes (`sha384-…`) of the files the docs page loads, by file name. */
export const SWAGGER_UI_INTEGRITY = {
  'swagger-ui-bundle.js': 'sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9',
  'swagger-ui.css': 'sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I',
} as const;

/** Where the docs page loads Swagger UI from by default: that exact release on jsDelivr. */
export const DEFAULT_DOCS_ASSETS_URL = `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_UI_VERSION}`;
