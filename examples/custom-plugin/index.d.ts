import type { AlgorithmPlugin } from '@policy-arena/core';

/** Basic random search (ARS V1) over the policy parameters. */
declare const randomSearch: AlgorithmPlugin;
export default randomSearch;
