"""Starts gear's job server (gear.Server, what the `geard` script runs) on 127.0.0.1.

    .peers/python/gear/bin/python src/peers/drivers/python/gear_server.py --port N [--debug]

N = 0 lets the kernel pick a free port. Once the socket listens it prints one line on stdout,
    gear-server ready 127.0.0.1:PORT
and keeps serving until SIGTERM or SIGINT, when it shuts the server down and exits 0. Unlike
`geard`, it never daemonizes and writes no pid file (geard -d would need neither), and it binds
loopback only (geard's --listen-address).
"""
import argparse
import logging
import os
import signal
import sys
import threading

import gear


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0 = ephemeral)")
    parser.add_argument("--debug", action="store_true", help="gear's debug logging on stderr")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, stream=sys.stderr)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    server = gear.Server(port=args.port, host="127.0.0.1")
    # The constructor has bound and listened already; the accept thread is running.
    print("gear-server ready 127.0.0.1:%d" % server.port, flush=True)
    while not stop.wait(0.2):
        pass
    # gear's shutdown joins its threads and can take seconds with many open connections; give it
    # one second, then leave anyway so that a SIGTERM never needs a SIGKILL behind it.
    closer = threading.Thread(target=server.shutdown, daemon=True)
    closer.start()
    closer.join(1.0)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
