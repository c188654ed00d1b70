/**
 * The playground's view of the policy being trained: a copy of the trial's network on the page,
 * given each iteration's parameters, acted by the 3-D player (stochastic actions, as sampled).
 */
import { GaussianPolicy, Rng } from '@policy-arena/core';
import type { GaussianPolicyConfig } from '@policy-arena/core';
import { createPolicyPlayer } from '../viewer/player.js';
import type { PolicyPlayer } from '../viewer/player.js';

export class PolicyView {
  private readonly policy: GaussianPolicy;
  private player: PolicyPlayer | undefined;
  private disposed = false;

  constructor(container: HTMLElement, envId: string, config: GaussianPolicyConfig) {
    this.policy = GaussianPolicy.create(config, Rng.fromSeed(0));
    void createPolicyPlayer(container, { envId, policy: this.policy, deterministic: false }).then(
      (player) => {
        if (this.disposed) player.dispose();
        else this.player = player;
      },
    );
  }

  setParams(params: Float64Array): void {
    this.policy.setParams(params);
  }

  dispose(): void {
    this.disposed = true;
    this.player?.dispose();
  }
}
