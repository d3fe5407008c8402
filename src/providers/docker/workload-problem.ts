/**
 * Why a workload contributes no servers, as a message that says how to fix it. Issues carry the
 * workload in `location` and the label in `key`; messages do not repeat them.
 */
export class WorkloadProblem extends Error {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}
