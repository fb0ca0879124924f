"""Module outputs: which modules a model has, what they output, and their values for a batch.

A layer is one call of a module: its name is the module's path as named_modules() gives it ("layer1.0.conv1"), with
":2", ":3" for later calls of a module used more than once. A module whose output is the output of a module inside
it (a Sequential, a block ending in its ReLU) is that inner layer, listed once under the inner name.

Plain modules (unpickled, or an unflattened torch.export program) are reached with forward hooks. TorchScript modules
take no hooks ("register_forward_hook is not supported on ScriptModules"): their forward graph is inlined, every node
knows the module it came from (getModuleHierarchy), and a module's outputs are the tensors made inside it and used
outside it. Those are cloned where they are made (a later in-place op must not change them) and returned by a
function built on the graph.
"""
import re
import weakref

import torch

from kc_torch_common import HelperError, engine_layout


class Layer:
    def __init__(self, name, type_name, op, inputs):
        self.name = name
        self.type = type_name
        self.op = op
        self.inputs = inputs


def capture_for(loaded):
    return GraphCapture(loaded.module) if loaded.graph else HookCapture(loaded.module)


def _call_name(counts, name):
    counts[name] = counts.get(name, 0) + 1
    return name if counts[name] == 1 else '%s:%d' % (name, counts[name])


def _unique(names):
    return list(dict.fromkeys(names))


class HookCapture:
    """Forward hooks on every module, registered for one run."""

    def __init__(self, module):
        self.module = module

    def run(self, x, wanted=None):
        """Runs the model on x; returns [(Layer, tensor)] for every module output, or for the names in `wanted`
        (their tensors already in the engine's layout)."""
        found = []
        counts = {}
        made_by = {}  # id(tensor) -> (weak reference, module path, layer name)

        def producer(t):
            entry = made_by.get(id(t))
            return entry if entry is not None and entry[0]() is t else None

        def hook(path, module):
            def on_output(_module, inputs, output):
                if not torch.is_tensor(output):
                    return
                name = _call_name(counts, path)
                earlier = producer(output)
                if earlier is not None and earlier[1].startswith(path + '.'):
                    return  # an outer module handing on an inner module's output: the same layer
                feeding = _unique(p[2] for p in map(producer, inputs) if p is not None)
                made_by[id(output)] = (weakref.ref(output), path, name)
                if wanted is None:
                    found.append((Layer(name, type(module).__name__, '', feeding), output.detach()))
                elif name in wanted:
                    found.append((Layer(name, type(module).__name__, '', feeding), engine_layout(output)))

            return on_output

        handles = [m.register_forward_hook(hook(p, m)) for p, m in self.module.named_modules() if p]
        try:
            with torch.no_grad():
                self.module(x)
        finally:
            for h in handles:
                h.remove()
        return found


# "block(Block).bn(BatchNorm2d).UNKNOWN_INSTANCE(UNKNOWN_TYPE)": instance(Type) parts, the module path ends before
# SELF or UNKNOWN_INSTANCE (a function called inside the module).
_PART = re.compile(r'([^.()]+)\(([^()]*)\)')


def _module_path(node):
    """[(instance, type)] of the module a graph node came from; [] for code outside every module."""
    parts = []
    for instance, type_name in _PART.findall(node.getModuleHierarchy()):
        if instance in ('SELF', 'UNKNOWN_INSTANCE'):
            break
        parts.append((instance, type_name.split('.')[-1]))
    if parts or not list(node.blocks()):
        return parts
    # An if/loop node carries no module of its own: it belongs to what its inner nodes share.
    inner = [p for block in node.blocks() for n in block.nodes() for p in [_module_path(n)] if p]
    if not inner:
        return []
    common = inner[0]
    for p in inner[1:]:
        k = 0
        while k < min(len(common), len(p)) and common[k] == p[k]:
            k += 1
        common = common[:k]
    return common


def _inside(path, module):
    return path[: len(module)] == module


class GraphCapture:
    """Module outputs of a TorchScript module, through functions built on its inlined forward graph."""

    def __init__(self, module):
        self.module = module
        self.functions = {}  # layer names -> (layers, function returning their tensors)

    def run(self, x, wanted=None):
        key = None if wanted is None else tuple(wanted)
        if key not in self.functions:
            self.functions[key] = self._function(wanted)
        layers, function = self.functions[key]
        with torch.no_grad():
            outputs = function(self.module._c, x)
        if wanted is None:
            return list(zip(layers, outputs))
        return [(layer, engine_layout(t)) for layer, t in zip(layers, outputs)]

    def _function(self, wanted):
        graph = self.module.inlined_graph  # a copy: the module itself is not changed
        values = _module_outputs(graph)
        if wanted is not None:
            by_name = {layer.name: (layer, value) for layer, value in values}
            values = [by_name[name] for name in wanted if name in by_name]
        if not values:
            raise HelperError(
                'unsupported',
                'the TorchScript file shows no module outputs (a frozen or fully inlined script has none); save it without torch.jit.freeze',
            )
        _return_clones(graph, [value for _, value in values])
        torch._C._jit_pass_dce(graph)  # what no wanted layer needs is not run
        function = torch._C._create_function_from_graph('kc_module_outputs', graph)
        return [layer for layer, _ in values], function


def _module_outputs(graph):
    """[(Layer, graph value)] for every tensor made inside a module and used outside it, in graph order."""
    found = []
    counts = {}
    feeding = {}  # value -> names of the listed layers it was computed from

    def sources(node):
        names = [n for v in node.inputs() for n in feeding.get(v, [])]
        for block in node.blocks():
            for inner in block.nodes():
                names += sources(inner)
        return _unique(names)

    for node in graph.nodes():
        path = _module_path(node)
        node_sources = sources(node)
        for value in node.outputs():
            escapes = path and isinstance(value.type(), torch._C.TensorType) and any(
                use.user.kind() == 'prim::Return' or not _inside(_module_path(use.user), path) for use in value.uses()
            )
            if not escapes:
                feeding[value] = node_sources
                continue
            name = _call_name(counts, '.'.join(instance for instance, _ in path))
            found.append((Layer(name, path[-1][1], node.kind(), node_sources), value))
            feeding[value] = [name]
    return found


def _return_clones(graph, values):
    """Makes the graph return a tuple of copies of `values`, each taken right where the value is made."""
    ret = graph.return_node()
    while ret.inputsSize():
        ret.removeInput(0)
    clones = []
    for value in values:
        none = graph.create('prim::Constant')
        none.output().setType(torch._C.NoneType.get())
        clone = graph.create('aten::clone', [value, none.output()])
        clone.output().setType(value.type())
        none.insertAfter(value.node())
        clone.insertAfter(none)
        clones.append(clone.output())
    result = graph.create('prim::TupleConstruct', clones)
    result.output().setType(torch._C.TupleType([c.type() for c in clones]))
    graph.appendNode(result)
    graph.registerOutput(result.output())
