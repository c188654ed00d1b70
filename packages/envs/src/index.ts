export { CartPoleEnv, cartpoleV1, CARTPOLE_CONSTANTS } from './cartpole.js';
export { EnvRegistry, builtinEnvs, defaultEnvRegistry, makeEnv } from './registry.js';
export { checkEnv } from './checker.js';
export type { CheckOptions } from './checker.js';
