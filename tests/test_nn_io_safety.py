"""nn.save and nn.load against what a shared file system does to them: racing writers, planted
symlinks, permissions, long names, devices and pipes, huge integers, and memory."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import tracemalloc

import pytest

import nn
from nn import io

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file semantics")


def small_model() -> nn.MLP:
    return nn.MLP(2, [3, 1], seed=0)


def test_two_writers_to_one_path_never_collide_and_every_read_loads(tmp_path):
    path = tmp_path / "model.json"
    nn.save(small_model(), path)
    errors: list[BaseException] = []
    stop = threading.Event()

    def write(seed: int) -> None:
        model = nn.MLP(2, [3, 1], seed=seed)
        try:
            for _ in range(150):
                nn.save(model, path)
        except BaseException as error:  # noqa: BLE001 - every failure is the test's finding
            errors.append(error)

    def read() -> None:
        try:
            while not stop.is_set():
                nn.load(path)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    writers = [threading.Thread(target=write, args=(seed,)) for seed in (1, 2)]
    reader = threading.Thread(target=read)
    for thread in [*writers, reader]:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temporary file left


@posix_only
def test_a_symlink_planted_at_the_old_temporary_name_is_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = tmp_path / "model.json"
    os.symlink(victim, f"{path}.tmp")
    nn.save(small_model(), path)
    assert victim.read_text() == "precious"
    assert nn.load(path).parameters()[0].data == small_model().parameters()[0].data


@posix_only
def test_an_existing_files_permissions_are_kept(tmp_path):
    path = tmp_path / "secret.json"
    nn.save(small_model(), path)
    os.chmod(path, 0o600)
    nn.save(small_model(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@posix_only
def test_a_new_file_gets_the_usual_permissions_of_the_umask(tmp_path):
    path = tmp_path / "new.json"
    old = os.umask(0o022)
    try:
        nn.save(small_model(), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_a_legal_255_character_name_saves_and_loads(tmp_path):
    path = tmp_path / ("m" * 250 + ".json")
    nn.save(small_model(), path)
    assert len(nn.load(path).parameters()) == len(small_model().parameters())


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    nn.save(small_model(), path)
    before = path.read_bytes()

    def full_disk(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        nn.save(nn.MLP(2, [3, 1], seed=5), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


@posix_only
def test_a_symlink_to_dev_zero_is_refused_at_once(tmp_path):
    link = tmp_path / "zero.json"
    os.symlink("/dev/zero", link)
    with pytest.raises(ValueError, match=r"zero\.json.*not a regular file"):
        nn.load(link)


@posix_only
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: result.append(pytest.raises(ValueError, nn.load, fifo).value),
                              daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "nn.load blocked on a FIFO"
    assert "not a regular file" in str(result[0]) and "pipe.json" in str(result[0])


def test_a_310_digit_integer_weight_is_a_value_error_naming_the_file(tmp_path):
    path = tmp_path / "huge.json"
    nn.save(small_model(), path)
    record = json.loads(path.read_text())
    record["layers"][0]["weights"][0][0] = 10**309
    path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match=r"huge\.json.*an integer of 310 digits.*finite"):
        nn.load(path)


def test_the_reader_enforces_the_size_bound_itself(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    nn.save(small_model(), path)
    monkeypatch.setattr(io, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(ValueError, match="more than"):
        nn.load(path)
    monkeypatch.setattr(io, "MAX_BYTES", path.stat().st_size)
    nn.load(path)  # at the bound exactly: fine


def test_a_file_growing_past_the_bound_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    nn.save(small_model(), path)
    with open(path, "rb") as file:
        with pytest.raises(io._Problem, match="more than 10 bytes"):
            io._read_at_most(file, 10)


def test_loading_costs_a_small_multiple_of_the_file_size(tmp_path):
    path = tmp_path / "model.json"
    nn.save(nn.MLP(32, [64, 64, 10], seed=0), path)
    size = path.stat().st_size
    nn.load(path)  # warm: imports and caches
    tracemalloc.start()
    try:
        model = nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(model.parameters()) == 32 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert peak < 20 * size, f"loading a {size}-byte file peaked at {peak} bytes ({peak / size:.0f}x)"
