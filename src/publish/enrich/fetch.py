"""Answers to lookups: from the cache when it has them, else from the services — each service
in its own threads (as many as its etiquette allows, up to --jobs), id lookups batched where
the service takes batches — every answer stored in the cache as it arrives."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import timedelta

from ..errors import PublishError
from .cache import Cache, now
from .client import Client, Failure, Unreachable
from .record import LABELS, Answer, Lookup

NOT_ASKED = "not looked up in this run (the paper changed while it ran): run again"


@dataclass
class Progress:
    lookups_done: int = 0
    lookups_total: int = 0
    requests: int = 0  # sent over the network, retries included
    from_cache: int = 0  # lookups the cache answered
    failed: int = 0
    waiting: str = ""  # a service that is pacing itself, e.g. "arXiv"


class Offline(PublishError):
    pass


class Fetcher:
    """`ask` for `resolve`. With `network` off, only the cache answers (the run that writes
    resolves again from what the looking-up run stored)."""

    def __init__(self, clients: dict[str, Client], cache: Cache, network: bool = True,
                 max_age: timedelta | None = None,
                 on_progress: Callable[[Progress], None] = lambda p: None,
                 failures: dict[Lookup, str] | None = None) -> None:
        self.clients = clients
        # why each lookup that got no answer got none (this run's, or the looking-up run's)
        self.failures: dict[Lookup, str] = dict(failures or {})
        self.cache = cache
        self.network = network
        self.max_age = max_age  # for id lookups: older answers are asked again
        self.on_progress = on_progress
        self.progress = Progress()
        self.disabled: dict[str, str] = {}  # service -> why it is not asked any more
        self.stop = threading.Event()
        for client in clients.values():
            client.stop = self.stop
        self._lock = threading.Lock()

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.clients.values())

    def ask(self, lookups: list[Lookup]) -> dict[Lookup, Answer | str]:
        out: dict[Lookup, Answer | str] = {}
        todo: dict[str, list[Lookup]] = {}
        for lk in dict.fromkeys(lookups):
            answer = self.cache.get(lk.source, lk.key,
                                    None if lk.kind == "title" else self.max_age)
            if answer is not None:
                out[lk] = answer
                self.progress.from_cache += 1
            elif not self.network:
                out[lk] = self.failures.get(lk, NOT_ASKED)
            elif lk.source in self.disabled:
                out[lk] = self.failures[lk] = self.disabled[lk.source]
            else:
                todo.setdefault(lk.source, []).append(lk)
        self.progress.lookups_total += len(out) + sum(map(len, todo.values()))
        self.progress.lookups_done += len(out)
        self._report()
        if todo:
            self._fetch(todo, out)
        return out

    def _units(self, source: str, lookups: list[Lookup]) -> list[list[Lookup]]:
        """One request's lookups each: ids in batches of the service's size (one kind to a
        batch), titles one by one."""
        size = self.clients[source].service.batch
        units: list[list[Lookup]] = []
        by_kind: dict[str, list[Lookup]] = {}
        for lk in lookups:
            if lk.kind == "title" or size == 1:
                units.append([lk])
            else:
                by_kind.setdefault(lk.kind, []).append(lk)
        for group in by_kind.values():
            units += [group[i:i + size] for i in range(0, len(group), size)]
        return units

    def _fetch(self, todo: dict[str, list[Lookup]], out: dict[Lookup, Answer | str]) -> None:
        # Threads for as many requests as --jobs; each service's pace lets through as many
        # at once as it allows (which a service announcing its limits may change).
        pools = {s: ThreadPoolExecutor(max_workers=1 if self.clients[s].gate else
                                       self.clients[s].options.jobs,
                                       thread_name_prefix=f"enrich-{s}") for s in todo}
        running: dict[Future[dict[str, list]], tuple[str, list[Lookup]]] = {}
        try:
            for source, lookups in todo.items():
                for unit in self._units(source, lookups):
                    running[pools[source].submit(self.clients[source].ask, unit)] = \
                        (source, unit)
            unreachable: Unreachable | None = None
            # (as_completed waits on all the requests at once; a wait() per answer would walk
            # every pending one each time: quadratic at a thousand)
            for future in as_completed(running):
                source, unit = running[future]
                problem = self._settle(future, source, unit, out)
                if isinstance(problem, Unreachable) and unreachable is None:
                    unreachable = problem
                    self.stop.set()  # the others end at once, unsent
                self._report()
            if unreachable is not None:
                raise Offline(f"{unreachable} — offline, or a wrong URL? Nothing was written; "
                              "the answers so far are kept in build/enrich-cache.sqlite")
        except BaseException:
            self.stop.set()
            for future in running:
                future.cancel()
            raise
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)

    def _settle(self, future: Future, source: str, unit: list[Lookup],
                out: dict[Lookup, Answer | str]) -> Failure | None:
        """Record a finished request's answers (in the cache too), or its failure."""
        self.progress.lookups_done += len(unit)
        try:
            parsed = future.result()
        except Failure as exc:
            why = f"{LABELS[source]}: {exc}"
            if exc.fatal:
                self.disabled.setdefault(source, why)
            for lk in unit:
                out[lk] = self.failures[lk] = why
            self.progress.failed += len(unit)
            return exc
        stamp = now()
        kinds = self.clients[source].service.id_kinds
        for lk in unit:
            answer = Answer(parsed.get(lk.key, []), stamp)
            out[lk] = answer
            self.cache.put(source, lk.key, answer)
            for record in answer.records:  # what a run that knows its ids will ask
                for kind, value in record.ids().items():
                    if kind in kinds:
                        self.cache.put(source, f"{kind}:{value}", Answer([record], stamp),
                                       replace=False)
        return None

    def _report(self) -> None:
        self.progress.requests = self.sent
        self.on_progress(self.progress)
