import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Math's transcendental functions are implementation-approximated: V8 changed them after Node 20
// (and browsers differ), so a result computed with them is not bitwise reproducible across engines.
// The library computes them with @policy-arena/libm (fdlibm ports, the bits of Node 20's Math) instead.
const ENGINE_DEPENDENT_MATH = [
  ...['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh'],
  ...['atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'cbrt', 'hypot'],
];
const LIBM_MESSAGE =
  'differs between JavaScript engines in the last bits; use @policy-arena/libm (core re-exports it as `libm`) and port the fdlibm routine there if it is missing.';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'runs/**', 'coverage/**', 'packed/**', 'test/.guide-*/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Result-affecting library code: every run must give the same bits in every engine.
    files: ['packages/{core,envs,algorithms,cma-es}/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...ENGINE_DEPENDENT_MATH.map((property) => ({
          object: 'Math',
          property,
          message: `Math.${property} ${LIBM_MESSAGE}`,
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          // 2 ** n is exact in every engine for integer n; any other power goes through the engine's pow.
          selector: "BinaryExpression[operator='**']:not([left.type='Literal'][left.value=2])",
          message: `** ${LIBM_MESSAGE} Write x * x for a square.`,
        },
        { selector: "AssignmentExpression[operator='**=']", message: `**= ${LIBM_MESSAGE}` },
      ],
    },
  },
  {
    // The web app runs in pages and Web Workers.
    files: ['packages/web/src/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
);
