#!/usr/bin/env python3
"""Writes natural-photo probe images: random crops of the colour photos that ship with Debian's scikit-image
(python3-skimage: astronaut, cat, coffee, rocket, motorcycle, ...), for benchmarks and tests on real models.

    /usr/bin/python3 scripts/photo_probes.py <out folder> [--count 500] [--size 224] [--seed 0]

Each crop covers 35–100 % of the shorter side of its photo, at a random place, maybe mirrored, resized to size×size
PNG. Nothing is downloaded and no image data is committed: the photos come from the Debian package.
"""
import argparse
import os
import random

from PIL import Image
import skimage.data

PHOTOS = ['astronaut', 'chelsea', 'coffee', 'rocket', 'motorcycle_left', 'motorcycle_right', 'hubble_deep_field',
          'retina', 'immunohistochemistry', 'colorwheel', 'cat', 'logo']


def photos():
    out = []
    for name in PHOTOS:
        load = getattr(skimage.data, name, None)
        if load is None:
            continue
        try:
            img = load()
        except Exception:  # a photo missing from this version of the package
            continue
        if img.ndim == 3 and img.shape[2] >= 3:
            out.append((name, Image.fromarray(img[:, :, :3])))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--count', type=int, default=500)
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sources = photos()
    if not sources:
        raise SystemExit('photo_probes: no colour photos in skimage.data (apt-get install python3-skimage)')
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.count):
        name, img = sources[i % len(sources)]
        w, h = img.size
        side = int(min(w, h) * rng.uniform(0.35, 1.0))
        x, y = rng.randint(0, w - side), rng.randint(0, h - side)
        crop = img.crop((x, y, x + side, y + side)).resize((a.size, a.size), Image.BILINEAR)
        if rng.random() < 0.5:
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        crop.save(os.path.join(a.out, '%s-%04d.png' % (name, i)))
    print('photo_probes: %d crops of %d photos (%s) in %s' % (a.count, len(sources), ', '.join(n for n, _ in sources), a.out))


if __name__ == '__main__':
    main()
