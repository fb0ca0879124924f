"""PyTorch reference for `npm run bench`: the disentangler (K = 2, 3×3, per-sample hidden std, Adam with weight
decay 1e-4 on the convs) trained for whole epochs of random batches, exactly the network of
src/engine/compute/types.ts. Prints one JSON line: {"epochSeconds", "stepSeconds", "cpuSecondsPerEpoch", "maxRssMB"}.

Usage: /usr/bin/python3 bench/torch_ref.py --n 64 --hw 14 --c 128 --batches 4 --epochs 3 --threads 2
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Disentangler(nn.Module):
    def __init__(self, ca, cb, orders=2, kernel=3):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(ca, cb if i == orders else ca, kernel, padding=kernel // 2, bias=False) for i in range(orders + 1))
        for conv in self.convs:
            nn.init.kaiming_normal_(conv.weight, mode="fan_out")
        self.beta = nn.Parameter(torch.zeros(orders))

    def forward(self, x):
        p = torch.sigmoid(self.beta)
        h = self.convs[0](x)
        for i in range(1, len(self.convs)):
            with torch.no_grad():
                s = torch.sqrt(h.var(dim=(2, 3), unbiased=False, keepdim=True) + 1e-5)
            h = self.convs[i](x + p[i - 1] * F.relu(h / s))
        return h, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--hw", type=int, required=True)
    ap.add_argument("--c", type=int, required=True)
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    shape = (args.n, args.c, args.hw, args.hw)
    xs = [torch.randn(shape) for _ in range(args.batches)]
    ys = [torch.randn(shape) for _ in range(args.batches)]
    model = Disentangler(args.c, args.c)
    opt = torch.optim.Adam(
        [{"params": model.convs.parameters(), "weight_decay": 1e-4}, {"params": [model.beta], "weight_decay": 0}], lr=1e-4)
    alpha = 0.1

    def step(x, y):
        opt.zero_grad()
        g, p = model(x)
        loss = ((g - y) ** 2).mean() + alpha * (p ** 2).sum()
        loss.backward()
        opt.step()
        return loss.item()

    step(xs[0], ys[0])  # warm-up (allocator, kernel selection)
    seconds, steps = [], []
    cpu0 = time.process_time()
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        for x, y in zip(xs, ys):
            s0 = time.perf_counter()
            step(x, y)
            steps.append(time.perf_counter() - s0)
        seconds.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / args.epochs
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"epochSeconds": seconds, "stepSeconds": steps, "cpuSecondsPerEpoch": cpu, "maxRssMB": max_rss_mb,
                      "torch": torch.__version__, "threads": args.threads}))


if __name__ == "__main__":
    main()
