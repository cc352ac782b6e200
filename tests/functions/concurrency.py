"""Records how many invocations overlap, to check that branches and iterations run at once."""
import threading
import time

_lock = threading.Lock()
_running = 0
_peak = 0


def handler(event, context):
    global _running, _peak
    with _lock:
        _running += 1
        _peak = max(_peak, _running)
    started = time.time()
    time.sleep(event.get("sleep", 0.2))
    with _lock:
        _running -= 1
        peak = _peak
    return {"start": started, "end": time.time(), "peak": peak}


def reset(event, context):
    global _peak
    with _lock:
        _peak = 0
    return event
