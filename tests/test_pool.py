"""The booklet's workers (publish.render.pool): a worker forked early to load WeasyPrint
renders only; tasks that need the loaded collection go to workers forked after it; never
more busy workers than jobs."""

from __future__ import annotations

import os
import time
from pathlib import Path

from publish.render.cache import Cache
from publish.render.pool import RenderState, Workers, early_queue


def _state(tmp_path: Path) -> RenderState:
    return RenderState(Cache(tmp_path / "cache", True), tmp_path.as_uri() + "/", [tmp_path],
                       early_queue())


def _nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_tasks_that_need_the_collection_never_go_to_a_renderer(tmp_path: Path) -> None:
    with Workers(2, _state(tmp_path), renderers=1) as pool:
        assert len(pool.workers) == 1 and pool.render_only == {0}
        for n in range(4):
            pool.submit(f"t{n}", _nap, 0.05)
            assert 0 not in pool.worker_of.values()
            assert sum(1 for load in pool.load if load) <= 2
        pids = set()
        while pool.running:
            pids.update(pid for _tag, pid in pool.next())
        assert len(pids) == 2 and os.getpid() not in pids
        assert len(pool.workers) == 3  # the renderer and two workers with the collection


def test_one_job_runs_in_this_process(tmp_path: Path) -> None:
    with Workers(1, _state(tmp_path), renderers=1) as pool:
        assert pool.workers == []
        pool.submit("t", _nap, 0)
        assert pool.next() == [("t", os.getpid())]
