/**
 * Lets the isolate's other requests run. A Worker isolate serves concurrent requests on one
 * thread, and a model run with its images (a miss, a background revalidation, a warm-up job)
 * is hundreds of milliseconds of CPU: done in one piece, every cache hit that arrives meanwhile
 * waits for all of it. Long work yields between its stages, so a hit waits one stage at most.
 */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
