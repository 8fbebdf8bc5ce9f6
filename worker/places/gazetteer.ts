import data from "./gazetteer.data.json";

/** Columnar place data, as written by build-gazetteer.ts (sorted by population, largest first). */
export interface GazetteerData {
  source: string;
  ids: number[];
  names: string[];
  altNames: string[];
  countries: string[];
  lat: number[];
  lon: number[];
  population: number[];
}

export interface Place {
  geonameId: number;
  name: string;
  country: string;
  lat: number;
  lon: number;
  population: number;
}

export interface PlaceMatch extends Place {
  score: number;
}

/** Lowercase, accents removed, punctuation to spaces: "Jyväskylä" and "jyvaskyla" match. */
export function normalizeName(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const EARTH_RADIUS_KM = 6371.0088;
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Optimal-string-alignment distance, giving up (returning limit + 1) once it must exceed limit. */
function editDistance(a: string, b: string, limit: number, rows: Int32Array[]): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  let p2 = prev2, p1 = prev, c = cur;
  for (let i = 1; i <= a.length; i++) {
    c[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(p1[j]! + 1, c[j - 1]! + 1, p1[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, p2[j - 2]! + 1);
      }
      c[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = p2; p2 = p1; p1 = c; c = t;
  }
  return p1[b.length]!;
}

const CELL_DEG = 1;

export class Gazetteer {
  readonly size: number;
  readonly source: string;
  private readonly names: string[];
  private readonly keys: string[];
  private readonly altKeys: string[];
  private readonly cells = new Map<string, number[]>();
  private readonly byId = new Map<number, number>();
  private readonly rows = [new Int32Array(128), new Int32Array(128), new Int32Array(128)];

  constructor(private readonly data: GazetteerData) {
    this.size = data.ids.length;
    this.source = data.source;
    this.names = data.names;
    this.keys = data.names.map(normalizeName);
    this.altKeys = data.altNames.map(normalizeName);
    for (let i = 0; i < this.size; i++) {
      this.byId.set(data.ids[i]!, i);
      const key = this.cellKey(data.lat[i]!, data.lon[i]!);
      const cell = this.cells.get(key);
      if (cell) cell.push(i);
      else this.cells.set(key, [i]);
    }
  }

  private cellKey(lat: number, lon: number): string {
    return `${Math.floor(lat / CELL_DEG)}:${Math.floor(lon / CELL_DEG)}`;
  }

  private place(i: number): Place {
    const d = this.data;
    return { geonameId: d.ids[i]!, name: this.names[i]!, country: d.countries[i]!, lat: d.lat[i]!, lon: d.lon[i]!, population: d.population[i]! };
  }

  /** The most populous places inside a lon/lat box, largest first (the data is sorted so). */
  largestWithin(west: number, south: number, east: number, north: number, limit: number): Place[] {
    const d = this.data;
    const out: Place[] = [];
    for (let i = 0; i < this.size && out.length < limit; i++) {
      const lat = d.lat[i]!, lon = d.lon[i]!;
      if (lon >= west && lon <= east && lat >= south && lat <= north) out.push(this.place(i));
    }
    return out;
  }

  get(geonameId: number): Place | undefined {
    const i = this.byId.get(geonameId);
    return i === undefined ? undefined : this.place(i);
  }

  private textScore(key: string, query: string): number {
    if (!key) return 0;
    if (key === query) return 1000;
    if (key.startsWith(query)) return 700 + (100 * query.length) / key.length;
    if (key.includes(` ${query}`)) return 550;
    if (query.length >= 3) {
      // Typos: compare with the name's prefix of the query's length, and with the whole name.
      const limit = query.length <= 5 ? 1 : 2;
      const rows = this.rows;
      if (rows[0]!.length <= Math.max(key.length, query.length)) return 0;
      const d = Math.min(
        editDistance(query, key.slice(0, query.length), limit, rows),
        editDistance(query, key, limit, rows),
      );
      if (d <= limit) return 450 - 150 * d;
    }
    return 0;
  }

  /** Every place, most populous first (the data is stored in that order). */
  *byPopulation(): Generator<Place> {
    for (let i = 0; i < this.size; i++) yield this.place(i);
  }

  /**
   * Ranked matches: exact, then prefix, then word prefix, then within 1-2
   * typos; population breaks near-ties, and `boost` (e.g. inside the radar's
   * coverage) lifts the places the product can serve.
   */
  search(query: string, limit = 10, boost?: (lat: number, lon: number) => number): PlaceMatch[] {
    const q = normalizeName(query);
    if (!q) return [];
    const matches: { i: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) {
      const text = Math.max(this.textScore(this.keys[i]!, q), this.textScore(this.altKeys[i]!, q) - 5);
      if (text > 0) {
        const extra = boost ? boost(this.data.lat[i]!, this.data.lon[i]!) : 0;
        matches.push({ i, score: text + extra + 40 * Math.log10(Math.max(1, this.data.population[i]!)) });
      }
    }
    matches.sort((a, b) => b.score - a.score);
    return matches.slice(0, limit).map(({ i, score }) => ({ ...this.place(i), score: Math.round(score) }));
  }

  /** The nearest place to a position, with its distance; searches outward cell ring by cell ring. */
  nearest(lat: number, lon: number, maxKm = 200): (Place & { distanceKm: number }) | null {
    const cellLat = Math.floor(lat / CELL_DEG);
    const cellLon = Math.floor(lon / CELL_DEG);
    let best = -1;
    let bestKm = Infinity;
    for (let ring = 0; ring <= 3; ring++) {
      for (let dLat = -ring; dLat <= ring; dLat++) {
        for (let dLon = -ring; dLon <= ring; dLon++) {
          if (Math.max(Math.abs(dLat), Math.abs(dLon)) !== ring) continue;
          for (const i of this.cells.get(`${cellLat + dLat}:${cellLon + dLon}`) ?? []) {
            const km = distanceKm(lat, lon, this.data.lat[i]!, this.data.lon[i]!);
            if (km < bestKm) {
              bestKm = km;
              best = i;
            }
          }
        }
      }
      // A ring of 1-degree cells is at least ~ring*50 km away at these latitudes' longitudes; stop once found.
      if (best >= 0 && bestKm <= ring * 50) break;
    }
    if (best < 0 || bestKm > maxKm) return null;
    return { ...this.place(best), distanceKm: bestKm };
  }
}

let shared: Gazetteer | undefined;
/** Built once per isolate on first use. */
export function gazetteer(): Gazetteer {
  shared ??= new Gazetteer(data as GazetteerData);
  return shared;
}
