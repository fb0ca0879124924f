"""What the helper's modules share: the error the engine shows to the user, and float32 payloads <-> tensors."""
import ctypes

import torch


class HelperError(Exception):
    """A failure the user can act on. `code` is a TorchHelperErrorCode (src/protocol/torch-helper.ts); the message
    is one line."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def first_line(error):
    """The first line of an exception's text (torch's messages run to many lines), at most 300 characters."""
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:300]


def batch_from_bytes(data, shape, dtype):
    """The engine's [N, H, W, C] (or [N, D]) float32 batch as the NCHW (or [N, D]) tensor a PyTorch model takes."""
    x = torch.frombuffer(bytearray(data), dtype=torch.float32).reshape(shape)
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2)
    return x.to(dtype, memory_format=torch.contiguous_format)


def engine_layout(t):
    """A module output as the engine stores features: NCHW -> NHWC, [N, T, C] -> [N, 1, T, C], float32. Always a
    copy: an in-place op later in the forward pass (ReLU(inplace=True)) must not change what was captured."""
    t = t.detach()
    if t.dim() == 4:
        t = t.permute(0, 2, 3, 1)
    elif t.dim() == 3:
        t = t.unsqueeze(1)
    return t.to(torch.float32, memory_format=torch.contiguous_format, copy=True)


def tensor_bytes(t):
    """The values of a contiguous float32 CPU tensor, in the machine's (little-endian) byte order."""
    return ctypes.string_at(t.data_ptr(), t.numel() * 4)
