// The SvelteKit build output (`vite build`) the entry imports.
declare module "*/.svelte-kit/cloudflare/_worker.js" {
  const worker: { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };
  export default worker;
}
