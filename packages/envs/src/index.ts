export { CartPoleEnv, cartpoleV1, CARTPOLE_CONSTANTS, CARTPOLE_REWARD_TERMS } from './cartpole.js';
export { EnvRegistry, builtinEnvs, defaultEnvRegistry, makeEnv } from './registry.js';
export { checkEnv, rewardTermsProblem } from './checker.js';
export type { CheckOptions } from './checker.js';
export { MujocoEnv, swimmerV2, hopperV2, walkerV2, swimmerV1, hopperV1, walkerV1 } from './mujoco/env.js';
export type { MujocoStepInfo } from './mujoco/env.js';
export type { MujocoGeometry } from './mujoco/geometry.js';
export { SimulationDivergedError } from './errors.js';
export type { DivergenceDetails, DivergedQuantity } from './errors.js';
export {
  MUJOCO_TASKS,
  MUJOCO_V1_TASKS,
  SWIMMER_TASK,
  HOPPER_TASK,
  WALKER_TASK,
  SWIMMER_V1_TASK,
  HOPPER_V1_TASK,
  WALKER_V1_TASK,
  HOPPER_LIMITS,
  WALKER_LIMITS,
  CTRL_COST_WEIGHT,
  rewardTermNames,
} from './mujoco/tasks.js';
export type { MujocoTask, ImpactPenalty, ForwardVelocity } from './mujoco/tasks.js';
export { loadMujoco } from './mujoco/loader.js';
export { nativeXml } from './mujoco/models.js';
export { VectorEnv, subEnvSeed } from './vector.js';
export type { VectorEnvOptions, VectorStepInfo, VectorStepResult, SubEnvSnapshot } from './vector.js';
export { RolloutPool } from './rollout-pool.js';
export type { RolloutPoolOptions } from './rollout-pool.js';
export * from './scene.js';
