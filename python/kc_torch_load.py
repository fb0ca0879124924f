"""Opens the three kinds of PyTorch files kc reads, always onto the CPU, and decides the input the model is run with."""
import importlib
import inspect
import os
import sys

import torch

from kc_torch_common import HelperError, first_line

# A file that does not say its input is probed at the size of kc's default probe (MNIST, 28 x 28), with the
# channel count of its first convolution.
DEFAULT_SIZE = 28


class Loaded:
    """A model ready to run: the module (in eval mode), how its outputs are reached, and its input."""

    def __init__(self, module, graph, input_shape, assumed, fixed_batch=None):
        self.module = module
        # TorchScript modules take no forward hooks: their outputs are reached through the graph.
        self.graph = graph
        self.input_shape = input_shape
        self.assumed = assumed
        self.fixed_batch = fixed_batch
        floating = [p.dtype for p in module.parameters() if p.is_floating_point()]
        self.dtype = floating[0] if floating else torch.float32


def load(path, fmt, allow_pickle, input_shape):
    name = os.path.basename(path)
    fixed_batch = None
    file_shape = None
    if fmt == 'torchscript':
        module = _guarded(name, lambda: torch.jit.load(path, map_location='cpu'))
    elif fmt == 'torch-pickle':
        module = _unpickle(path, name, allow_pickle)
    elif fmt == 'torch-export':
        module, file_shape, fixed_batch = _exported(path, name)
    else:
        raise HelperError('bad-request', 'unknown format %r' % (fmt,))
    module.eval()
    shape = input_shape or file_shape
    return Loaded(module, fmt == 'torchscript', shape or _default_input(module), not shape, fixed_batch)


def _guarded(name, load_file):
    try:
        return load_file()
    except HelperError:
        raise
    except Exception as error:  # torch raises RuntimeError, pickle errors, zip errors: each becomes one line
        raise load_error(name, error) from error


def load_error(name, error):
    text = str(error)
    if 'maximum supported version' in text or 'too old' in text or 'Unknown builtin op' in text:
        return HelperError(
            'torch-too-old',
            '%s was saved by a newer PyTorch than torch %s in %s (%s)' % (name, torch.__version__, sys.executable, first_line(error)),
        )
    if 'CUDA' in text or 'cuda' in text:
        return cuda_error(name, error)
    return HelperError('load-failed', '%s: torch %s could not load it (%s)' % (name, torch.__version__, first_line(error)))


def cuda_error(name, error):
    return HelperError(
        'cuda',
        '%s needs CUDA (%s); kc runs models on the CPU: save or trace the model after model.cpu()' % (name, first_line(error)),
    )


def _unpickle(path, name, allow_pickle):
    # The engine refuses first; this check keeps the helper safe on its own.
    if not allow_pickle:
        raise HelperError(
            'pickle-refused',
            '%s is a pickled checkpoint: unpickling runs code from the file, so kc loads it only when asked to' % name,
        )
    options = {'map_location': 'cpu'}
    if 'weights_only' in inspect.signature(torch.load).parameters:
        options['weights_only'] = False  # torch >= 2.6 defaults to True, which refuses every nn.Module
    try:
        value = torch.load(path, **options)
    except (AttributeError, ImportError) as error:
        raise HelperError(
            'missing-class',
            '%s needs Python code that is not importable here to unpickle (%s): put its package on PYTHONPATH, or save the model as TorchScript (torch.jit.script(model).save(...))'
            % (name, first_line(error)),
        ) from error
    except Exception as error:
        raise load_error(name, error) from error
    if isinstance(value, dict):  # a training checkpoint {'model': model, 'optimizer': ...} holds one module
        modules = [v for v in value.values() if isinstance(v, torch.nn.Module)]
        value = modules[0] if len(modules) == 1 else value
    if not isinstance(value, torch.nn.Module):
        what = 'a state_dict or dict (weights without the network)' if isinstance(value, dict) else 'a %s' % type(value).__name__
        raise HelperError(
            'not-a-module',
            '%s holds %s, not a model: save the model itself, best as TorchScript (torch.jit.script(model).save(...))' % (name, what),
        )
    return value


def _exported(path, name):
    """A torch.export program as a module tree again (torch.export.unflatten), so forward hooks reach its modules."""
    try:
        export = importlib.import_module('torch.export')
    except ImportError:
        export = None
    if export is None or not hasattr(export, 'load') or not hasattr(export, 'unflatten'):
        raise HelperError(
            'torch-too-old',
            '%s is a torch.export program, which needs torch 2.2 or newer; %s has torch %s' % (name, sys.executable, torch.__version__),
        )
    program = _guarded(name, lambda: export.load(path))
    user_inputs = set(program.graph_signature.user_inputs)
    inputs = [n for n in program.graph.nodes if n.op == 'placeholder' and n.name in user_inputs]
    if len(inputs) != 1:
        raise HelperError('unsupported', '%s takes %d inputs; kc probes models with one image input' % (name, len(inputs)))
    value = inputs[0].meta.get('val')
    dims = [d if isinstance(d, int) else None for d in (value.shape if value is not None else [])]
    shape = dims[1:] if len(dims) > 1 and None not in dims[1:] else None
    # A static batch (torch.export's default) runs with exactly that many samples.
    fixed_batch = dims[0] if dims and dims[0] is not None else None
    return _guarded(name, lambda: export.unflatten(program)), shape, fixed_batch


def _default_input(module):
    """[C, 28, 28] with C from the first convolution's weight, or [D] when the first weight is a linear layer's."""
    for p in module.parameters():
        if p.dim() == 4:
            return [int(p.shape[1]), DEFAULT_SIZE, DEFAULT_SIZE]
        if p.dim() == 2:
            return [int(p.shape[1])]
    return [1, DEFAULT_SIZE, DEFAULT_SIZE]
