import { distanceKm } from "../places/gazetteer";

export interface IndexedLocation {
  id: number;
  name: string;
  country: string | null;
  lat: number;
  lon: number;
}

// Grid cells of 0.2 degrees latitude (~22 km); longitude cells widen with
// latitude so that cells stay roughly square.
const CELL_LAT_DEG = 0.2;
const KM_PER_DEG_LAT = 111.2;

/** A uniform-grid spatial index of cached locations for nearest-within-radius queries. */
export class LocationIndex {
  private readonly cells = new Map<string, IndexedLocation[]>();
  readonly size: number;

  constructor(locations: readonly IndexedLocation[]) {
    for (const location of locations) {
      const key = this.cellKey(this.row(location.lat), this.col(location.lat, location.lon));
      const cell = this.cells.get(key);
      if (cell) cell.push(location);
      else this.cells.set(key, [location]);
    }
    this.size = locations.length;
  }

  private row(lat: number): number {
    return Math.floor(lat / CELL_LAT_DEG);
  }

  private lonCellDeg(row: number): number {
    const midLat = Math.min(89, Math.abs((row + 0.5) * CELL_LAT_DEG));
    return CELL_LAT_DEG / Math.max(0.05, Math.cos((midLat * Math.PI) / 180));
  }

  private col(lat: number, lon: number): number {
    return Math.floor(lon / this.lonCellDeg(this.row(lat)));
  }

  private cellKey(row: number, col: number): string {
    return `${row}:${col}`;
  }

  /** The nearest location within radiusKm, or null. */
  nearest(lat: number, lon: number, radiusKm: number): { location: IndexedLocation; distanceKm: number } | null {
    const rowSpan = Math.ceil(radiusKm / (CELL_LAT_DEG * KM_PER_DEG_LAT));
    const centreRow = this.row(lat);
    let best: IndexedLocation | null = null;
    let bestKm = Infinity;
    for (let row = centreRow - rowSpan; row <= centreRow + rowSpan; row++) {
      const lonCell = this.lonCellDeg(row);
      const kmPerCol = Math.max(1e-3, lonCell * KM_PER_DEG_LAT * Math.cos((Math.min(89, Math.abs(lat)) * Math.PI) / 180));
      const colSpan = Math.ceil(radiusKm / kmPerCol) + 1;
      const centreCol = Math.floor(lon / lonCell);
      for (let col = centreCol - colSpan; col <= centreCol + colSpan; col++) {
        for (const location of this.cells.get(this.cellKey(row, col)) ?? []) {
          const km = distanceKm(lat, lon, location.lat, location.lon);
          if (km <= radiusKm && km < bestKm) {
            best = location;
            bestKm = km;
          }
        }
      }
    }
    return best ? { location: best, distanceKm: bestKm } : null;
  }
}
