// The local product's memory as bench:soak reports it (Linux /proc). wrangler dev runs two workerd
// processes: the runtime that hosts the Worker's isolate, and wrangler's dev proxy (the entry port
// and the DevTools inspector proxy). Their resident sets include what wrangler's tooling keeps, so
// beside them this reads the isolate's own V8 heap as DevTools does, through wrangler's inspector
// proxy: that heap is what a deployed Worker has (128 MB an isolate), and what grows if the
// Worker's code leaks. (Until a DevTools client attaches, wrangler's proxy keeps every message the
// runtime's inspector sends it, each console line included; attached, it forwards them, and this
// client reads and drops them.)
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import WebSocket from "ws";

export interface WorkerdProcess {
  pid: number;
  role: "runtime" | "dev_proxy";
  rssMb: number;
}

/** Every workerd process of a process group, with its resident set in MB. */
export function workerdProcesses(processGroup: number): WorkerdProcess[] {
  const found: WorkerdProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid pgrp ...
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (name !== "workerd" || pgrp !== processGroup) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      // wrangler starts the runtime with an inspector of its own; its dev proxy has none.
      const role = args.some((a) => a.startsWith("--inspector-addr")) ? "runtime" : "dev_proxy";
      if (rss) found.push({ pid: Number(entry), role, rssMb: Math.round(Number(rss[1]) / 1024) });
    } catch {
      // The process ended between listing and reading.
    }
  }
  if (found.length === 0) throw new Error(`no workerd process found in process group ${processGroup}`);
  return found;
}

/** TCP ports a process listens on: its socket inodes matched against /proc/net/tcp's LISTEN rows. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is the tenth column.
    if (cols.length > 9 && cols[3] === "0A" && inodes.has(cols[9]!)) ports.push(parseInt(cols[1]!.split(":")[1]!, 16));
  }
  return ports;
}

/** A DevTools session on the Worker that reads the isolate's heap (Runtime.getHeapUsage). */
export class IsolateHeap {
  private nextId = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(
    private readonly socket: WebSocket,
    private readonly wake: () => void,
  ) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined && message.result) this.pending.get(message.id)?.(message.result);
    });
  }

  /** Connects to wrangler's inspector proxy, found among the stack's dev proxy process's listening ports. */
  static async connect(processGroup: number, baseUrl: string): Promise<IsolateHeap> {
    const devProxy = workerdProcesses(processGroup).find((p) => p.role === "dev_proxy");
    if (!devProxy) throw new Error("no wrangler dev proxy process (workerd without an inspector of its own) in the stack");
    for (const port of listeningPorts(devProxy.pid)) {
      const targets = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(2000) })
        .then((r) => (r.ok ? (r.json() as Promise<{ webSocketDebuggerUrl?: string }[]>) : []))
        .catch(() => []);
      const url = Array.isArray(targets) ? targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl : undefined;
      if (!url) continue;
      // The proxy takes DevTools connections from a local Origin only.
      const socket = new WebSocket(url, { headers: { Origin: "http://localhost" } });
      await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
      socket.send(JSON.stringify({ id: 0, method: "Runtime.enable" }));
      // An isolate that has been idle a while answers the inspector only once it runs again: a
      // request a second, while an answer is awaited, wakes it (GET /api/ping, a 401 without a token).
      return new IsolateHeap(socket, () => void fetch(`${baseUrl}/api/ping`).then((r) => r.body?.cancel()).catch(() => {}));
    }
    throw new Error(`no DevTools inspector found on wrangler's dev proxy (process ${devProxy.pid})`);
  }

  private call<T>(method: string): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const waker = setInterval(this.wake, 1000);
      const timer = setTimeout(() => {
        clearInterval(waker);
        this.pending.delete(id);
        reject(new Error(`the inspector did not answer ${method} in 30 s`));
      }, 30_000);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        clearInterval(waker);
        this.pending.delete(id);
        resolve(result as T);
      });
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  /** Used V8 heap in MB after a full collection, so garbage not yet collected does not count. */
  async usedMb(): Promise<number> {
    await this.call("HeapProfiler.collectGarbage");
    const usage = await this.call<{ usedSize: number }>("Runtime.getHeapUsage");
    return Math.round((usage.usedSize / 1024 / 1024) * 10) / 10;
  }

  close(): void {
    this.socket.close();
  }
}
