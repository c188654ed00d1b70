// Node module hooks (module.register) that let a worker thread run the workspace's TypeScript
// sources: resolution adds the "source" export condition (so @policy-arena/* resolve to src/*.ts, as
// in vitest) and maps a relative `./x.js` import of a .ts file to `./x.ts`; loading transpiles .ts
// with the workspace's `typescript` (types are erased, nothing is type-checked). Transpiled files are
// cached by content hash in node_modules/.cache/ts-hooks, so a worker usually starts without loading
// `typescript` at all. Development only.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cacheDir = fileURLToPath(new URL('../node_modules/.cache/ts-hooks/', import.meta.url));
let ts;

function transpile(fileName, source) {
  ts ??= require('typescript');
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  }).outputText;
}

export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('source')
    ? context.conditions
    : [...context.conditions, 'source'];
  const ctx = { ...context, conditions };
  try {
    return await nextResolve(specifier, ctx);
  } catch (err) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, ctx);
    }
    throw err;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const key = createHash('sha256').update(`v1\0${fileName}\0${source}`).digest('hex');
  const cached = `${cacheDir}${key}.js`;
  let output;
  try {
    output = await readFile(cached, 'utf8');
  } catch {
    output = transpile(fileName, source);
    try {
      await mkdir(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      await writeFile(tmp, output);
      await rename(tmp, cached); // atomic: concurrent workers never read a partial file
    } catch {
      // an unwritable cache only costs time
    }
  }
  return { format: 'module', source: output, shortCircuit: true };
}
