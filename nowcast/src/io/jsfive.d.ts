// The parts of jsfive (pure-JS HDF5 reader, no bundled types) the readers use.
declare module "jsfive" {
  export type Attributes = Record<string, unknown>;
  export class Dataset {
    readonly shape: number[];
    readonly dtype: string | unknown;
    readonly attrs: Attributes;
    readonly value: ArrayLike<number>;
  }
  export class Group {
    readonly keys: string[];
    readonly attrs: Attributes;
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
