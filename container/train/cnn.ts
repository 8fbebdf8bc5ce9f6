// A tiny convolutional network with hand-written forward and backward passes on
// Float32Arrays: "valid" dilated convolutions (each layer shrinks the plane by its span),
// ReLU, and Adam. Enough to train a next-frame nowcaster on a laptop CPU in a minute.
import { Random } from "../../nowcast/src/noise/random.js";

export interface ConvLayer {
  cin: number;
  cout: number;
  kernel: number;
  dilation: number;
  relu: boolean;
  weights: Float32Array;
  bias: Float32Array;
  gradWeights: Float32Array;
  gradBias: Float32Array;
  adam: { mw: Float32Array; vw: Float32Array; mb: Float32Array; vb: Float32Array };
}

export function convLayer(cin: number, cout: number, kernel: number, dilation: number, relu: boolean, random: Random, gain = 1): ConvLayer {
  const n = cout * cin * kernel * kernel;
  // He initialisation (scaled by gain, e.g. small for the residual head).
  const std = gain * Math.sqrt(2 / (cin * kernel * kernel));
  const weights = new Float32Array(n).map(() => random.normal() * std);
  return {
    cin,
    cout,
    kernel,
    dilation,
    relu,
    weights,
    bias: new Float32Array(cout),
    gradWeights: new Float32Array(n),
    gradBias: new Float32Array(cout),
    adam: { mw: new Float32Array(n), vw: new Float32Array(n), mb: new Float32Array(cout), vb: new Float32Array(cout) },
  };
}

export const span = (layer: ConvLayer) => (layer.kernel - 1) * layer.dilation;

/** Valid convolution (+ ReLU): input cin x h x w -> output cout x (h - span) x (w - span). */
export function convForward(layer: ConvLayer, input: Float32Array, h: number, w: number): Float32Array {
  const { cin, cout, kernel, dilation, weights, bias } = layer;
  const ho = h - span(layer);
  const wo = w - span(layer);
  const out = new Float32Array(cout * ho * wo);
  for (let oc = 0; oc < cout; oc++) {
    const outBase = oc * ho * wo;
    out.fill(bias[oc]!, outBase, outBase + ho * wo);
    for (let ic = 0; ic < cin; ic++) {
      for (let ky = 0; ky < kernel; ky++) {
        for (let kx = 0; kx < kernel; kx++) {
          const wgt = weights[((oc * cin + ic) * kernel + ky) * kernel + kx]!;
          const inBase = ic * h * w + ky * dilation * w + kx * dilation;
          for (let y = 0; y < ho; y++) {
            const ib = inBase + y * w;
            const ob = outBase + y * wo;
            for (let x = 0; x < wo; x++) out[ob + x]! += wgt * input[ib + x]!;
          }
        }
      }
    }
  }
  if (layer.relu) for (let i = 0; i < out.length; i++) if (out[i]! < 0) out[i] = 0;
  return out;
}

/**
 * Backward of convForward: accumulates the layer's weight and bias gradients from gradOut
 * (gradient w.r.t. its output, after ReLU), and returns the gradient w.r.t. its input
 * (skipped for the first layer, whose input needs none).
 */
export function convBackward(
  layer: ConvLayer,
  input: Float32Array,
  output: Float32Array,
  gradOut: Float32Array,
  h: number,
  w: number,
  needInputGrad: boolean,
): Float32Array | null {
  const { cin, cout, kernel, dilation, weights, gradWeights, gradBias } = layer;
  const ho = h - span(layer);
  const wo = w - span(layer);
  if (layer.relu) for (let i = 0; i < gradOut.length; i++) if (output[i]! <= 0) gradOut[i] = 0;
  const gradIn = needInputGrad ? new Float32Array(cin * h * w) : null;
  for (let oc = 0; oc < cout; oc++) {
    const outBase = oc * ho * wo;
    let sum = 0;
    for (let i = outBase; i < outBase + ho * wo; i++) sum += gradOut[i]!;
    gradBias[oc]! += sum;
    for (let ic = 0; ic < cin; ic++) {
      for (let ky = 0; ky < kernel; ky++) {
        for (let kx = 0; kx < kernel; kx++) {
          const wi = ((oc * cin + ic) * kernel + ky) * kernel + kx;
          const wgt = weights[wi]!;
          const inBase = ic * h * w + ky * dilation * w + kx * dilation;
          let dot = 0;
          for (let y = 0; y < ho; y++) {
            const ib = inBase + y * w;
            const ob = outBase + y * wo;
            for (let x = 0; x < wo; x++) dot += gradOut[ob + x]! * input[ib + x]!;
            if (gradIn) for (let x = 0; x < wo; x++) gradIn[ib + x]! += wgt * gradOut[ob + x]!;
          }
          gradWeights[wi]! += dot;
        }
      }
    }
  }
  return gradIn;
}

export function zeroGrad(layers: ConvLayer[]): void {
  for (const layer of layers) {
    layer.gradWeights.fill(0);
    layer.gradBias.fill(0);
  }
}

/** One Adam step (step counts from 1), gradients divided by `batch`. */
export function adamStep(layers: ConvLayer[], step: number, learningRate: number, batch: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): void {
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const update = (param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array) => {
    for (let i = 0; i < param.length; i++) {
      const g = grad[i]! / batch;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      param[i]! -= (learningRate * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + epsilon);
    }
  };
  for (const layer of layers) {
    update(layer.weights, layer.gradWeights, layer.adam.mw, layer.adam.vw);
    update(layer.bias, layer.gradBias, layer.adam.mb, layer.adam.vb);
  }
}
