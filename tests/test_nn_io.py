"""nn.save / nn.load: round trips, the file format, and every bad file we could think of."""

import json
import os

import pytest

import nn
from nn import MLP, Layer, Neuron


def outputs(model, x):
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


@pytest.mark.parametrize("model", [
    MLP(3, [4, 5, 2], activation="tanh", output_activation="softmax", seed=0),
    MLP(3, [1], activation="leaky_relu", output_activation="sigmoid", seed=1),
    Layer(3, 4, activation="sigmoid", seed=2),
    Layer(3, 2, activation="softmax", seed=2),
    Neuron(3, activation="linear", seed=3),
], ids=["mlp", "mlp-one-layer", "layer", "softmax-layer", "neuron"])
def test_round_trip_gives_the_same_model(tmp_path, model):
    for i, p in enumerate(model.parameters()):
        p.data += 0.1 * i  # nonzero biases
    path = tmp_path / "model.json"
    nn.save(model, path)
    loaded = nn.load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]  # exact
    x = [0.3, -1.2, 2.0]
    assert outputs(loaded, x) == outputs(model, x)
    assert not os.path.exists(f"{path}.tmp")


def test_the_file_is_plain_json_with_format_version_architecture_and_weights(tmp_path):
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    path = tmp_path / "m.json"
    nn.save(model, str(path))
    record = json.loads(path.read_text())
    assert record["format"] == "chainrule.nn" and record["version"] == 1
    assert record["model"] == "MLP" and record["nin"] == 2
    assert record["activation"] == "tanh" and record["output_activation"] == "linear"
    assert [len(layer["biases"]) for layer in record["layers"]] == [3, 1]
    assert record["layers"][0]["weights"][1] == [w.data for w in model.layers[0].neurons[1].w]


def test_save_refuses_nan_weights_and_other_objects(tmp_path):
    model = Neuron(2, seed=0)
    model.w[0].data = float("nan")
    with pytest.raises(ValueError, match="nan or inf"):
        nn.save(model, tmp_path / "bad.json")
    assert not os.path.exists(tmp_path / "bad.json")
    with pytest.raises(TypeError):
        nn.save(object(), tmp_path / "x.json")
    with pytest.raises(TypeError):
        nn.save(model, 3)


def good_record():
    return {"format": "chainrule.nn", "version": 1, "model": "MLP", "nin": 2, "activation": "relu",
            "output_activation": "linear",
            "layers": [{"weights": [[0.1, 0.2], [0.3, 0.4]], "biases": [0.0, 0.5]},
                       {"weights": [[1.0, -1.0]], "biases": [0.25]}]}


def test_a_hand_written_good_record_loads(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(good_record()))
    model = nn.load(path)
    assert [p.data for p in model.parameters()] == [0.1, 0.2, 0.0, 0.3, 0.4, 0.5, 1.0, -1.0, 0.25]


def edited(change):
    record = good_record()
    change(record)
    return json.dumps(record)


BAD_TEXT = {
    "empty": ("", "empty"),
    "whitespace": ("  \n", "empty"),
    "truncated": (json.dumps(good_record())[:80], "truncated"),
    "not json": ("weights: 1, 2, 3", "not valid JSON"),
    "python literal": ("{'format': 'chainrule.nn'}", "not valid JSON"),
    "deeply nested": ("[" * 100_000, "nested too deeply|truncated"),
    "deeply nested closed": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "NaN weight": (edited(lambda r: None).replace("0.1", "NaN"), "NaN"),
    "Infinity weight": (edited(lambda r: None).replace("0.1", "Infinity"), "Infinity"),
    "huge number": (edited(lambda r: None).replace("0.1", "1e400"), "finite"),
    "huge integer": (edited(lambda r: None).replace("0.1", "9" * 5000), "not a valid model file"),
    "a list": ("[1, 2, 3]", "not a model object"),
    "a string": ('"MLP"', "not a model object"),
    "wrong format": (edited(lambda r: r.update(format="keras")), "not a chainrule model file"),
    "no format": (edited(lambda r: r.pop("format")), "not a chainrule model file"),
    "newer version": (edited(lambda r: r.update(version=2)), "newer"),
    "version as text": (edited(lambda r: r.update(version="1")), "'version' must be"),
    "unknown model": (edited(lambda r: r.update(model="CNN")), "known models"),
    "missing key": (edited(lambda r: r.pop("nin")), r"missing \['nin'\]"),
    "unexpected key": (edited(lambda r: r.update(code="__import__('os')")), r"unexpected \['code'\]"),
    "nin zero": (edited(lambda r: r.update(nin=0)), "'nin' must be a positive integer"),
    "nin float": (edited(lambda r: r.update(nin=2.0)), "'nin' must be a positive integer"),
    "nin bool": (edited(lambda r: r.update(nin=True)), "'nin' must be a positive integer"),
    "unknown activation": (edited(lambda r: r.update(activation="gelu")),
                           "'activation' is 'gelu'; known names"),
    "softmax hidden": (edited(lambda r: r.update(activation="softmax")), "'activation' is 'softmax'"),
    "unknown output": (edited(lambda r: r.update(output_activation=3)), "'output_activation' is 3"),
    "no layers": (edited(lambda r: r.update(layers=[])), "'layers' must be a non-empty list"),
    "layers not list": (edited(lambda r: r.update(layers={"a": 1})), "'layers' must be a non-empty list"),
    "layer not object": (edited(lambda r: r["layers"].__setitem__(0, [1, 2])), "layer 0 must be an object"),
    "layer extra key": (edited(lambda r: r["layers"][0].update(extra=1)), "layer 0 must be an object"),
    "no weights rows": (edited(lambda r: r["layers"][0].update(weights=[])), "layer 0: 'weights'"),
    "short row": (edited(lambda r: r["layers"][0]["weights"][1].pop()), "weights row 1 must be a list of 2"),
    "wrong chain": (edited(lambda r: r["layers"][1].update(weights=[[1.0, 2.0, 3.0]])),
                    "layer 1: weights row 0 must be a list of 2"),
    "short biases": (edited(lambda r: r["layers"][0].update(biases=[0.0])),
                     "layer 0: biases must be a list of 2"),
    "biases not list": (edited(lambda r: r["layers"][0].update(biases=0.0)), "biases must be a list of 2"),
    "string weight": (edited(lambda r: r["layers"][0]["weights"][0].__setitem__(0, "0.1")), "finite numbers"),
    "bool weight": (edited(lambda r: r["layers"][0]["weights"][0].__setitem__(0, True)), "finite numbers"),
    "null bias": (edited(lambda r: r["layers"][1]["biases"].__setitem__(0, None)), "finite numbers"),
    "nested weight": (edited(lambda r: r["layers"][0]["weights"][0].__setitem__(0, [0.1])), "finite numbers"),
    "layer with two layers": (json.dumps({**good_record(), "model": "Layer", "output_activation": None}),
                              "unexpected"),
}


@pytest.mark.parametrize("name", list(BAD_TEXT))
def test_bad_files_raise_value_error_naming_the_file_and_problem(tmp_path, name):
    text, message = BAD_TEXT[name]
    path = tmp_path / "bad_model.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        nn.load(path)
    assert "bad_model.json" in str(error.value)


def test_layer_and_neuron_records_need_their_shapes(tmp_path):
    path = tmp_path / "bad.json"
    record = {**good_record(), "model": "Layer"}
    del record["output_activation"]
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="a Layer has exactly one layer, the file has 2"):
        nn.load(path)
    record["model"], record["layers"] = "Neuron", record["layers"][:1]
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="a Neuron has one row of weights, the file has 2"):
        nn.load(path)


def test_missing_file_directory_and_binary_files(tmp_path):
    with pytest.raises(ValueError, match="nope.json.*no such file"):
        nn.load(tmp_path / "nope.json")
    with pytest.raises(ValueError, match="directory"):
        nn.load(tmp_path)
    binary = tmp_path / "weights.bin"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(ValueError, match="weights.bin.*binary"):
        nn.load(binary)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"format": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        nn.load(latin)
    with pytest.raises(TypeError):
        nn.load(3)


def test_a_pickle_file_is_refused_and_never_unpickled(tmp_path):
    import pickle

    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ValueError):
        nn.load(path)
    assert not os.path.exists(tmp_path / "pwned")


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(good_record()).encode())
    assert nn.load(path).num_parameters() == 9


def test_saving_over_a_file_replaces_it_whole(tmp_path):
    path = tmp_path / "m.json"
    nn.save(MLP(2, [8, 8, 1], seed=0), path)
    nn.save(Neuron(2, seed=1), path)
    assert type(nn.load(path)) is Neuron
    assert sorted(os.listdir(tmp_path)) == ["m.json"]
