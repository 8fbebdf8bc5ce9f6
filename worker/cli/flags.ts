/**
 * Reads `--name value` pairs. Unlike node:util parseArgs it takes a value that
 * starts with a dash (`--ttl -60`), which the token CLI needs for expired tokens.
 */
export function parseFlags(argv: readonly string[], names: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : "";
    if (!names.includes(name)) throw new Error(`unknown argument ${arg} (expected ${names.map((n) => `--${n}`).join(", ")})`);
    const inline = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : undefined;
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}
