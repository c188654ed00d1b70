/**
 * The typed error of a diverged simulation, and the plain-data form in which errors cross from a
 * worker thread to the caller. Structured cloning keeps only the standard error classes and drops
 * own fields, so an error is sent as its name, message, stack and (for a divergence) its details,
 * and rebuilt on the other side as the same class with the same message.
 */

/** What went non-finite (or beyond MuJoCo's ±mjMAXVAL) in a diverging step. */
export type DivergedQuantity = 'qpos' | 'qvel' | 'qacc' | 'reward';

export interface DivergenceDetails {
  readonly envId: string;
  /** Steps of the episode completed before the diverging one (0: the first step after a reset). */
  readonly step: number;
  /** Simulated time at the start of the diverging step, in seconds. */
  readonly time: number;
  readonly quantity: DivergedQuantity;
  /** The entry of qpos, or the degree of freedom of qvel/qacc, that was bad; -1 for the reward. */
  readonly index: number;
  /** The bad value, or null where MuJoCo had already reset the state (it keeps only the index). */
  readonly value: number | null;
  /**
   * `mujoco`: MuJoCo's own check (mjWARN_BADQPOS, mjWARN_BADQVEL, mjWARN_BADQACC) fired inside one of
   * the step's physics sub-steps, and MuJoCo reset its state. `env`: the env's check of the state
   * and reward the step produced.
   */
  readonly detectedBy: 'mujoco' | 'env';
  /** The action passed to the step, as given (before clipping). */
  readonly action: readonly number[];
}

/** MuJoCo's bound on qpos, qvel and qacc entries (mjMAXVAL): beyond it a state counts as diverged. */
export const MAX_STATE_VALUE = 1e10;

function divergenceMessage(d: DivergenceDetails): string {
  const entry = d.quantity === 'reward' ? 'the reward' : `${d.quantity}[${d.index}]`;
  const what =
    d.detectedBy === 'mujoco'
      ? `MuJoCo found ${entry} NaN, infinite or beyond ±1e10 (mjMAXVAL) and reset its state`
      : `${entry} is ${d.value} after the step`;
  const time = Number(d.time.toPrecision(12));
  return (
    `${d.envId}: the simulation diverged in step ${d.step} of the episode (from t = ${time} s): ${what}; ` +
    `action [${d.action.join(', ')}]. The episode cannot continue (reset() starts a new one). ` +
    'Usual causes: an unstable model (timestep, gear, stiffness) or a state set far outside the physical range.'
  );
}

/**
 * Thrown by `step()` (and `MujocoEnv.simulate`) when the physics diverges, instead of returning
 * NaN or a silently reset state. The env then needs `reset()` (or `restore()`).
 */
export class SimulationDivergedError extends Error implements DivergenceDetails {
  override readonly name = 'SimulationDivergedError';
  readonly envId: string;
  readonly step: number;
  readonly time: number;
  readonly quantity: DivergedQuantity;
  readonly index: number;
  readonly value: number | null;
  readonly detectedBy: 'mujoco' | 'env';
  readonly action: readonly number[];

  constructor(details: DivergenceDetails, message: string = divergenceMessage(details)) {
    super(message);
    this.envId = details.envId;
    this.step = details.step;
    this.time = details.time;
    this.quantity = details.quantity;
    this.index = details.index;
    this.value = details.value;
    this.detectedBy = details.detectedBy;
    this.action = [...details.action];
  }

  /** The details alone, as plain data. */
  details(): DivergenceDetails {
    const { envId, step, time, quantity, index, value, detectedBy, action } = this;
    return { envId, step, time, quantity, index, value, detectedBy, action: [...action] };
  }
}

/** An error as plain data, for postMessage. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
  readonly divergence?: DivergenceDetails;
}

export function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    name: err.name,
    message: err.message,
    stack: err.stack ?? '',
    ...(err instanceof SimulationDivergedError ? { divergence: err.details() } : {}),
  };
}

const STANDARD = new Map<string, new (message: string) => Error>([
  ['RangeError', RangeError],
  ['TypeError', TypeError],
]);

/**
 * The error a worker sent, rebuilt in this thread: a SimulationDivergedError with its details, a
 * RangeError or TypeError as such, anything else an Error carrying the original name; the stack is
 * the worker's.
 */
export function reviveError(s: SerializedError): Error {
  let err: Error;
  if (s.divergence) err = new SimulationDivergedError(s.divergence, s.message);
  else {
    err = new (STANDARD.get(s.name) ?? Error)(s.message);
    if (err.name !== s.name) err.name = s.name;
  }
  if (s.stack) err.stack = s.stack;
  return err;
}
