/** Retry delays grow with each attempt: 10 s, 20 s, 40 s ... capped at 10 min. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}
