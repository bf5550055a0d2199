"""The job consumer (Procfile `worker`): Huey's own consumer, with the app's logging and a graceful stop.

`python -m server.ops.consumer [huey instance] [huey_consumer options]`, by default the instance
`server.worker.huey`. Unlike `huey_consumer` it logs through the app's one configuration (JSON in
production, the job's request id on every line) instead of adding a handler of its own, and SIGTERM
(what a process manager, systemd or Kubernetes sends) stops it gracefully: no new jobs are taken,
the running ones get `WORKER_SHUTDOWN_TIMEOUT` seconds (default 25, under the usual 30 before a
SIGKILL) to finish, and those still running then are queued again for the next consumer
(server.ops.jobs). A second SIGTERM, or SIGINT, stops at once. With `WORKER_METRICS_PORT` it serves
its job counters to Prometheus on that port (of `WORKER_METRICS_ADDR`, default 127.0.0.1).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType
from typing import Any

from huey.consumer import Consumer  # type: ignore[import-untyped]
from huey.consumer_options import ConsumerConfig, OptionParserHandler  # type: ignore[import-untyped]
from huey.utils import load_class  # type: ignore[import-untyped]

DEFAULT_INSTANCE = "server.worker.huey"
READY = "consumer ready: SIGTERM stops it gracefully"
logger = logging.getLogger("huey.consumer")
_early: list[int] = []


def _remember(signum: int, frame: FrameType | None) -> None:
    """A stop asked for while the app is still loading: acted on once the consumer's handlers are set."""
    _early.append(signum)


class GracefulConsumer(Consumer):
    def _set_signal_handlers(self) -> None:
        super()._set_signal_handlers()
        logger.info(READY)
        for signum in _early:
            self._handle_signal(signum, None)


def main(argv: list[str] | None = None) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _remember)
    options, args = OptionParserHandler().get_option_parser().parse_args(argv)
    values = {key: value for key, value in vars(options).items() if value is not None}
    values.setdefault("graceful_signal", "TERM")
    values.setdefault("shutdown_timeout", float(os.environ.get("WORKER_SHUTDOWN_TIMEOUT", "25")))
    config = ConsumerConfig(**values)
    config.validate()
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    huey: Any = load_class(args[0] if args else DEFAULT_INSTANCE)  # builds the app: logging is set up
    if os.environ.get("WORKER_METRICS_PORT"):
        from prometheus_client import start_http_server

        # The worker's own counters (jobs by outcome) on a port of its own, for Prometheus only.
        start_http_server(int(os.environ["WORKER_METRICS_PORT"]), os.environ.get("WORKER_METRICS_ADDR", "127.0.0.1"))
    GracefulConsumer(huey, **config.values).run()


if __name__ == "__main__":
    main()
