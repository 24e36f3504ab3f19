// Builds the three bundles: the extension (Node, cjs), the language server (Node, cjs) and the
// webview (browser, iife), plus the headless relay CLI. `--production` minifies and drops source
// maps; `--watch` rebuilds on change and prints the lines a problem matcher can follow.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints build start/end the way VS Code's `$esbuild-watch` problem matcher expects. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcherPlugin] : [],
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

/**
 * `import * as vscode from 'vscode'` of an external module makes esbuild copy the whole API object
 * (hundreds of getters) once per importing module when the bundle loads: 32 copies in
 * extension.js, ~20 of its ~25 ms of load time in the extension host's profile (issue 20). Routing
 * every import of ours through one ESM module that re-exports `vscode` makes it one copy per bundle.
 */
const vscodeOncePlugin = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => {
      if (args.namespace === 'vscode-once') return { path: 'vscode', external: true };
      // A package's own CommonJS `require('vscode')` gets the API object as it is, without any copy.
      if (args.importer.includes('node_modules')) return undefined;
      return { path: 'vscode', namespace: 'vscode-once' };
    });
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const nodeBundle = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  plugins: [...common.plugins, vscodeOncePlugin],
};

/**
 * The lazy parts (src/extension/lazy.ts, src/core/lazy.ts): each `./lazy/<entry>` they require is
 * its own bundle next to extension.js, loaded on first use, so activation and the relay's start
 * read only what they need.
 */
const lazyBundles = {
  relayRuntime: { bundle: 'relay', source: 'src/extension/lazy/relayRuntime.ts' },
  languageClientRuntime: { bundle: 'languageClient', source: 'src/extension/lazy/languageClientRuntime.ts' },
  panelRuntime: { bundle: 'panel', source: 'src/extension/lazy/panelRuntime.ts' },
  undiciRuntime: { bundle: 'undici', source: 'src/core/lazy/undiciRuntime.ts' },
  certificateRuntime: { bundle: 'certificate', source: 'src/core/lazy/certificateRuntime.ts' },
  otlpRuntime: { bundle: 'otlp', source: 'src/core/lazy/otlpRuntime.ts' },
  kqlRuntime: { bundle: 'kql', source: 'src/core/lazy/kqlRuntime.ts' },
};

/** Leaves `require('./lazy/<entry>')` to the sibling bundle instead of inlining it. */
const lazyBundlesPlugin = {
  name: 'lazy-bundles',
  setup(build) {
    build.onResolve({ filter: /^\.\/lazy\/\w+$/ }, (args) => {
      const entry = args.path.slice('./lazy/'.length);
      const bundle = lazyBundles[entry]?.bundle;
      // An entry missing from the table would be inlined silently: the opposite of lazy.
      if (!bundle) return { errors: [{ text: `lazy/${entry}.ts (required by ${args.importer}) has no bundle in esbuild.mjs's lazyBundles` }] };
      return { path: `./${bundle}.js`, external: true };
    });
  },
};

/** Packages that must stay out of a bundle loaded early (each loads in a lazy bundle instead). */
const relayLazyPackages = ['undici', 'selfsigned', '@peculiar', 'asn1js', 'protobufjs', 're2js'];
const notAtActivation = [...relayLazyPackages, 'vscode-languageclient'];

/** Fails the build when `bundle` pulls one of `forbidden` back in (an import that bypasses lazy.ts). */
function budgetPlugin(bundle, forbidden, loader) {
  return {
    name: `${bundle}-budget`,
    setup(build) {
      build.onEnd((result) => {
        if (!result.metafile) return;
        const inputs = Object.keys(result.metafile.inputs);
        const offending = inputs.filter((input) => forbidden.some((name) => input.includes(`node_modules/${name}/`)));
        if (offending.length === 0) return;
        const packageOf = (input) => input.split('node_modules/').pop().split('/').slice(0, input.split('node_modules/').pop().startsWith('@') ? 2 : 1).join('/');
        // Our own modules that import one of them directly: where the lazy boundary was bypassed.
        const importers = inputs.filter((input) => !input.includes('node_modules/') && result.metafile.inputs[input].imports.some((imported) => offending.includes(imported.path)));
        // Returned errors fail the build (and show in watch mode) like any other.
        return {
          errors: [
            { text: `dist/${bundle}.js must not contain ${[...new Set(offending.map(packageOf))].join(', ')}: load it through ${loader} (imported by ${importers.join(', ') || 'a dependency'})` },
          ],
        };
      });
    },
  };
}

/** What each early bundle must not contain; the lazy bundles not listed may hold anything. */
const budgets = {
  extension: budgetPlugin('extension', notAtActivation, 'src/extension/lazy.ts'),
  relay: budgetPlugin('relay', relayLazyPackages, 'src/core/lazy.ts'),
};

const configs = [
  {
    ...nodeBundle,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    metafile: true,
    plugins: [...nodeBundle.plugins, lazyBundlesPlugin, budgets.extension],
  },
  ...Object.values(lazyBundles).map(({ bundle, source }) => ({
    ...nodeBundle,
    entryPoints: { [bundle]: source },
    outdir: 'dist',
    metafile: bundle in budgets,
    plugins: [...nodeBundle.plugins, lazyBundlesPlugin, ...(bundle in budgets ? [budgets[bundle]] : [])],
  })),
  { ...nodeBundle, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  // The telemetry history packs blocks in a worker thread (src/core/history/blockPacker.ts).
  { ...nodeBundle, entryPoints: { historyWorker: 'src/core/history/historyWorker.ts' }, outdir: 'dist' },
  { ...nodeBundle, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { main: 'src/webview/main.ts' },
    outdir: 'dist/webview',
  },
].filter((config) => Object.values(config.entryPoints).every((entry) => existsSync(entry)));

/** Files that ship next to the bundles as they are (grammar WASM and the like). */
function copyStaticAssets() {
  mkdirSync('dist', { recursive: true });
  const assets = [
    ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm'],
    ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm'],
  ];
  // The webview's icon font and its stylesheet (the bundle links codicon.css next to itself).
  const webviewAssets = JSON.parse(readFileSync('src/webview/assets.json', 'utf8'));
  mkdirSync('dist/webview', { recursive: true });
  for (const [from, to] of [...assets, ...webviewAssets]) {
    if (existsSync(from)) cpSync(from, to);
  }
}

if (!watch) rmSync('dist', { recursive: true, force: true });
copyStaticAssets();
if (watch) {
  const contexts = await Promise.all(configs.map((config) => esbuild.context(config)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(configs.map((config) => esbuild.build(config)));
}
