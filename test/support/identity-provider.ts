// A small external identity provider for the tests, run by vitest's globalSetup
// in Node: it publishes a JWKS, signs tokens with its private keys, and can
// rotate to a new key, so the Worker's JWKS path is tested against a real server.
import { createServer, type Server } from "node:http";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from "jose";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export const IDP_ISSUER = "https://idp.example.test";
export const IDP_AUDIENCE = "nowcast-edge-api";

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicKey };
}

export async function startIdentityProvider(): Promise<{ url: string; close: () => Promise<void> }> {
  let keys: SigningKey[] = [await newKey("key-1")];
  // A key the provider never publishes: tokens signed with it carry an unknown kid.
  const unpublished = await newKey("key-unpublished");
  let generation = 1;

  async function readBody(req: import("node:http").IncomingMessage): Promise<Record<string, unknown>> {
    let text = "";
    for await (const chunk of req) text += chunk;
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "GET" && url.pathname === "/.well-known/jwks.json") {
        const jwks = await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: "RS256", use: "sig" })));
        return send(200, { keys: jwks });
      }
      if (req.method === "GET" && url.pathname === "/public.pem") return send(200, await exportSPKI(keys[0]!.publicKey), "text/plain");
      if (req.method === "GET" && url.pathname === "/current-kid") return send(200, { kid: keys[keys.length - 1]!.kid });
      if (req.method === "POST" && url.pathname === "/rotate") {
        generation += 1;
        keys = [...keys.slice(-1), await newKey(`key-${generation}`)];
        return send(200, { kids: keys.map((k) => k.kid) });
      }
      if (req.method === "POST" && url.pathname === "/sign") {
        // body: { claims, kid?, unpublished?, expiresIn? }
        const body = await readBody(req);
        const key = body.unpublished ? unpublished : (keys.find((k) => k.kid === body.kid) ?? keys[keys.length - 1]!);
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: IDP_ISSUER, aud: IDP_AUDIENCE, iat: now, exp: now + 300, ...(body.claims as JWTPayload) };
        const token = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" }).sign(key.privateKey);
        return send(200, { token });
      }
      send(404, { error: "not found" });
    } catch (error) {
      send(500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("identity provider did not bind a port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
