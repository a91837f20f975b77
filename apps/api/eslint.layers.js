// Imports in apps/api/src point one way: down this list. Used by the monorepo's eslint.config.js.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');

/**
 * The layers of apps/api/src, top to bottom (paths relative to src). A file may import from its own layer and
 * from any layer below it, never from one above. Every top-level file and folder of src is in exactly one layer.
 */
export const API_LAYERS = [
  { name: 'entry points and test helpers', paths: ['main.ts', 'demo.ts', 'cli', 'test'] },
  // Only the entry points seed the database: nothing the server runs imports the seed.
  { name: 'the seed', paths: ['seed'] },
  { name: 'the app (wiring)', paths: ['app.ts'] },
  { name: 'the OpenAPI document', paths: ['openapi'] },
  { name: 'the admin modules', paths: ['modules'] },
  { name: 'the app context', paths: ['context.ts'] },
  { name: 'the proxy (data plane)', paths: ['proxy'] },
  { name: 'OpenTelemetry traces', paths: ['telemetry'] },
  { name: 'the router: config snapshot, routing state and its stores', paths: ['router'] },
  { name: 'metering: usage records, spend, retention', paths: ['metering'] },
  { name: 'the live event bus', paths: ['events'] },
  { name: 'provider adapters', paths: ['providers'] },
  { name: 'client-format translation', paths: ['translate'] },
  { name: 'HTTP helpers', paths: ['http'] },
  { name: 'configuration', paths: ['config'] },
  { name: 'the database client', paths: ['db'] },
  { name: 'shared helpers', paths: ['lib'] },
  { name: 'process flags', paths: ['runtime-flags.ts'] },
];

/** One zone per layer: its files may not import any path of the layers above it. */
export function layerZones(layers = API_LAYERS, base = SRC) {
  return layers.slice(1).map((layer, i) => {
    const above = layers.slice(0, i + 1);
    return {
      target: layer.paths.map((p) => path.join(base, p)),
      from: above.flatMap((l) => l.paths.map((p) => path.join(base, p))),
      message: `${layer.name} (${layer.paths.join(', ')}) sits below ${above
        .map((l) => l.paths.join(', '))
        .join(', ')}: move what both need to a leaf file in a lower layer.`,
    };
  });
}

/** Flat-config objects for apps/api/src: the layer zones and no import cycles. Test files are exempt. */
export const apiLayerConfigs = [
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/**/*.test.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these the plugin reads no .ts file, and no-cycle finds nothing to follow.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Sources import `./x.js` for `./x.ts` (NodeNext); packages resolve as Node does.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.node'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones() }],
      // Type-only imports are not followed (the zones above cover them); packages are not entered.
      'import-x/no-cycle': ['error', { maxDepth: '∞', ignoreExternal: true }],
    },
  },
];
