// The API reference page's library: Redoc's standalone bundle, from the site's own origin
// (vite.config.ts emits it), loaded after first paint and rendered with the site's colours.
import redocSrc from "virtual:redoc-standalone";

interface RedocGlobal {
  init(spec: object, options: object, element: HTMLElement, onLoaded?: (error?: Error) => void): void;
}

let loading: Promise<RedocGlobal> | null = null;

/** Adds the bundle's script once; its global `Redoc` is the library. */
export function loadRedoc(): Promise<RedocGlobal> {
  loading ??= new Promise<RedocGlobal>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = redocSrc;
    script.async = true;
    script.onload = () => {
      const redoc = (window as unknown as { Redoc?: RedocGlobal }).Redoc;
      if (redoc) resolve(redoc);
      else reject(new Error("the reference's script ran but did not define Redoc"));
    };
    script.onerror = () => reject(new Error("the reference's script could not be loaded"));
    document.head.appendChild(script);
  }).catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

// The site's palette (web/routes/+layout.svelte), as plain colours: Redoc derives shades from them,
// which CSS variables do not allow.
// (The light greens and reds are a shade darker than the site's: Redoc sets them on a tint of themselves.)
const LIGHT = { text: "#1b1f24", muted: "#57606a", panel: "#ffffff", border: "#d0d7de", link: "#0a55c2", good: "#116329", problem: "#a40e26", caution: "#9a3412", code: "#263238" };
const DARK = { text: "#e6edf3", muted: "#a3aeba", panel: "#161b22", border: "#3a424c", link: "#7cb4ff", good: "#56d364", problem: "#ff8a80", caution: "#ffa657", code: "#010409" };
const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Redoc's options: the site's fonts and colours, light or dark, and nothing that would need more than the site's CSP. */
export function redocOptions(dark: boolean): object {
  const c = dark ? DARK : LIGHT;
  return {
    // Redoc's search runs in a Worker made from a blob: URL, which the site's CSP (worker-src 'self') refuses.
    disableSearch: true,
    downloadUrls: [{ title: "OpenAPI JSON", url: "/api/openapi.json" }],
    expandResponses: "200",
    sortRequiredPropsFirst: true,
    hideLoading: true,
    theme: {
      colors: {
        primary: { main: c.link, light: c.link },
        success: { main: c.good },
        error: { main: c.problem },
        warning: { main: c.caution },
        text: { primary: c.text, secondary: c.muted },
        border: { dark: c.border, light: c.border },
        responses: {
          // color: the middle panel's response rows (on backgroundColor); tabTextColor: the samples' tabs on the dark right panel.
          success: { color: c.good, backgroundColor: dark ? "rgba(86, 211, 100, 0.1)" : "rgba(26, 127, 55, 0.07)", tabTextColor: "#56d364" },
          error: { color: c.problem, backgroundColor: dark ? "rgba(255, 138, 128, 0.1)" : "rgba(180, 35, 24, 0.07)", tabTextColor: "#ff8a80" },
          redirect: { color: c.caution, backgroundColor: dark ? "rgba(255, 166, 87, 0.1)" : "rgba(154, 52, 18, 0.07)", tabTextColor: "#ffa657" },
          info: { color: c.link, backgroundColor: dark ? "rgba(124, 180, 255, 0.1)" : "rgba(10, 85, 194, 0.07)", tabTextColor: "#7cb4ff" },
        },
      },
      typography: {
        fontFamily: FONT,
        headings: { fontFamily: FONT, fontWeight: "600" },
        code: { fontFamily: "ui-monospace, monospace", color: c.text, backgroundColor: dark ? "rgba(230, 237, 243, 0.1)" : "rgba(27, 31, 36, 0.06)" },
        links: { color: c.link, visited: c.link, hover: c.link },
      },
      schema: { nestedBackground: c.panel, linesColor: c.border, typeNameColor: c.muted, typeTitleColor: c.muted, requireLabelColor: c.problem },
      sidebar: { backgroundColor: c.panel, textColor: c.text, activeTextColor: c.link },
      rightPanel: { backgroundColor: c.code, textColor: "#ffffff" },
      fab: { backgroundColor: c.panel, color: c.link },
    },
  };
}

/**
 * Redoc names each menu entry by its summary alone (aria-label) while the entry shows the method too;
 * the accessible name must contain the visible words (WCAG 2.5.3), so the entry's own text names it.
 */
export function nameMenuItemsByTheirText(root: HTMLElement): void {
  for (const item of root.querySelectorAll("li[role=menuitem][aria-label]")) item.removeAttribute("aria-label");
}
