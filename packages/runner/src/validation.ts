/**
 * The one Ajv instance that validates user input — sweep configs, plugin settings, results files —
 * with the runner's number checks that JSON Schema alone does not make.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** The keyword compileSchema adds to every integer schema; not part of any published schema. */
export const SAFE_INTEGER = 'x-policy-arena-safe-integer';

let ajvInstance: Ajv2020 | undefined;
export function makeAjv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  // strictNumbers: "type": "number" and "integer" refuse NaN and ±Infinity (JSON.parse turns 1e400
  // into Infinity, which the algorithms would then compute with).
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, strictNumbers: true });
  // ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
  const addFormats = ((ajvFormats as unknown as { default?: unknown }).default ?? ajvFormats) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  ajv.addKeyword({
    keyword: SAFE_INTEGER,
    type: 'number',
    schemaType: 'boolean',
    validate: (on: boolean, data: number) => !on || !Number.isInteger(data) || Number.isSafeInteger(data),
  });
  ajvInstance = ajv;
  return ajv;
}

/** Keywords whose values are data, not subschemas. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);
/** Keywords whose values map names to subschemas (so a property called "default" is a schema). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/**
 * A copy of `schema` in which every `"type": "integer"` also demands a safe integer. Done here
 * rather than in each schema, so plugins' plain JSON Schemas (third-party ones included) get it
 * without knowing about it: an integer above 2^53 − 1 is silently some other integer.
 */
function withSafeIntegers(schema: object): object {
  const copy = JSON.parse(JSON.stringify(schema)) as object;
  const stack: [node: unknown, isMap: boolean][] = [[copy, false]];
  while (stack.length > 0) {
    const [node, isMap] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, false]);
      continue;
    }
    const record = node as Record<string, unknown>;
    const type = record['type'];
    if (!isMap && (type === 'integer' || (Array.isArray(type) && type.includes('integer')))) {
      record[SAFE_INTEGER] = true;
    }
    for (const [key, value] of Object.entries(record)) {
      if (isMap || !DATA_KEYWORDS.has(key)) stack.push([value, !isMap && SCHEMA_MAPS.has(key)]);
    }
  }
  return copy;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a schema with the runner's number checks: finite numbers (strictNumbers) and safe
 * integers for every integer. Every validation of user input goes through here.
 */
export function compileSchema(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = makeAjv().compile(withSafeIntegers(schema));
    compiled.set(schema, validate);
  }
  return validate;
}
