// A minimal ONNX writer: just the protobuf messages of onnx.proto (ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto) that a small convolutional graph
// needs, encoded by hand (varints and length-delimited fields), so that training needs no
// Python and no protobuf dependency. Field numbers are those of onnx/onnx.proto.

class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

const DATA_TYPE = { float: 1, int64: 7 } as const;
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export type Attribute = number | string | number[] | { float: number } | { floats: number[] };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, Attribute>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** float32 data, or int64 data given as numbers. */
  data: Float32Array | { int64: number[] };
}

/** A value's type: float32 tensor with fixed sizes (numbers) or named symbolic ones (strings). */
export interface OnnxValue {
  name: string;
  shape: (number | string)[];
}

export interface OnnxModel {
  producer: string;
  opset: number;
  irVersion: number;
  graphName: string;
  docString?: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  metadata?: Record<string, string>;
}

function writeTensor(w: ProtoWriter, tensor: OnnxTensor): void {
  for (const d of tensor.dims) w.int(1, d);
  if (tensor.data instanceof Float32Array) {
    w.int(2, DATA_TYPE.float);
    w.string(8, tensor.name);
    const raw = new Uint8Array(tensor.data.length * 4);
    const view = new DataView(raw.buffer);
    tensor.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    w.bytes(9, raw);
  } else {
    w.int(2, DATA_TYPE.int64);
    w.string(8, tensor.name);
    const raw = new Uint8Array(tensor.data.int64.length * 8);
    const view = new DataView(raw.buffer);
    tensor.data.int64.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    w.bytes(9, raw);
  }
}

function writeAttribute(w: ProtoWriter, name: string, value: Attribute): void {
  w.string(1, name);
  if (typeof value === "number") w.int(3, value).int(20, ATTRIBUTE_TYPE.INT);
  else if (typeof value === "string") w.string(4, value).int(20, ATTRIBUTE_TYPE.STRING);
  else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTRIBUTE_TYPE.INTS);
  } else if ("float" in value) w.float(2, value.float).int(20, ATTRIBUTE_TYPE.FLOAT);
  else {
    for (const v of value.floats) w.float(7, v);
    w.int(20, ATTRIBUTE_TYPE.FLOATS);
  }
}

function writeValue(w: ProtoWriter, value: OnnxValue): void {
  w.string(1, value.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DATA_TYPE.float);
      tensor.message(2, (shape) => {
        for (const d of value.shape) shape.message(1, (dim) => (typeof d === "number" ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Serialises a model to the bytes of an .onnx file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producer);
  w.string(3, "1");
  w.message(7, (graph) => {
    for (const node of model.nodes) {
      graph.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        if (node.name) n.string(3, node.name);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) n.message(5, (a) => writeAttribute(a, name, value));
      });
    }
    graph.string(2, model.graphName);
    for (const tensor of model.initializers) graph.message(5, (t) => writeTensor(t, tensor));
    if (model.docString) graph.string(10, model.docString);
    for (const input of model.inputs) graph.message(11, (v) => writeValue(v, input));
    for (const output of model.outputs) graph.message(12, (v) => writeValue(v, output));
  });
  w.message(8, (opset) => opset.string(1, "").int(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata ?? {})) w.message(14, (entry) => entry.string(1, key).string(2, value));
  return w.finish();
}
