"""Drives `tutti play --osc PORT` with python-osc, as a live coder's client would.

Usage: osc_control.py PORT
Prints the /tutti/status reply as `status: <args>`.
"""
import random
import socket
import sys
import time

from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.udp_client import SimpleUDPClient

port = int(sys.argv[1])
client = SimpleUDPClient("127.0.0.1", port)
time.sleep(0.5)
client.send_message("/tutti/track/mute", [2, 1])
time.sleep(0.5)
client.send_message("/tutti/track/gain", [1, -6.0206])
time.sleep(0.5)
client.send_message("/tutti/master", 2.0)
time.sleep(0.5)
rng = random.Random(1)
raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1000):
    kind = i % 4
    if kind == 0:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    elif kind == 1:
        data = b"/tutti/seek\x00,s\x00\x00oops\x00\x00\x00\x00"  # wrong argument type
    elif kind == 2:
        data = b"/tutti/track/gain\x00\x00\x00,i\x00\x00\x00\x00\x00"  # truncated
    else:
        builder = OscMessageBuilder(address="/tutti/nonsense/%d" % i)
        builder.add_arg(rng.random())
        data = builder.build().dgram
    raw.sendto(data, ("127.0.0.1", port))
    time.sleep(0.0002)
time.sleep(0.3)
status = OscMessageBuilder(address="/tutti/status").build()
raw.settimeout(2.0)
raw.sendto(status.dgram, ("127.0.0.1", port))
reply, _ = raw.recvfrom(4096)
print("status:", " ".join(str(a) for a in OscMessage(reply).params), flush=True)
time.sleep(0.5)
client.send_message("/tutti/seek", 5.0)
