"""PyTorch reference for `npm run bench`: every layer's output of the sample CNN of bench/extract.ts (rebuilt in
torch from the ONNX file's weights) on 2000 images, batches of 250, 2 threads, NCHW as torch computes them (kept,
not converted). Steady state like extract.ts: one untimed warm-up batch. Prints {"imagesPerSecond", "seconds",
"cpuSecondsPerEpoch" (user + sys of the timed span), "maxRssMB"}.
"""
import json
import resource
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

MODEL, IMAGES, BATCH = "samples/mnist-cnn-wide/model.onnx", 2000, 250


def torch_layers(path):
    m = onnx.load(path)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
    layers = []
    for node in m.graph.node:
        if node.op_type == "Conv":
            w = weights[node.input[1]]
            conv = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], padding=w.shape[2] // 2)
            conv.weight.data, conv.bias.data = w, weights[node.input[2]]
            layers.append(conv)
        elif node.op_type == "Gemm":
            w = weights[node.input[1]]
            lin = nn.Linear(w.shape[1], w.shape[0])
            lin.weight.data, lin.bias.data = w, weights[node.input[2]]
            layers.append(lin)
        elif node.op_type == "Relu":
            layers.append(nn.ReLU())
        elif node.op_type == "MaxPool":
            layers.append(nn.MaxPool2d(2))
        elif node.op_type == "Flatten":
            layers.append(nn.Flatten(1))
        else:
            raise SystemExit(f"extract_ref.py: op {node.op_type} not rebuilt")
    return layers


def main():
    torch.set_num_threads(2)
    layers = torch_layers(MODEL)
    rng = np.random.default_rng(5)
    batches = [torch.from_numpy(rng.random((BATCH, 1, 28, 28), dtype=np.float32)) for _ in range(IMAGES // BATCH)]

    def run(xs):
        with torch.no_grad():
            for x in xs:
                outputs = []
                for layer in layers:
                    x = layer(x)
                    outputs.append(x)

    run([torch.from_numpy(np.random.default_rng(11).random((BATCH, 1, 28, 28), dtype=np.float32))])
    t0, c0 = time.perf_counter(), time.process_time()
    run(batches)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"imagesPerSecond": IMAGES / seconds, "seconds": seconds, "cpuSecondsPerEpoch": cpu,
                      "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
