"""An SMS backend for the worker-kill test: notes that it started, then takes its time."""

import os
import time


class SlowSmsBackend:
    def send(self, phone: str, template: str, params: dict) -> str:
        with open(os.environ["SLOW_SMS_STARTED"], "a") as f:
            f.write(f"{phone}\n")
        time.sleep(60)  # the test kills the worker here
        with open(os.environ["SLOW_SMS_SENT"], "a") as f:
            f.write(f"{phone}\n")
        return "slow-1"
