/**
 * MNIST digits are the default probe because the bundled samples are MNIST networks; fed to a colour model with a
 * larger input (a face detector, an ImageNet classifier) they are resized gray digits the model has never seen, and
 * the numbers say little. Say so, with what to do instead.
 */
import type { InputTarget } from './types';

const MNIST_SIDE = 28;

export function mnistMismatch(target: InputTarget): string | undefined {
  const colour = target.channels === 3;
  const larger = Math.max(target.height, target.width) >= 2 * MNIST_SIDE;
  if (!colour && !larger) return undefined;
  const input = `${target.height > 0 ? target.height : '?'}×${target.width > 0 ? target.width : '?'}×${target.channels > 0 ? target.channels : '?'}`;
  return (
    `the probe is MNIST digits (28×28 gray) but the model takes ${input}${colour ? ' colour' : ''} images: ` +
    "they are resized and copied to every channel, and features of inputs so unlike the model's data say little; " +
    'use a folder of images like its training data (--probe <folder>, or the setting knowledgeConsistency.probe.source)'
  );
}
