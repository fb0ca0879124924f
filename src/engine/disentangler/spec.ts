import type { DisentangleSettings } from '../../protocol/report';
import type { DisentanglerSpec, HiddenScale } from '../compute/types';
import type { Geometry } from './windows';

/**
 * The disentangler a fit with these settings trains on maps of geometry `g`: a window's span on a windowed map (then
 * with its masks), else the whole map. The hidden-activation scale follows the input normalisation by default: the
 * authors' per-sample std in their mode.
 */
export function disentanglerSpec(
  settings: DisentangleSettings,
  channels: { a: number; b: number },
  g: Geometry,
  hiddenScale: HiddenScale = settings.normalize === 'per-sample' ? 'sample' : 'batch',
): DisentanglerSpec {
  return {
    orders: settings.orders,
    kernel: settings.kernel,
    channelsA: channels.a,
    channelsB: channels.b,
    height: g.rows.span,
    width: g.cols.span,
    alpha: settings.alpha,
    weightDecay: settings.weightDecay,
    hiddenScale,
    ...(g.windowed ? { masked: true } : {}),
  };
}
