"""nn.save and nn.load: the exact message of every problem (a table of model files, hostile ones
included, each refused with a ValueError naming the file and the problem, the file left as it
was), problems reading the file, a save that fails leaving nothing behind, and nn.io's refusals
of wrong arguments.
"""

from __future__ import annotations

import json
import math
import os

import pytest
from samples import GOOD, GOOD_TEXT

import nn

# --- nn.io's refusals of wrong arguments: the exact message ---

IO_REFUSALS = [
    (lambda directory: nn.save({}, directory / "m.json"), TypeError,
     "save takes an nn.MLP, Layer or Neuron, got dict"),
    (lambda directory: nn.save(nn.Neuron(1, seed=0), 3), TypeError,
     "save takes a file path (str or os.PathLike), got int"),
    (lambda directory: nn.load(3), TypeError, "load takes a file path (str or os.PathLike), got int"),
]


@pytest.mark.parametrize(("call", "error", "message"), IO_REFUSALS)
def test_save_and_load_refuse_wrong_arguments_with_the_exact_message(tmp_path, call, error, message):
    with pytest.raises(error) as info:
        call(tmp_path)
    assert str(info.value) == message
    assert os.listdir(tmp_path) == []


# --- nn.load: a table of model files and the exact problem of each ---

T = GOOD_TEXT


def without(key):
    return json.dumps({k: v for k, v in GOOD.items() if k != key})


def with_layers(*layers):
    return json.dumps(dict(GOOD, layers=list(layers)))


NEURON_TWO_ROWS = {"format": "chainrule.nn", "version": 1, "model": "Neuron", "nin": 1, "activation": "relu",
                   "layers": [{"weights": [[1.0], [2.0]], "biases": [0.0, 0.0]}]}
LAYER_TWO_LAYERS = {"format": "chainrule.nn", "version": 1, "model": "Layer", "nin": 1, "activation": "relu",
                    "layers": [{"weights": [[1.0]], "biases": [0.0]}, {"weights": [[1.0]], "biases": [0.0]}]}
KEYS = "['activation', 'format', 'layers', 'model', 'nin', 'output_activation', 'version']"
ACTIVATIONS = "relu, tanh, sigmoid, leaky_relu, linear"
BIG_INT = ("Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits;"
           " use sys.set_int_max_str_digits() to increase the limit")
LOAD_FILES = {  # name: (the file's content, the problem load names after "cannot load model from '<path>': ")
    "truncated": (T[:40], "it ends too early (truncated?): "
                  "Expecting property name enclosed in double quotes at line 1 column 41"),
    "invalid": (T.replace(":", ";", 1), "it is not valid JSON: Expecting ':' delimiter at line 1 column 10"),
    "nested": ("[" * 100000, "it is nested too deeply to be a model file"),
    "nested-objects": ('{"a":' * 100_000, "it is nested too deeply to be a model file"),
    "null": ("null", "it holds a JSON NoneType, not a model object"),
    "list": ("[1, 2]", "it holds a JSON list, not a model object"),
    "str": ('"MLP"', "it holds a JSON str, not a model object"),
    "empty": (b"", "the file is empty"),
    "blank": ("   \n", "the file is empty"),
    "nul": (b'{"a": 1}\x00', "it is a binary file, not a JSON model file"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00", "it is a binary file, not a JSON model file"),
    "notutf8": (b"\xff\xfe\xfa", "it is not UTF-8 text (a binary file?), not a JSON model file"),
    "format": (T.replace("chainrule.nn", "other"),
               "it is not a chainrule model file (format 'other', expected 'chainrule.nn')"),
    "noformat": (without("format"),
                 "it is not a chainrule model file (format None, expected 'chainrule.nn')"),
    "version0": (T.replace('"version": 1', '"version": 0'), "'version' must be a positive integer, got 0"),
    "versionstr": (T.replace('"version": 1', '"version": "1"'),
                   "'version' must be a positive integer, got '1'"),
    "version99": (T.replace('"version": 1', '"version": 99'),
                  "it is format version 99, newer than this chainrule reads (1)"),
    "model": (T.replace('"MLP"', '"CNN"'), "'model' is 'CNN'; known models: MLP, Layer, Neuron"),
    "model-os": (T.replace('"MLP"', '"os.system"'),
                 "'model' is 'os.system'; known models: MLP, Layer, Neuron"),
    "model-list": (json.dumps(dict(GOOD, model=[])), "'model' is []; known models: MLP, Layer, Neuron"),
    "model-object": (json.dumps(dict(GOOD, model={})), "'model' is {}; known models: MLP, Layer, Neuron"),
    "model-list-of-name": (json.dumps(dict(GOOD, model=["MLP"])),
                           "'model' is ['MLP']; known models: MLP, Layer, Neuron"),
    "missing": (without("nin"), f"a MLP record has the keys {KEYS}; missing ['nin'], unexpected []"),
    "extra": (T.replace("}]}", '}], "extra": 1}'),
              f"a MLP record has the keys {KEYS}; missing [], unexpected ['extra']"),
    "nin0": (T.replace('"nin": 2', '"nin": 0'), "'nin' must be a positive integer, got 0"),
    "nin-float": (T.replace('"nin": 2', '"nin": 2.0'), "'nin' must be a positive integer, got 2.0"),
    "nin-bool": (T.replace('"nin": 2', '"nin": true'), "'nin' must be a positive integer, got True"),
    "nin3": (T.replace('"nin": 2', '"nin": 3'),
             "layer 0: weights row 0 must be a list of 3 numbers, got a list of 2"),
    "bigint": (T.replace('"nin": 2', '"nin": ' + "9" * 5000), f"it is not a valid model file: {BIG_INT}"),
    "bigint-alone": ("1" * 5000, f"it is not a valid model file: {BIG_INT}"),
    "act": (T.replace('"relu"', '"gelu"'), f"'activation' is 'gelu'; known names: {ACTIVATIONS}"),
    "act-code": (T.replace('"relu"', "\"__import__('os')\""),
                 f"'activation' is \"__import__('os')\"; known names: {ACTIVATIONS}"),
    "outact": (T.replace('"linear"', '"swish"'),
               f"'output_activation' is 'swish'; known names: {ACTIVATIONS}, softmax"),
    "layersempty": (T.replace(T[T.index("[{"):], "[]}"), "'layers' must be a non-empty list, got []"),
    "layerkeys": (with_layers({"weights": [[0.1, 0.2]]}),
                  "layer 0 must be an object with exactly 'weights' and 'biases',"
                  " got {'weights': [[0.1, 0.2]]}"),
    "weightsempty": (with_layers({"weights": [], "biases": []}),
                     "layer 0: 'weights' must be a non-empty list of rows, got []"),
    "rowshort": (with_layers({"weights": [[0.1]], "biases": [0.0]}),
                 "layer 0: weights row 0 must be a list of 2 numbers, got a list of 1"),
    "rowdict": (with_layers({"weights": [{"a": 1}], "biases": [0.0]}),
                "layer 0: weights row 0 must be a list of 2 numbers, got a dict"),
    "biasstr": (with_layers({"weights": [[0.1, 0.2]], "biases": ["x"]}),
                "layer 0: biases holds 'x'; weights must be finite numbers"),
    "biasesshort": (T.replace("[0.0, 0.5]", "[0.0]"),
                    "layer 0: biases must be a list of 2 numbers, got a list of 1"),
    "weight-nan": (T.replace("0.1", "NaN"), "it holds NaN, which is not a valid weight"),
    "weight-infinity": (T.replace("0.1", "Infinity"), "it holds Infinity, which is not a valid weight"),
    "weight-1e999": (T.replace("0.1", "1e999"),
                     "layer 0: weights row 0 holds inf; weights must be finite numbers"),
    "weight-str": (T.replace("0.1", '"0.1"'),
                   "layer 0: weights row 0 holds '0.1'; weights must be finite numbers"),
    "weight-bool": (T.replace("0.1", "true"),
                    "layer 0: weights row 0 holds True; weights must be finite numbers"),
    "neuron2rows": (json.dumps(NEURON_TWO_ROWS), "a Neuron has one row of weights, the file has 2"),
    "layer2layers": (json.dumps(LAYER_TWO_LAYERS), "a Layer has exactly one layer, the file has 2"),
}


def load_error(tmp_path, content: bytes) -> str:
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        nn.load(path)
    message = str(info.value)
    assert message.startswith(f"cannot load model from {str(path)!r}: ")
    assert path.read_bytes() == content  # load never writes
    return message[len(f"cannot load model from {str(path)!r}: "):]


@pytest.mark.parametrize("name", sorted(LOAD_FILES))
def test_load_names_the_file_and_the_exact_problem(tmp_path, name):
    content, problem = LOAD_FILES[name]
    assert load_error(tmp_path, content if isinstance(content, bytes) else content.encode()) == problem


def test_load_problems_reading_the_file(tmp_path, monkeypatch):
    missing = tmp_path / "missing.json"
    with pytest.raises(ValueError, match=r"^cannot load model from '.*missing.json': no such file$"):
        nn.load(missing)
    a_directory = r"^cannot load model from '.*': it is a directory, not a model file$"
    with pytest.raises(ValueError, match=a_directory):
        nn.load(tmp_path)
    (tmp_path / "file").write_text("{}")
    not_a_directory = r"^cannot load model from '.*file/m.json': cannot read it \(Not a directory\)$"
    with pytest.raises(ValueError, match=not_a_directory):
        nn.load(tmp_path / "file" / "m.json")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(GOOD))
    size = path.stat().st_size
    monkeypatch.setattr(nn.io, "MAX_BYTES", size)
    assert isinstance(nn.load(path), nn.MLP)  # exactly the limit is fine
    monkeypatch.setattr(nn.io, "MAX_BYTES", size - 1)
    with pytest.raises(ValueError) as info:
        nn.load(path)
    assert str(info.value) == (f"cannot load model from {str(path)!r}: "
                               f"the file is more than {size - 1} bytes, the most a model file may have")


def test_load_accepts_one_input_and_the_newest_version(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(dict(GOOD, nin=1, layers=[{"weights": [[0.5]], "biases": [0.25]}])))
    model = nn.load(path)
    assert model.nin == 1 and [p.data for p in model.parameters()] == [0.5, 0.25]


# --- nn.save: a failure leaves the previous file whole and no temporary file behind ---


def test_a_save_that_cannot_rename_removes_its_temporary_file(tmp_path):
    target = tmp_path / "a_directory"
    target.mkdir()
    (target / "keep").write_text("x")  # a non-empty directory: os.replace must fail
    with pytest.raises(OSError):
        nn.save(nn.Neuron(1, seed=0), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_directory"]


def test_a_failed_save_leaves_the_previous_file_whole(tmp_path):
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [1], seed=0), path)
    before = path.read_bytes()
    broken = nn.MLP(2, [1], seed=1)
    broken.parameters()[0].data = math.inf
    with pytest.raises(ValueError, match="nan or inf"):
        nn.save(broken, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.json"]
