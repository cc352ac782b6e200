"""``sfn timers``: the timer service of the distributed runner (one line of the Procfile)."""
from __future__ import annotations

import logging
import signal
from typing import Any

import click


@click.command()
@click.option("--virtual", is_flag=True,
              help="Tests only: virtual time that jumps to the next timer whenever the "
                   "workers are idle (workers need SFN_CLOCK=virtual).")
@click.option("--poll", type=float, default=0.05, show_default=True,
              help="Seconds between looks for due timers.")
def timers(virtual: bool, poll: float) -> None:
    """Fire due timers (Wait, retry backoff, timeouts) into the transition queue."""
    from workers.clock import RedisClock
    from workers.config import Settings
    from workers.runtime import Runtime
    from workers.timers import TimerService

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    rt = Runtime(Settings.from_env())
    clock = RedisClock(rt.redis) if virtual else None
    service = TimerService(rt.redis, rt.publish, clock, poll=poll)

    def stop(*_: Any) -> None:
        service.running = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"sfn timers: firing timers from {rt.settings.redis_url}"
               f"{' (virtual clock)' if virtual else ''}", err=True)
    service.run_forever()
