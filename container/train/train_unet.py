# A larger learned nowcaster, trained on a GPU (PyTorch): a small U-Net that predicts the next
# radar frame from the last three, in normalised rain-rate decibels, trained autoregressively
# (unrolled over several leads) on the real FMI composites. Exported as ONNX with the same
# metadata contract as the TypeScript-trained model (container/train/train.ts), so the
# inference container loads either the same way.
#
#   python3 container/train/train_unet.py --frames DIR --out OUTDIR [--train-until 201609281600]
#
# Frames observed after --train-until are never seen in training; the script reports its own
# masked MSE on them for the record, and the repository's skill benchmark (bench:skill --from)
# scores the exported model on the same held-out start times.
import argparse
import gzip
import json
import math
import os
import re
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FMI_ZR = {"a": 223.0, "b": 1.53}
THRESHOLD_MM_PER_HOUR = 0.1
ZERO_DB = -15.0
OFFSET_DB = 15.0
SCALE = 1.0 / 25.0
PAST = 3


def read_fmi(path):
    data = gzip.open(path).read()
    pos = 2
    comments = {}
    tokens = []
    while len(tokens) < 3:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            end = data.index(b"\n", pos)
            line = data[pos + 1 : end].decode("latin1").strip().split(None, 1)
            if line:
                comments.setdefault(line[0], line[1] if len(line) > 1 else "")
            pos = end + 1
            continue
        start = pos
        while data[pos : pos + 1].isdigit():
            pos += 1
        tokens.append(int(data[start:pos]))
    pos += 1
    width, height, _ = tokens
    samples = np.frombuffer(data, dtype=np.uint8, count=width * height, offset=pos).reshape(height, width)
    dbz = (samples.astype(np.float32) - 64.0) / 2.0
    dbz[samples == 255] = np.nan
    return comments["obstime"], dbz


def normalise(dbz):
    """dBZ -> (pySTEPS dB of rain rate + 15) / 25, no data -> 0 (dry), plus the no-data mask."""
    dbr = (dbz - 10.0 * math.log10(FMI_ZR["a"])) / FMI_ZR["b"]
    dbr = np.where(dbr < 10.0 * math.log10(THRESHOLD_MM_PER_HOUR), ZERO_DB, dbr)
    x = (dbr + OFFSET_DB) * SCALE
    missing = np.isnan(dbz)
    return np.where(missing, 0.0, x).astype(np.float32), missing


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.SiLU(),
            nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.SiLU(),
        )

    def forward(self, x):
        return self.net(x)


class UNet(nn.Module):
    """Four levels (three poolings: inputs must be multiples of 8); output = last frame + residual."""

    def __init__(self, base=16):
        super().__init__()
        c = [base, base * 2, base * 4, base * 8]
        self.enc = nn.ModuleList([Block(PAST, c[0]), Block(c[0], c[1]), Block(c[1], c[2]), Block(c[2], c[3])])
        self.up = nn.ModuleList([nn.ConvTranspose2d(c[i + 1], c[i], 2, stride=2) for i in range(3)])
        self.dec = nn.ModuleList([Block(c[i] * 2, c[i]) for i in range(3)])
        self.head = nn.Conv2d(c[0], 1, 1)

    def forward(self, x):
        skips = []
        h = x
        for i, block in enumerate(self.enc):
            h = block(h)
            if i < 3:
                skips.append(h)
                h = F.max_pool2d(h, 2)
        for i in reversed(range(3)):
            h = self.up[i](h)
            h = self.dec[i](torch.cat([h, skips[i]], dim=1))
        return x[:, PAST - 1 : PAST] + self.head(h)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--name", default="unet-gpu")
    parser.add_argument("--train-until", default="201609281600", help="newest obstime (YYYYMMDDHHMM) used in training")
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--crop", type=int, default=256)
    parser.add_argument("--unroll", type=int, default=6)
    parser.add_argument("--base", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    device = "cuda" if torch.cuda.is_available() else "cpu"

    files = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(args.frames)
        for name in names
        if name.endswith(".pgm.gz")
    )
    frames = sorted((read_fmi(f) for f in files), key=lambda t: t[0])
    times = [t for t, _ in frames]
    x_all = np.stack([normalise(d)[0] for _, d in frames])
    missing_all = np.stack([normalise(d)[1] for _, d in frames])
    train_count = sum(1 for t in times if t <= args.train_until)
    print(json.dumps({"frames": len(times), "first": times[0], "last": times[-1], "train_frames": train_count, "shape": list(x_all.shape)}), flush=True)

    # Training sequences: PAST inputs + unroll targets, all within the training frames.
    starts = [s for s in range(0, train_count - PAST - args.unroll + 1)]
    H, W = x_all.shape[1:]
    x_gpu = torch.from_numpy(x_all).to(device)
    valid_gpu = torch.from_numpy(~missing_all).to(device)

    model = UNet(args.base).to(device)
    params = sum(p.numel() for p in model.parameters())
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=args.iterations, pct_start=0.1)
    started = time.time()
    for it in range(args.iterations):
        batch_x, batch_valid = [], []
        for _ in range(args.batch):
            s = starts[rng.integers(len(starts))]
            r = rng.integers(0, H - args.crop + 1)
            c = rng.integers(0, W - args.crop + 1)
            seq = x_gpu[s : s + PAST + args.unroll, r : r + args.crop, c : c + args.crop]
            val = valid_gpu[s : s + PAST + args.unroll, r : r + args.crop, c : c + args.crop]
            k = int(rng.integers(4))
            seq, val = torch.rot90(seq, k, (1, 2)), torch.rot90(val, k, (1, 2))
            if rng.integers(2):
                seq, val = torch.flip(seq, (2,)), torch.flip(val, (2,))
            batch_x.append(seq)
            batch_valid.append(val)
        seq = torch.stack(batch_x)
        val = torch.stack(batch_valid)
        # A pixel counts where every input frame and the target have data.
        inputs_valid = val[:, :PAST].all(dim=1)
        window = seq[:, :PAST]
        loss = 0.0
        for step in range(args.unroll):
            pred = model(window)
            target = seq[:, PAST + step : PAST + step + 1]
            mask = (inputs_valid & val[:, PAST + step]).unsqueeze(1).float()
            loss = loss + ((pred - target) ** 2 * mask).sum() / mask.sum().clamp(min=1)
            window = torch.cat([window[:, 1:], pred.clamp(min=0)], dim=1)
        loss = loss / args.unroll
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if it % 100 == 0 or it == args.iterations - 1:
            print(json.dumps({"iteration": it, "loss": round(loss.item(), 6), "seconds": round(time.time() - started, 1)}), flush=True)
    train_seconds = time.time() - started

    # Held-out check: analyses whose past frames all come after the training frames.
    model.eval()
    pad_h, pad_w = (-H) % 8, (-W) % 8
    held_out = []
    leads = 12
    with torch.no_grad():
        mse_model = np.zeros(leads)
        mse_persist = np.zeros(leads)
        count = 0
        for a in range(train_count + PAST - 1, len(times) - leads):
            window = F.pad(x_gpu[a - PAST + 1 : a + 1].unsqueeze(0), (0, pad_w, 0, pad_h))
            inputs_valid = valid_gpu[a - PAST + 1 : a + 1].all(dim=0)
            for k in range(leads):
                pred = model(window)
                target = x_gpu[a + 1 + k]
                mask = inputs_valid & valid_gpu[a + 1 + k]
                mse_model[k] += (((pred[0, 0, :H, :W] - target) ** 2)[mask]).mean().item()
                mse_persist[k] += (((x_gpu[a] - target) ** 2)[mask]).mean().item()
                window = torch.cat([window[:, 1:], pred.clamp(min=0)], dim=1)
            held_out.append(times[a])
            count += 1
    evaluation = {
        "analyses": held_out,
        "mse_normalised_by_lead": {"unet": [round(v / count, 6) for v in mse_model], "persistence": [round(v / count, 6) for v in mse_persist]},
    }
    print(json.dumps(evaluation), flush=True)

    # ONNX export: float32, one batch, any height and width that are multiples of 8.
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f"{args.name}.onnx")
    cpu_model = model.to("cpu").eval()
    dummy = torch.zeros(1, PAST, 256, 256)
    try:
        torch.onnx.export(
            cpu_model, (dummy,), onnx_path, input_names=["past"], output_names=["next"], opset_version=17,
            dynamic_axes={"past": {2: "height", 3: "width"}, "next": {2: "height", 3: "width"}}, dynamo=False,
        )
    except Exception as error:  # the TorchScript exporter may be gone: fall back to dynamo
        print(f"legacy export failed ({error}); using dynamo", flush=True)
        torch.onnx.export(
            cpu_model, (dummy,), onnx_path, input_names=["past"], output_names=["next"], opset_version=18,
            dynamic_shapes={"x": {2: torch.export.Dim("height", min=8, max=4096), 3: torch.export.Dim("width", min=8, max=4096)}},
            dynamo=True, external_data=False,
        )
    import onnxruntime as ort

    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    sample = x_all[train_count : train_count + PAST, 400:656, 300:556][None]
    ort_out = session.run(None, {"past": sample})[0]
    torch_out = cpu_model(torch.from_numpy(sample)).detach().numpy()
    max_diff = float(np.abs(ort_out - torch_out).max())

    metadata = {
        "format": "nowcast-edge/learned-model@1",
        "name": args.name,
        "onnx": f"{args.name}.onnx",
        "description": f"U-Net ({params} parameters, base {args.base} channels, 4 levels) predicting the next frame from the last {PAST}, "
        "as the last frame plus a residual, in normalised rain-rate dB; applied autoregressively.",
        "input": {"name": "past", "frames": PAST, "layout": "NCHW"},
        "output": {"name": "next", "layout": "NCHW"},
        "sizeMultiple": 8,
        "stepMinutes": 5,
        "leads": 12,
        "normalization": {
            "kind": "rain-db",
            "zr": FMI_ZR,
            "thresholdMmPerHour": THRESHOLD_MM_PER_HOUR,
            "zeroDb": ZERO_DB,
            "offsetDb": OFFSET_DB,
            "scale": SCALE,
            "noDataInput": 0,
            "dryDbz": -32,
        },
        "training": {
            "framework": f"pytorch {torch.__version__}",
            "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
            "frames": {"source": "fmi", "from": times[0], "to": times[train_count - 1], "count": train_count},
            "heldOutFrom": times[train_count] if train_count < len(times) else None,
            "iterations": args.iterations,
            "batch": args.batch,
            "cropPx": args.crop,
            "unroll": args.unroll,
            "loss": "masked MSE in normalised dB, mean over the unrolled leads",
            "seconds": round(train_seconds, 1),
            "finalLoss": round(loss.item(), 6),
            "heldOutMse": evaluation["mse_normalised_by_lead"],
            "onnxMaxAbsDiff": max_diff,
        },
    }
    with open(os.path.join(args.out, f"{args.name}.json"), "w") as f:
        json.dump(metadata, f, indent=2)
    print(json.dumps({"params": params, "onnx_bytes": os.path.getsize(onnx_path), "onnx_max_abs_diff": max_diff, "train_seconds": round(train_seconds, 1)}), flush=True)


if __name__ == "__main__":
    main()
