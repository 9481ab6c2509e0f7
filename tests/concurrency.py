"""Run the same call in several threads released at the same moment (a barrier), each with its
own database connection, as two beat firings or two workers would."""

import threading

from django.db import connections


def run_at_once(function, times: int = 2) -> list:
    """Call ``function()`` ``times`` times at once; returns the results. Raises the first error a
    thread met (after all have finished)."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # re-raised below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
