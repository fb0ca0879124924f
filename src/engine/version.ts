// Injected by esbuild from package.json (see scripts/build.mjs); falls back for tsx-run tests.
declare const __KC_VERSION__: string | undefined;

export const TOOL_NAME = 'knowledge-consistency';
export const TOOL_VERSION: string = typeof __KC_VERSION__ === 'string' ? __KC_VERSION__ : '0.0.0-dev';
