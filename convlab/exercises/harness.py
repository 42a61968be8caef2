"""The grader's messenger in a learner's kernel: call an answer on given inputs, send back plain data.

This module is public and holds nothing secret: no checks, no expected values, no cases. It
imports only the standard library, NumPy and PyTorch, because the grader sends its source text
into the learner's sandboxed kernel, where no course package exists. There, :func:`serve`
answers one request of the grader (a JSON text): look up an answer by name, or call it on
inputs the grader drew. The reply is plain data, published as display data of type
:data:`MIME`: JSON scalars and lists, arrays and tensors as ``.npy`` bytes (base64), a module
of PyTorch's standard layers as its layer structure and parameters, anything else as a handle
the grader can call again. Each reply repeats the request's nonce.

The grader reads the same encoding with :func:`decode` (``allow_pickle=False``, no ``eval``),
so it never runs or unpickles anything from the kernel. The learner's code runs in the kernel
and can change anything there, this module included: it can make a reply say anything, but
the grader compares what the reply says with the values it computed itself.

:func:`tracing` records the ATen operators a call runs (every alias of a convolution, such
as ``torch.ops.aten.convolution`` or ``torch._C._VariableFunctions.conv2d``, ends in the same
operator) and the names of the torch functions it calls; the grader judges an exercise's rule
from that list.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import json
import linecache
import traceback

import numpy as np
import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

MIME = "application/vnd.convlab.reply+json"
MODULE_NAME = "_convlab_harness"  # its name in the kernel's sys.modules
_MAX_DEPTH = 32


# --- tracing ---------------------------------------------------------------------------------
class _Operators(TorchDispatchMode):
    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        """Nothing here is compiled: without this PyTorch wraps the mode for its compiler, whose
        first use imports ``torch._dynamo`` (about a second, once per kernel)."""
        return False

    def __init__(self, seen: set) -> None:
        super().__init__()
        self.seen = seen

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func._overloadpacket.__name__
        if name in ("convolution", "_convolution") and len(args) > 6 and args[6] is True:
            name = "convolution.transposed"
        self.seen.add(name)
        return func(*args, **(kwargs or {}))


class _Functions(TorchFunctionMode):
    def __init__(self, seen: set) -> None:
        super().__init__()
        self.seen = seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.add("torch." + str(getattr(func, "__name__", "?")))
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def tracing(seen: set):
    """Add to ``seen`` the ATen operators (``"convolution"``, ``"im2col"``) and the torch functions
    (``"torch.pad"``) that the code inside the block runs. (The two modes together are also far
    quicker than the operators' mode alone: measured 2 ms against 87 ms for a loop of 400 operators.)"""
    with _Functions(seen), _Operators(seen):
        yield seen


# --- plain data both ways ----------------------------------------------------------------------
def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _from_npy(text: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def _tensor_array(value: torch.Tensor) -> np.ndarray:
    with torch._C.DisableTorchFunctionSubclass():
        plain = torch.Tensor.cpu(torch.Tensor.detach(value))
        if plain.dtype in (torch.bfloat16, torch.float16):
            plain = plain.to(torch.float32)
        return torch.Tensor.numpy(torch.Tensor.resolve_neg(torch.Tensor.resolve_conj(plain))).copy()


# Layers rebuilt from their hyper-parameters: (class, the attributes their constructor takes).
_LAYERS = {
    "Conv2d": (nn.Conv2d, ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                           "padding_mode")),
    "Conv1d": (nn.Conv1d, ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                           "padding_mode")),
    "ConvTranspose2d": (nn.ConvTranspose2d, ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                                             "output_padding", "groups", "dilation")),
    "Linear": (nn.Linear, ("in_features", "out_features")),
    "MaxPool2d": (nn.MaxPool2d, ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode")),
    "AvgPool2d": (nn.AvgPool2d, ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                                 "divisor_override")),
    "AdaptiveAvgPool2d": (nn.AdaptiveAvgPool2d, ("output_size",)),
    "AdaptiveMaxPool2d": (nn.AdaptiveMaxPool2d, ("output_size",)),
    "ReLU": (nn.ReLU, ()),
    "Sigmoid": (nn.Sigmoid, ()),
    "Tanh": (nn.Tanh, ()),
    "Identity": (nn.Identity, ()),
    "Flatten": (nn.Flatten, ("start_dim", "end_dim")),
    "Dropout": (nn.Dropout, ("p",)),
    "Softmax": (nn.Softmax, ("dim",)),
    "Sequential": (nn.Sequential, ()),
}
_WITH_BIAS = ("Conv2d", "Conv1d", "ConvTranspose2d", "Linear")


def _is_layer(module: nn.Module) -> bool:
    """A module of PyTorch's own standard layers throughout, described by its structure alone."""
    kind = type(module).__name__
    if kind not in _LAYERS or type(module) is not _LAYERS[kind][0]:
        return False
    return all(_is_layer(child) for child in module._modules.values() if child is not None)


def _plain(value, depth: int = 0):
    """A hyper-parameter (int, float, bool, str, None, or tuples of them) as JSON."""
    if depth > 4:
        raise TypeError("too deeply nested")
    if value is None or type(value) in (bool, str):
        return value
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return {"t": "float", "v": float.hex(value)}
    if isinstance(value, tuple):
        return [_plain(item, depth + 1) for item in tuple.__iter__(value)]
    raise TypeError(f"a layer's setting of type {type(value).__name__}")


def _layer_spec(module: nn.Module, handles: dict) -> dict:
    kind = type(module).__name__
    _, names = _LAYERS[kind]
    spec = {"t": "module", "type": kind, "args": {name: _plain(getattr(module, name)) for name in names}}
    if kind in _WITH_BIAS:
        spec["args"]["bias"] = module.bias is not None
    spec["params"] = {name: _tensor_spec(p) for name, p in module._parameters.items() if p is not None}
    spec["grads"] = {name: _tensor_spec(p.grad) for name, p in module._parameters.items()
                     if p is not None and p.grad is not None}
    spec["children"] = [[name, _layer_spec(child, handles)] for name, child in module._modules.items()]
    spec["training"] = bool(module.training)
    return spec


def _tensor_spec(value: torch.Tensor) -> dict:
    return {"t": "tensor", "npy": _npy(_tensor_array(value)), "grad": bool(value.requires_grad)}


def encode(value, handles: dict | None = None, depth: int = 0):
    """``value`` as plain data (see the module's docstring); ``handles`` keeps what only the kernel can run."""
    handles = {} if handles is None else handles
    if depth > _MAX_DEPTH:
        raise ValueError("the value is nested too deeply to send")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if isinstance(value, torch.Tensor):
        return _tensor_spec(value)
    if isinstance(value, np.ndarray) and value.dtype != object:
        return {"t": "ndarray", "npy": _npy(np.array(value, subok=False))}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return {"t": "npscalar", "npy": _npy(np.asarray(value))}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"t": "int", "v": str(int.__index__(value))}
    if isinstance(value, float):
        return {"t": "float", "v": float.hex(value)}
    if isinstance(value, str):
        return {"t": "str", "v": str.__str__(value)}
    if isinstance(value, torch.Size):
        return {"t": "size", "v": [int.__index__(v) for v in tuple.__iter__(value)]}
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [encode(v, handles, depth + 1) for v in tuple.__iter__(value)]}
    if isinstance(value, list):
        return {"t": "list", "v": [encode(v, handles, depth + 1) for v in list.__iter__(value)]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode(k, handles, depth + 1), encode(v, handles, depth + 1)]
                                   for k, v in dict.items(value)]}
    if isinstance(value, nn.Module) and _is_layer(value):
        return _layer_spec(value, handles)
    if isinstance(value, nn.Module) or callable(value):
        handle = str(len(handles) + 1)
        handles[handle] = value
        what = "class" if isinstance(value, type) else "module" if isinstance(value, nn.Module) else "function"
        module_class = what == "class" and issubclass(value, nn.Module)
        name = type.__getattribute__(value if what == "class" else kind, "__name__")
        return {"t": "handle", "h": handle, "kind": what, "type": str(name), "module_class": module_class}
    return {"t": "opaque", "type": type.__getattribute__(kind, "__name__")}


def _number(data):
    if isinstance(data, dict) and data.get("t") == "float":
        return float.fromhex(data["v"])
    if isinstance(data, list):
        return tuple(_number(item) for item in data)
    return data


def build_layer(spec: dict) -> nn.Module:
    """A module of standard layers from its description; ``ValueError`` if it does not describe one."""
    if not isinstance(spec, dict) or spec.get("type") not in _LAYERS:
        raise ValueError("not a description of PyTorch's standard layers")
    cls, names = _LAYERS[spec["type"]]
    args = {name: _number(value) for name, value in spec.get("args", {}).items() if name in (*names, "bias")}
    if cls is nn.Sequential:
        module = nn.Sequential()
        for name, child in spec.get("children", []):
            module.add_module(str(name), build_layer(child))
    else:
        with torch.device("meta"):  # shapes only: a description cannot make the reader allocate memory
            module = cls(**args)
    given = spec.get("params", {})
    if set(given) != {name for name, p in module._parameters.items() if p is not None}:
        raise ValueError("the description's parameters do not match its layer")
    for name, data in given.items():
        tensor = decode(data)
        if not isinstance(tensor, torch.Tensor) or not tensor.is_floating_point():
            raise ValueError(f"parameter {name} is not a floating-point tensor")
        module._parameters[str(name)] = nn.Parameter(tensor, requires_grad=bool(data.get("grad", True)))
    for name, data in spec.get("grads", {}).items():
        if module._parameters.get(str(name)) is not None:
            module._parameters[str(name)].grad = decode(data)
    module.train(bool(spec.get("training", True)))
    return module


def decode(data, handles=None):
    """The value that :func:`encode` described. Handles become ``handles[id]`` (kernel side);
    when ``handles`` is a function (grader side), handles and opaque values become ``handles(data)``."""
    if not isinstance(data, dict):
        raise ValueError("malformed data")
    kind = data.get("t")
    if kind == "none":
        return None
    if kind == "bool":
        return bool(data["v"])
    if kind == "int":
        return int(str(data["v"]))
    if kind == "float":
        return float.fromhex(str(data["v"]))
    if kind == "str":
        return str(data["v"])
    if kind == "tensor":
        array = _from_npy(data["npy"])
        tensor = torch.from_numpy(array.copy()) if array.dtype != np.uint16 else torch.from_numpy(array.astype(int))
        if data.get("grad") is True and tensor.is_floating_point():  # a check may ask whether it still tracks them
            tensor.requires_grad_(True)
        return tensor
    if kind == "ndarray":
        return _from_npy(data["npy"])
    if kind == "npscalar":
        return _from_npy(data["npy"])[()]
    if kind == "size":
        return torch.Size(int(v) for v in data["v"])
    if kind in ("tuple", "list"):
        items = [decode(item, handles) for item in data["v"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {_key(decode(k, handles)): decode(v, handles) for k, v in data["v"]}
    if kind == "module":
        return build_layer(data)
    if kind in ("handle", "opaque"):
        if callable(handles):
            return handles(data)
        if kind == "handle" and handles is not None:
            return handles[str(data["h"])]
        return data
    if kind == "optimizer":
        raise ValueError("an optimizer is built with its model's parameters (see _arguments)")
    raise ValueError(f"unknown kind of data {kind!r}")


def _key(value):
    if isinstance(value, (str, int, float, bool, tuple)) or value is None:
        return value
    raise ValueError("a dict key must be a string or a number")


# --- the kernel's side -------------------------------------------------------------------------
_HANDLES: dict = {}


def _where(error: BaseException) -> str:
    """``"your line 3: x = 1 / 0"`` for the innermost frame of a notebook cell, or ``""``."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        name = str(frame.filename)
        if name.startswith("<ipython-input") or "ipykernel_" in name:
            line = (frame.line or linecache.getline(name, frame.lineno) or "").strip()
            return f"your line {frame.lineno}" + (f": {line}" if line else "")
    return ""


def _arguments(data: list, handles: dict) -> list:
    values = []
    for item in data:
        if isinstance(item, dict) and item.get("t") == "optimizer":
            model = values[int(item["of"])]
            values.append(torch.optim.SGD(model.parameters(), lr=float.fromhex(item["lr"])))
        else:
            values.append(decode(item, handles))
    return values


def _call(request: dict, namespace: dict) -> dict:
    target = _HANDLES[str(request["h"])]
    args = _arguments(request.get("args", []), _HANDLES)
    method = request.get("method")
    seen: set = set()
    reply: dict = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the checks' inputs are tiny: more threads only add waiting, a lot on a busy machine
    try:
        context = tracing(seen) if request.get("trace") else contextlib.nullcontext()
        grad = torch.no_grad() if request.get("no_grad") else contextlib.nullcontext()
        with context, grad:
            if method == "deepcopy":
                result = copy.deepcopy(target)
            elif method == "parameters":
                result = list(target.parameters())
            elif method:
                result = getattr(target, str(method))(*args)
            else:
                result = target(*args)
        reply["value"] = encode(result, _HANDLES)
    except Exception as error:
        reply["error"] = {"type": type(error).__name__, "message": str(error)[:300], "where": _where(error)[:200]}
    finally:
        torch.set_num_threads(threads)
    reply["ops"] = sorted(seen)
    reply["after"] = {str(index): encode(args[index], _HANDLES) for index in request.get("after", [])
                      if isinstance(args[index], nn.Module)}
    return reply


def serve(text: str, namespace: dict) -> None:
    """Answer one request of the grader (a JSON text) by publishing a reply as display data."""
    from IPython.display import publish_display_data

    request = json.loads(text)
    reply: dict = {"nonce": request.get("nonce")}
    try:
        if request["op"] == "get":
            name = str(request["name"])
            reply["value"] = encode(namespace[name], _HANDLES) if name in namespace else {"t": "missing"}
        elif request["op"] == "calls":
            reply["results"] = [_call(one, namespace) for one in request["calls"]]
        else:
            reply.update(_call(request, namespace))
    except Exception as error:  # a value that cannot be sent, or a broken request
        reply["error"] = {"type": type(error).__name__, "message": str(error)[:300], "where": "", "harness": True}
    publish_display_data({MIME: reply})
