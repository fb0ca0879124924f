/**
 * MNIST digits are the default probe because the bundled samples are MNIST networks; fed to a colour model with a
 * larger input (a face detector, an ImageNet classifier) they are resized gray digits the model has never seen, and
 * the numbers say little. Say so, with what to do instead. The rule is shared with the extension (protocol).
 */
import { mnistMisfit } from '../../protocol/probe-input';
import type { InputTarget } from './types';

export function mnistMismatch(target: InputTarget): string | undefined {
  const input = mnistMisfit(target);
  if (input === undefined) return undefined;
  return (
    `the probe is MNIST digits (28×28 gray) but the model takes ${input} images: ` +
    "they are resized and copied to every channel, and features of inputs so unlike the model's data say little; " +
    'use a folder of images like its training data (--probe <folder>, or the setting knowledgeConsistency.probe.source)'
  );
}
