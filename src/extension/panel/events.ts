/**
 * The store's events as the webview's messages: one stream, one message per event. The webview gets the whole
 * record when it says ready, then this stream. Pure, unit-tested.
 */
import type { PairKey } from '../../protocol/report';
import type { HostMessage } from '../../protocol/webview.protocol';
import type { AnalysisEvent } from '../contracts';

/** `plan`: the analysis's fits in order, so the panel can mark the ones still to come. */
export function hostMessageFor(event: AnalysisEvent, plan: PairKey[] | undefined): HostMessage {
  const id = event.record.id;
  switch (event.kind) {
    case 'record':
      return { type: 'kc/record', record: event.record };
    case 'pair':
      return { type: 'kc/pairResult', analysisId: id, pair: event.pair };
    case 'matrix':
      return { type: 'kc/matrix', analysisId: id, matrix: event.matrix };
    case 'stale':
      return { type: 'kc/stale', analysisId: id, stale: event.record.stale ?? false };
    case 'progress': {
      const { message, fraction, progress } = event.progress;
      const pair = progress?.pair;
      // Fits start in plan order: those in flight are progress.running when several run at once, else pair.index
      // (from 1); the later ones are to come; before the first, all are.
      const running = !pair
        ? undefined
        : plan && progress?.running
          ? progress.running.map((i) => plan[i - 1])
          : [{ layerA: pair.layerA, layerB: pair.layerB, direction: pair.direction }];
      const pending = plan?.slice(pair ? Math.max(pair.index, ...(progress?.running ?? [])) : 0);
      return { type: 'kc/progress', analysisId: id, progress: { message, fraction, running, pending } };
    }
  }
}
