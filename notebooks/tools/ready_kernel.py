"""Kernel manager used by run-notebooks.sh: waits until the Java kernel is ready before the client talks to it.

rapaio-jupyter-kernel 3.0.1 binds its shell socket and starts the thread that reads it before it has
registered its message handlers. A kernel_info_request that the client queued early reaches that thread
in the gap, and the thread dies on a NullPointerException (seen here). This manager holds the client
back until all five of the kernel's ports are listening, and then 2 s more, by which time the handlers
are in place. It reads the listening sockets from /proc/net/tcp, so nothing touches the kernel's
sockets before the client does; where there is no /proc it waits a fixed time instead.
"""
import asyncio
import os
import time

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.utils import ensure_async

READY_TIMEOUT_S = 120
SETTLE_S = 2.0
NO_PROC_WAIT_S = 8.0
TCP_LISTEN = "0A"


def _listening_ports():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == TCP_LISTEN:
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


class ReadyKernelManager(AsyncKernelManager):
    async def post_start_kernel(self, **kw):
        ports = {self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port}
        if not os.path.exists("/proc/net/tcp"):
            await asyncio.sleep(NO_PROC_WAIT_S)
        else:
            deadline = time.monotonic() + READY_TIMEOUT_S
            # If the kernel dies or never binds, fall through: nbclient then reports it as usual.
            while time.monotonic() < deadline and await ensure_async(self.is_alive()):
                if ports <= _listening_ports():
                    await asyncio.sleep(SETTLE_S)
                    break
                await asyncio.sleep(0.1)
        await super().post_start_kernel(**kw)
