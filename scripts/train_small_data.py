#!/usr/bin/env python3
"""Trains MNIST CNNs on little data for the refinement experiment (docs/experiments.md, "Refinement").

    /usr/bin/python3 scripts/train_small_data.py [--out /tmp/kc-small-data] [--sizes 500,1000,2000] [--seeds 11,12]

The sample architecture (`mnist-cnn`, scripts/train_samples.py) trained on the first N MNIST training images, to
convergence (40000 / N epochs: the same number of steps for every N), seeds as given. Writes
<out>/mnist-cnn-n<N>-s<seed>/model.onnx (the samples' ONNX export: opset 13, values named after layers) and
meta.json with the accuracy on the full MNIST test set. Not bundled: the experiment trains them when it runs.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_samples as ts  # noqa: E402  (the samples' data, architecture, training loop and exporter)

STEPS_BUDGET = 40000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='/tmp/kc-small-data')
    parser.add_argument('--sizes', default='500,1000,2000')
    parser.add_argument('--seeds', default='11,12')
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    data = ts.load_mnist()
    arch = ts.ARCHS['mnist-cnn']
    for size in [int(s) for s in args.sizes.split(',')]:
        epochs = max(1, STEPS_BUDGET // size)
        for seed in [int(s) for s in args.seeds.split(',')]:
            start = time.time()
            torch.manual_seed(seed)
            model = ts.Net(arch)
            ts.train(model, data, epochs, seed, train_size=size)
            model.eval()
            name = 'mnist-cnn-n%d-s%d' % (size, seed)
            out = os.path.join(args.out, name)
            os.makedirs(out, exist_ok=True)
            ts.export_onnx(model, arch, os.path.join(out, 'model.onnx'))
            meta = {'name': name, 'architecture': 'mnist-cnn', 'seed': seed, 'trainSize': size, 'epochs': epochs,
                    'testAccuracy': ts.accuracy(model, data)}
            with open(os.path.join(out, 'meta.json'), 'w') as f:
                json.dump(meta, f, indent=2)
                f.write('\n')
            print('%-22s %4d images %3d epochs  acc %.4f  %.1fs' % (name, size, epochs, meta['testAccuracy'],
                                                                      time.time() - start), flush=True)


if __name__ == '__main__':
    main()
