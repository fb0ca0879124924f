#!/usr/bin/env python3
"""kc's PyTorch helper: opens one PyTorch model file and runs probe batches through it for the kc engine
(src/engine/models/pytorch.ts), which starts it with the user's Python and talks to it over stdin and stdout.

Protocol (src/protocol/torch-helper.ts): every message is one line of JSON; a message with "bytes": n is followed by
n bytes of float32 values. The helper says `hello` (or `error` no-torch) first, then answers one request at a time:
open -> opened, layers -> layers, extract -> one `features` per layer, then `done`; any request may get `error`.
Everything else the process prints (torch's warnings, a model's own prints) goes to stderr, which kc logs.
"""
import json
import os
import platform
import sys
import traceback


def main():
    # stdout carries the protocol alone: print() and anything native code writes to fd 1 go to stderr instead.
    protocol = os.fdopen(os.dup(1), 'wb')
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    requests = sys.stdin.buffer

    def send(message, payload=None):
        protocol.write(json.dumps(message).encode('utf-8') + b'\n')
        if payload is not None:
            protocol.write(payload)
        protocol.flush()

    try:
        import torch
    except Exception as error:  # ImportError, or a broken install failing inside torch's own imports
        send({'type': 'error', 'code': 'no-torch', 'message': '%s has no usable PyTorch (import torch: %s)' % (sys.executable, error)})
        return 1
    if sys.byteorder != 'little':
        send({'type': 'error', 'code': 'unsupported', 'message': 'kc exchanges little-endian float32; this machine is big-endian'})
        return 1
    from kc_torch_common import HelperError
    from kc_torch_session import Session

    send({'type': 'hello', 'executable': sys.executable, 'python': platform.python_version(), 'torch': torch.__version__})
    session = Session()
    while True:
        line = requests.readline()
        if not line:
            return 0  # the engine closed stdin: done
        try:
            request = json.loads(line)
            payload = requests.read(request['bytes']) if request.get('bytes') else None
            for message, data in session.answer(request, payload):
                send(message, data)
        except HelperError as error:
            send({'type': 'error', 'code': error.code, 'message': str(error)})
        except Exception as error:  # a bug here or in torch: one line to the user, the traceback to the log
            traceback.print_exc()
            send({'type': 'error', 'code': 'bad-request', 'message': 'kc torch helper: %s: %s' % (type(error).__name__, error)})


if __name__ == '__main__':
    sys.exit(main())
