"""store.read_many: the read-ahead that loading a large tree goes through."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from publish.content.textfile import read_many


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 4])
def test_reads_every_file_in_order_with_errors_in_place(tmp_path: Path, threads: int):
    paths = []
    for i in range(3000):
        path = tmp_path / f"p{i}.md"
        if i != 1234:  # one file vanished between listing and reading
            path.write_bytes(f"paper {i}\n".encode() * (i % 7))
        paths.append(path)
    got = list(read_many(paths, batch=64, threads=threads))
    assert len(got) == len(paths)
    assert isinstance(got[1234], FileNotFoundError)
    assert all(got[i] == paths[i].read_bytes() for i in range(len(paths)) if i != 1234)


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 4])
def test_a_caller_that_stops_early_leaves_no_reader_behind(tmp_path: Path, threads: int):
    paths = []
    for i in range(5000):
        (path := tmp_path / f"p{i}.md").write_text("x" * 100)
        paths.append(path)
    reading = read_many(paths, batch=64, threads=threads)
    assert next(reading) == b"x" * 100
    reading.close()  # e.g. the caller raised
    assert not any(t.name.startswith("publish-read") for t in threading.enumerate())
