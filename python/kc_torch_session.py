"""The helper's requests (src/protocol/torch-helper.ts) on the one model a helper process opens."""
import os

import torch

from kc_torch_capture import capture_for
from kc_torch_common import HelperError, batch_from_bytes, first_line, tensor_bytes
from kc_torch_load import cuda_error, load


class Session:
    def __init__(self):
        self.name = None
        self.loaded = None
        self.capture = None
        self.layers = None

    def answer(self, request, payload):
        """Yields (message, payload or None) for one request; raises HelperError before yielding when it fails."""
        kind = request.get('type')
        if kind == 'open':
            yield self._open(request), None
        elif kind == 'layers':
            self._opened()
            yield {'type': 'layers', 'layers': self.layers}, None
        elif kind == 'extract':
            self._opened()
            for answer in self._extract(request['layers'], request['shape'], payload):
                yield answer
        else:
            raise HelperError('bad-request', 'unknown request %r' % (kind,))

    def _opened(self):
        if self.loaded is None:
            raise HelperError('bad-request', 'no model is open')

    def _open(self, request):
        if self.loaded is not None:
            raise HelperError('bad-request', 'a helper opens one model')
        self.name = os.path.basename(request['path'])
        loaded = load(request['path'], request['format'], bool(request.get('allowPickle')), request.get('inputShape'))
        self.capture = capture_for(loaded)
        self.layers, loaded.fixed_batch = self._trial(loaded)
        self.loaded = loaded
        answer = {'type': 'opened', 'inputShape': loaded.input_shape, 'assumed': loaded.assumed}
        if loaded.fixed_batch is not None:
            answer['fixedBatch'] = loaded.fixed_batch
        return answer

    def _trial(self, loaded):
        """The layer list from one run on a zero batch: of 2 samples, or of 1 when the model fixed its batch at 1
        (a traced reshape)."""
        sizes = [loaded.fixed_batch] if loaded.fixed_batch is not None else [2, 1]
        failure = None
        for n in sizes:
            x = torch.zeros([n] + list(loaded.input_shape), dtype=loaded.dtype)
            try:
                outputs = self.capture.run(x)
            except HelperError:
                raise
            except Exception as error:
                failure = failure or error
                continue
            return _listed(outputs), (None if n == 2 and loaded.fixed_batch is None else n)
        shape = [sizes[0]] + list(loaded.input_shape)
        raise self._run_error(
            failure,
            'did not run on a zero batch of shape %s%s' % (shape, ' (an assumed input)' if loaded.assumed else ''),
            'give its input shape as C,H,W (kc --input-shape, or the knowledgeConsistency.pytorch.inputShape setting)',
        )

    def _extract(self, names, shape, payload):
        known = set(layer['name'] for layer in self.layers)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise HelperError('bad-request', '%s has no layer %r' % (self.name, unknown[0]))
        count = 1
        for d in shape:
            count *= d
        if payload is None or len(payload) != 4 * count:
            raise HelperError('bad-request', 'a batch of shape %s needs %d bytes' % (shape, 4 * count))
        x = batch_from_bytes(payload, shape, self.loaded.dtype)
        try:
            outputs = dict((layer.name, t) for layer, t in self.capture.run(x, names))
        except HelperError:
            raise
        except Exception as error:
            raise self._run_error(error, 'failed on a probe batch of shape %s' % (list(x.shape),), 'check its input shape')
        missing = [n for n in names if n not in outputs]
        if missing:
            raise HelperError('run-failed', '%s: layer %s gave no output for this batch' % (self.name, missing[0]))
        for n in names:
            t = outputs[n]
            yield {'type': 'features', 'layer': n, 'shape': list(t.shape), 'bytes': 4 * t.numel()}, tensor_bytes(t)
        yield {'type': 'done'}, None

    def _run_error(self, error, what, hint):
        text = str(error)
        if 'CUDA' in text or 'cuda' in text:
            return cuda_error(self.name, error)
        return HelperError('run-failed', '%s %s (%s): %s' % (self.name, what, first_line(error), hint))


def _listed(outputs):
    """Float outputs of rank >= 2, as the layers message lists them; inputs only among the listed."""
    kept = [(layer, t) for layer, t in outputs if t.is_floating_point() and t.dim() >= 2]
    names = set(layer.name for layer, _ in kept)
    return [
        {
            'name': layer.name,
            'type': layer.type,
            'op': layer.op,
            'shape': list(t.shape),
            'inputs': [i for i in layer.inputs if i in names],
        }
        for layer, t in kept
    ]
