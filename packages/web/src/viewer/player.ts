// TEMPORARY (not committed): interface only, for the first build.
import type { GaussianMlp } from '@policy-arena/core';
export interface PolicyPlayer {
  dispose(): void;
}
export async function createPolicyPlayer(
  _c: HTMLElement,
  _o: { envId: string; policy: GaussianMlp; deterministic?: boolean },
): Promise<PolicyPlayer> {
  return { dispose() {} };
}
