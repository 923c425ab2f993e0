"""Saving and loading models as JSON: the architecture and the weights, nothing executable.

The file is plain JSON, readable in any editor:

    {"format": "chainrule.nn", "version": 1,
     "model": "MLP", "nin": 2, "activation": "relu", "output_activation": "linear",
     "layers": [{"weights": [[...], ...], "biases": [...]}, ...]}

A Layer is stored as {"model": "Layer", "nin", "activation", "layers": [one layer]} and a
Neuron as {"model": "Neuron", "nin", "activation", "layers": [a layer of one neuron]}.

``load`` never uses pickle or eval: it parses JSON and checks every field (types, sizes,
names, finite numbers) before it builds anything. Any problem raises ValueError naming
the file and the problem.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import stat
from typing import Any

from autograd import checks

from .module import ACTIVATIONS, LAYER_ACTIVATIONS, MLP, Layer, Neuron

__all__ = ["save", "load", "FORMAT", "VERSION"]

FORMAT = "chainrule.nn"
VERSION = 1
MAX_BYTES = 256 * 1024 * 1024  # refuse files larger than this (a model of ~10 million weights)
_KEYS = {
    "MLP": {"format", "version", "model", "nin", "activation", "output_activation", "layers"},
    "Layer": {"format", "version", "model", "nin", "activation", "layers"},
    "Neuron": {"format", "version", "model", "nin", "activation", "layers"},
}


# --- saving ---


def _layer_record(layer: Layer) -> dict[str, Any]:
    return {
        "weights": [[w.data for w in neuron.w] for neuron in layer.neurons],
        "biases": [neuron.b.data for neuron in layer.neurons],
    }


def _record(model: Any) -> dict[str, Any]:
    """The JSON-ready description of a Neuron, Layer or MLP."""
    head = {"format": FORMAT, "version": VERSION}
    if isinstance(model, MLP):
        return {**head, "model": "MLP", "nin": model.nin, "activation": model.activation,
                "output_activation": model.output_activation,
                "layers": [_layer_record(layer) for layer in model.layers]}
    if isinstance(model, Layer):
        return {**head, "model": "Layer", "nin": model.nin, "activation": model.activation,
                "layers": [_layer_record(model)]}
    if isinstance(model, Neuron):
        return {**head, "model": "Neuron", "nin": model.nin, "activation": model.activation,
                "layers": [{"weights": [[w.data for w in model.w]], "biases": [model.b.data]}]}
    raise TypeError(f"save takes an nn.MLP, Layer or Neuron, got {type(model).__name__}")


def save(model: Any, path: str | os.PathLike) -> None:
    """Write model to path as JSON, atomically: a reader sees the old file or the new one, never half.

    The text goes to a new temporary file beside the target (a random name, created exclusively,
    so two writers never share one and a planted symlink is never followed), is flushed to disk,
    then renamed over the target. An existing target keeps its permissions.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save takes a file path (str or os.PathLike), got {type(path).__name__}")
    record = _record(model)
    try:
        text = json.dumps(record, allow_nan=False)
    except ValueError:
        raise ValueError("save: the model has nan or inf weights, which JSON cannot store "
                         f"({path})") from None
    target = os.fspath(path)
    descriptor, temporary = _create_temporary(target)
    try:
        with open(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        _keep_permissions(target, temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def _create_temporary(target: str) -> tuple[int, str]:
    """A new file in the target's folder, created exclusively (O_EXCL), never through a symlink."""
    folder = os.path.dirname(target) or "."
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        name = os.path.join(folder, f".chainrule-{secrets.token_hex(8)}.tmp")
        try:
            return os.open(name, flags, 0o666), name  # the umask applies, as for any new file
        except FileExistsError:
            continue
    raise FileExistsError(f"save: could not create a temporary file in {folder!r}")


def _keep_permissions(target: str, temporary: str) -> None:
    """An existing target's permission bits (0600 stays 0600) go to the file that replaces it."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        os.chmod(temporary, stat.S_IMODE(mode))


# --- loading: read, parse, check, build ---


class _Problem(Exception):
    """A problem with the file's content; load turns it into a ValueError naming the file."""


def _read_text(path: Any) -> str:
    """The file's text: only a regular file, at most MAX_BYTES, read without ever blocking."""
    raw = _read_bytes(path)
    if not raw.strip():
        raise _Problem("the file is empty")
    if b"\x00" in raw:
        raise _Problem("it is a binary file, not a JSON model file")
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError:
        raise _Problem("it is not UTF-8 text (a binary file?), not a JSON model file") from None


def _read_bytes(path: Any) -> bytes:
    """Open without blocking (a FIFO would wait forever), check it is a regular file, read <= MAX_BYTES."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _Problem("no such file") from None
    except IsADirectoryError:
        raise _Problem("it is a directory, not a model file") from None
    except OSError as error:
        raise _Problem(f"cannot read it ({error.strerror or error})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise _Problem("it is a directory, not a model file")
        raise _Problem("it is not a regular file (a device, a pipe or a socket), not a model file")
    with open(descriptor, "rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_BYTES:
            raise _Problem(f"the file is more than {MAX_BYTES} bytes, the most a model file may have")
        try:
            return _read_at_most(file, MAX_BYTES)
        except OSError as error:
            raise _Problem(f"cannot read it ({error.strerror or error})") from None


def _read_at_most(file: Any, limit: int) -> bytes:
    """The file's bytes, in chunks (memory follows the file, not the limit); _Problem past limit."""
    chunks, total = [], 0
    while chunk := file.read(1 << 20):
        total += len(chunk)
        if total > limit:  # the file grew after its size was checked
            raise _Problem(f"the file is more than {limit} bytes, the most a model file may have")
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name: str) -> None:
    raise _Problem(f"it holds {name}, which is not a valid weight")


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        where = ("it ends too early (truncated?)" if error.pos >= len(text.rstrip())
                 else "it is not valid JSON")
        raise _Problem(f"{where}: {error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise _Problem("it is nested too deeply to be a model file") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise _Problem(f"it is not a valid model file: {error}") from None


def _int(record: dict, key: str) -> int:
    value = record[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Problem(f"{key!r} must be a positive integer, got {value!r:.60}")
    return value


def _name(record: dict, key: str, known: tuple[str, ...]) -> str:
    value = record[key]
    if not isinstance(value, str) or value not in known:
        raise _Problem(f"{key!r} is {value!r:.60}; known names: {', '.join(known)}")
    return value


def _numbers(values: Any, count: int, what: str) -> list[float]:
    if not isinstance(values, list) or len(values) != count:
        shape = f"a list of {len(values)}" if isinstance(values, list) else f"a {type(values).__name__}"
        raise _Problem(f"{what} must be a list of {count} numbers, got {shape}")
    numbers = []
    for value in values:
        if not checks.is_real(value) or not _finite(value):
            raise _Problem(f"{what} holds {_shown(value)}; weights must be finite numbers")
        numbers.append(float(value))
    return numbers


def _finite(value: float | int) -> bool:
    """A finite float, or an int small enough to be one (a 310-digit integer is not)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _shown(value: Any) -> str:
    """A value for a message, cut to 60 characters (a huge integer as its number of digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**60:
        return f"an integer of {len(str(abs(value)))} digits"
    return f"{value!r:.60}"


def _check_layers(layers: Any, sizes: list[int]) -> list[tuple[list[list[float]], list[float]]]:
    """Each layer's weights (nout x nin) and biases (nout), the sizes chaining from nin."""
    if not isinstance(layers, list) or not layers:
        raise _Problem(f"'layers' must be a non-empty list, got {layers!r:.60}")
    checked = []
    nin = sizes[0]
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict) or set(layer) != {"weights", "biases"}:
            raise _Problem(f"layer {i} must be an object with exactly 'weights' and 'biases', "
                           f"got {layer!r:.60}")
        weights = layer["weights"]
        if not isinstance(weights, list) or not weights:
            raise _Problem(f"layer {i}: 'weights' must be a non-empty list of rows, got {weights!r:.60}")
        rows = [_numbers(row, nin, f"layer {i}: weights row {j}") for j, row in enumerate(weights)]
        biases = _numbers(layer["biases"], len(rows), f"layer {i}: biases")
        checked.append((rows, biases))
        nin = len(rows)
    return checked


def _check_record(record: Any) -> dict[str, Any]:
    """Check every field; return what building needs."""
    if not isinstance(record, dict):
        raise _Problem(f"it holds a JSON {type(record).__name__}, not a model object")
    if record.get("format") != FORMAT:
        raise _Problem(f"it is not a chainrule model file (format {record.get('format')!r:.60}, "
                       f"expected {FORMAT!r})")
    version = record.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Problem(f"'version' must be a positive integer, got {version!r:.60}")
    if version > VERSION:
        raise _Problem(f"it is format version {version}, newer than this chainrule reads ({VERSION})")
    kind = record.get("model")
    if not isinstance(kind, str) or kind not in _KEYS:
        raise _Problem(f"'model' is {kind!r:.60}; known models: {', '.join(_KEYS)}")
    missing, extra = _KEYS[kind] - set(record), set(record) - _KEYS[kind]
    if missing or extra:
        raise _Problem(f"a {kind} record has the keys {sorted(_KEYS[kind])}; "
                       f"missing {sorted(missing)}, unexpected {sorted(map(str, extra))}")
    nin = _int(record, "nin")
    activation = _name(record, "activation", LAYER_ACTIVATIONS if kind == "Layer" else tuple(ACTIVATIONS))
    output = _name(record, "output_activation", LAYER_ACTIVATIONS) if kind == "MLP" else activation
    layers = _check_layers(record["layers"], [nin])
    if kind != "MLP" and len(layers) != 1:
        raise _Problem(f"a {kind} has exactly one layer, the file has {len(layers)}")
    if kind == "Neuron" and len(layers[0][0]) != 1:
        raise _Problem(f"a Neuron has one row of weights, the file has {len(layers[0][0])}")
    return {"kind": kind, "nin": nin, "activation": activation, "output": output, "layers": layers}


def _build(spec: dict[str, Any]) -> Any:
    """A model with the checked architecture, then its weights copied in."""
    nouts = [len(biases) for _, biases in spec["layers"]]
    if spec["kind"] == "MLP":
        model = MLP(spec["nin"], nouts, spec["activation"], spec["output"], init="zeros")
        neurons = [neuron for layer in model.layers for neuron in layer.neurons]
    elif spec["kind"] == "Layer":
        model = Layer(spec["nin"], nouts[0], spec["activation"], init="zeros")
        neurons = model.neurons
    else:
        model = Neuron(spec["nin"], spec["activation"], init="zeros")
        neurons = [model]
    rows = [(row, bias) for weights, biases in spec["layers"]
            for row, bias in zip(weights, biases, strict=True)]
    for neuron, (row, bias) in zip(neurons, rows, strict=True):
        for w, value in zip(neuron.w, row, strict=True):
            w.data = value
        neuron.b.data = bias
    return model


def load(path: str | os.PathLike) -> Any:
    """Read a model written by ``save``; ValueError naming the file and the problem otherwise."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load takes a file path (str or os.PathLike), got {type(path).__name__}")
    try:
        return _build(_check_record(_parse(_read_text(path))))
    except _Problem as problem:
        raise ValueError(f"cannot load model from {os.fspath(path)!r}: {problem}") from None
