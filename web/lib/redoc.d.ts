// The URL of Redoc's standalone bundle on the site's own origin (vite.config.ts emits it).
declare module "virtual:redoc-standalone" {
  const src: string;
  export default src;
}
