// Light or dark: the system's setting unless the reader chose one with the header's toggle.
// The choice lives in the `theme` cookie, so the server renders <html data-theme=…> itself
// (web/hooks.server.ts) and no page flashes the wrong colours; CSS reads the attribute, or
// prefers-color-scheme when it is absent.
export type ThemeChoice = "system" | "light" | "dark";

export const theme = $state<{ choice: ThemeChoice; dark: boolean }>({ choice: "system", dark: false });

export function parseTheme(value: string | undefined | null): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

/** Reads the server-rendered choice and follows the system setting while it is "system". */
export function useTheme(): () => void {
  const query = matchMedia("(prefers-color-scheme: dark)");
  theme.choice = parseTheme(document.documentElement.dataset.theme);
  const update = () => (theme.dark = theme.choice === "dark" || (theme.choice === "system" && query.matches));
  update();
  query.addEventListener("change", update);
  return () => query.removeEventListener("change", update);
}

export function chooseTheme(choice: ThemeChoice): void {
  theme.choice = choice;
  theme.dark = choice === "dark" || (choice === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  document.cookie = choice === "system" ? "theme=; path=/; max-age=0; samesite=lax" : `theme=${choice}; path=/; max-age=31536000; samesite=lax`;
}
