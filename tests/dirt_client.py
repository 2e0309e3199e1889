#!/usr/bin/env python3
"""A TidalCycles-style client for `tutti serve --dirt`, using python-osc.

Sends, to 127.0.0.1:PORT:
  - one bare /dirt/play (plays on arrival + latency),
  - a sequence of /dirt/play messages, one per timestamped OSC bundle, exactly as Tidal sends
    them (flat key/value pairs, keys sorted, cps/cycle/delta on every event),
  - a malformed message and an unknown sound.
Prints one JSON line: the timestamps' offsets (s) from the first bundle, in order.
"""
import json
import sys
import time

from pythonosc.osc_bundle_builder import OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.udp_client import UDPClient

CPS = 0.5625
# (cycle position, sound, n): 8ths and a few off-grid nudges, like `sound "bd*2 [~ sn] hh*3"`.
PATTERN = [
    (0.0, "bd", 0), (0.125, "hh", 0), (0.25, "sn", 1), (0.375, "hh", 1),
    (0.5, "bd", 1), (0.5625, "hh", 2), (0.75, "sn", 0), (0.8125, "hh", 0),
    (1.0, "bd", 3), (1.1666, "hh", 1), (1.3333, "sn", 2), (1.5, "bd", 0),
]


def play_message(s, n, cycle, **extra):
    m = OscMessageBuilder(address="/dirt/play")
    pairs = {"_id_": "1", "cps": CPS, "cycle": cycle, "delta": 1 / CPS / 8, "n": float(n), "orbit": 0, "s": s, **extra}
    for key in sorted(pairs):
        m.add_arg(key)
        value = pairs[key]
        if isinstance(value, str):
            m.add_arg(value, "s")
        elif isinstance(value, int):
            m.add_arg(value, "i")
        else:
            m.add_arg(value, "f")
    return m.build()


def main():
    port = int(sys.argv[1])
    client = UDPClient("127.0.0.1", port)
    client.send(play_message("hh", 0, 0.0))  # bare: plays at arrival + latency
    start = time.time() + 0.6
    offsets = []
    for cycle, s, n in PATTERN:
        at = start + cycle / CPS
        bundle = OscBundleBuilder(at)
        bundle.add_content(play_message(s, n, cycle, gain=1.0, pan=0.5))
        client.send(bundle.build())
        offsets.append(at - start)
    bad = OscMessageBuilder(address="/dirt/play")
    bad.add_arg("s")  # a key without a value
    client.send(bad.build())
    client.send(play_message("nosuchsound", 0, 0.0))
    print(json.dumps(offsets), flush=True)


if __name__ == "__main__":
    main()
