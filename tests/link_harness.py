#!/usr/bin/python3
"""link_harness.py - a misbehaving child for a real yiwang-hub (docs/PROTOCOL.md).

Speaks the replication link (ZeroMQ DEALER, one LinkMessage per frame, with
classes that stock protoc generates from proto/yiwang.proto) and replays a
real node's outbound log, taken from its store with mdb_dump, with the
faults a network and a buggy or hostile child produce: duplicated batches,
batches out of order, a garbage frame, a truncated batch, events outside the
child's jurisdiction. Used by tests/it_link_harness.sh.

    link_harness.py PB_DIR ENDPOINT CHILD_ID JURISDICTION STORE_DIR PHASE

PB_DIR holds yiwang_pb2.py (protoc --python_out); STORE_DIR is the stopped
source node's data directory; PHASE is `faults` or `resume` (see below).
Prints one line per step; exits 1 with the reason at the first surprise.
"""
import subprocess
import sys
import time

import zmq

sys.path.insert(0, sys.argv[1])
import yiwang_pb2 as pb  # noqa: E402

endpoint, child_id, jurisdiction, store_dir, phase = sys.argv[2:7]
TIMEOUT_MS = 10000
LOG_ID = 0x5EED0F10C  # the incarnation of the replayed log, the same in both phases


def fail(message):
    print("link_harness: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def log_entries(directory):
    """The source node's outbound log: {link seq: origin batch bytes}."""
    out = subprocess.run(["mdb_dump", "-s", "log", directory], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    start = out.index("HEADER=END") + 1
    entries = {}
    lines = [line.strip() for line in out[start:] if line.startswith(" ")]
    for key, value in zip(lines[0::2], lines[1::2]):
        entries[int(key, 16)] = bytes.fromhex(value)
    return entries


def varint(value):
    out = b""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


class Child:
    def __init__(self):
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.nonce = int(time.time() * 1000)

    def send(self, message):
        self.socket.send(message.SerializeToString())

    def receive(self, timeout_ms=TIMEOUT_MS):
        """The next message that is not a PING/PONG, or None on timeout."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            left = int((deadline - time.monotonic()) * 1000)
            if left <= 0 or not self.socket.poll(left):
                return None
            message = pb.LinkMessage()
            message.ParseFromString(self.socket.recv())
            kind = message.WhichOneof("body")
            if kind == "ping":  # the parent checks we are alive
                pong = pb.LinkMessage()
                pong.pong.nonce = message.ping.nonce
                self.send(pong)
                continue
            if kind == "pong":
                continue
            return message

    def expect(self, kind, what):
        message = self.receive()
        if message is None:
            fail("%s: no answer in %d s" % (what, TIMEOUT_MS // 1000))
        if message.WhichOneof("body") != kind:
            fail("%s: expected %s, got %s" % (what, kind, message))
        return getattr(message, kind)

    def hello(self, log_first, log_last):
        self.nonce += 1
        message = pb.LinkMessage()
        message.hello.protocol = 1
        message.hello.node_id = child_id
        message.hello.jurisdiction = jurisdiction
        message.hello.log_first = log_first
        message.hello.log_last = log_last
        message.hello.nonce = self.nonce
        if "log_id" in pb.LinkHello.DESCRIPTOR.fields_by_name:
            message.hello.log_id = LOG_ID
            self.send(message)
        else:
            # docs/PROTOCOL.md's HELLO.log_id (field 7) is missing from
            # yiwang.proto: append it by hand, as a varint field.
            hello = message.hello.SerializeToString() + b"\x38" + varint(LOG_ID)
            self.socket.send(b"\x0a" + varint(len(hello)) + hello)
        while True:
            welcome = self.expect("welcome", "HELLO")
            if welcome.nonce == self.nonce:
                return welcome

    def batch(self, seq, data):
        message = pb.LinkMessage()
        message.batch.link_seq = seq
        message.batch.origin_batch = data
        self.send(message)

    def error(self, what):
        """The next ERROR; ACKs before it (of the same round) are skipped."""
        while True:
            message = self.receive()
            if message is None:
                fail("%s: no ERROR in %d s" % (what, TIMEOUT_MS // 1000))
            kind = message.WhichOneof("body")
            if kind == "error":
                return message.error
            if kind != "ack":
                fail("%s: expected ERROR, got %s" % (what, message))

    def ack_upto(self, seq, what):
        """ACKs until one covers seq; returns them summed."""
        total = pb.LinkAck()
        while True:
            ack = self.expect("ack", what)
            total.accepted += ack.accepted
            total.stale += ack.stale
            total.duplicates += ack.duplicates
            total.rejected += ack.rejected
            total.rejections.extend(ack.rejections)
            if ack.upto_link_seq >= seq:
                total.upto_link_seq = ack.upto_link_seq
                return total


def events(data):
    batch = pb.OriginBatch()
    batch.ParseFromString(data)
    return len(batch.events)


entries = log_entries(store_dir)
seqs = sorted(entries)
if seqs != list(range(1, 7)):
    fail("the source log should hold link seqs 1-6, holds %s" % seqs)
count = {seq: events(entries[seq]) for seq in seqs}
child = Child()

if phase == "faults":
    welcome = child.hello(1, 6)
    if welcome.next_expected != 1 or welcome.credit < 1 or welcome.protocol != 1:
        fail("WELCOME: %s" % welcome)
    print("ok: HELLO -> WELCOME next_expected 1, credit %d" % welcome.credit)

    child.batch(1, entries[1])
    ack = child.ack_upto(1, "BATCH 1")
    if ack.accepted != count[1] or ack.rejected:
        fail("BATCH 1: accepted %d of %d: %s" % (ack.accepted, count[1], ack))
    print("ok: BATCH 1 -> ACK, %d events applied" % ack.accepted)

    # Duplicated: the same batch again is acknowledged and skipped.
    child.batch(1, entries[1])
    ack = child.ack_upto(1, "BATCH 1 again")
    if ack.accepted != 0 or ack.duplicates < 1:
        fail("duplicate BATCH 1: %s" % ack)
    print("ok: BATCH 1 again -> ACK, duplicate, nothing applied")

    # Reordered: 3 before 2 is a gap, answered with the seq expected.
    child.batch(3, entries[3])
    error = child.error("BATCH 3 before 2")
    if error.code != pb.LINK_GAP or error.expected != 2 or error.fatal:
        fail("BATCH 3 before 2: %s" % error)
    print("ok: BATCH 3 before 2 -> ERROR LINK_GAP, expected 2")
    child.batch(2, entries[2])
    child.batch(3, entries[3])
    ack = child.ack_upto(3, "BATCH 2, 3")
    if ack.accepted != count[2] + count[3]:
        fail("BATCH 2, 3: accepted %d, want %d" % (ack.accepted, count[2] + count[3]))
    print("ok: BATCH 2, 3 -> ACK upto 3")

    # A frame that is no LinkMessage: an error, the session goes on.
    child.socket.send(b"\xff\xff\xff\xff garbage")
    error = child.error("a garbage frame")
    if error.code != pb.LINK_MALFORMED or error.fatal:
        fail("garbage frame: %s" % error)
    print("ok: garbage frame -> ERROR LINK_MALFORMED, not fatal")

    # Events outside the child's jurisdiction: refused with a reason, the
    # rest of the batch applied.
    child.batch(4, entries[4])
    ack = child.ack_upto(4, "BATCH 4 (partly outside the jurisdiction)")
    outside = [r for r in ack.rejections if r.link_seq == 4]
    if ack.rejected != 10 or ack.accepted != count[4] - 10 or not outside:
        fail("BATCH 4: %s" % ack)
    if not all("JURISDICTION" in r.reason.upper() for r in outside):
        fail("BATCH 4: rejection reasons %s" % [r.reason for r in outside])
    print("ok: BATCH 4 -> ACK, %d applied, %d rejected (%s: %s)"
          % (ack.accepted, ack.rejected, outside[0].reason, outside[0].message))

    # A truncated batch fails verification: never applied, the link stops
    # (fail closed) and stays stopped whatever comes but a HELLO.
    child.batch(5, entries[5][: len(entries[5]) // 2])
    error = child.error("truncated BATCH 5")
    if error.code != pb.LINK_BATCH_INVALID or error.link_seq != 5 or not error.fatal:
        fail("truncated BATCH 5: %s" % error)
    print("ok: truncated BATCH 5 -> ERROR LINK_BATCH_INVALID naming seq 5, fatal")
    # (the stopped ERROR is repeated at most once a second)
    error = None
    for _ in range(5):
        child.batch(5, entries[5])
        message = child.receive(1200)
        if message is not None and message.WhichOneof("body") == "ack":
            fail("BATCH 5 on the stopped link was acknowledged: %s" % message)
        if message is not None and message.WhichOneof("body") == "error":
            error = message.error
            break
    if error is None or not error.fatal:
        fail("BATCH 5 on the stopped link: %s" % error)
    print("ok: BATCH 5 on the stopped link -> the stopped ERROR again, not applied")

    # A batch whose origin seq skips one (the origin's batch 6 as link seq 5):
    # an origin gap stops the link too.
    welcome = child.hello(1, 6)
    if welcome.next_expected != 5:
        fail("WELCOME after the stop: next_expected %d, want 5" % welcome.next_expected)
    child.batch(5, entries[6])
    error = child.error("origin batch 6 as link seq 5")
    if error.code != pb.LINK_ORIGIN_GAP or not error.fatal:
        fail("origin batch 6 as link seq 5: %s" % error)
    print("ok: HELLO -> WELCOME next_expected 5; origin batch 6 before 5 -> ERROR LINK_ORIGIN_GAP, fatal")

elif phase == "resume":
    welcome = child.hello(1, 6)
    if welcome.next_expected != 5:
        fail("WELCOME after the faults: next_expected %d, want 5" % welcome.next_expected)
    print("ok: HELLO -> WELCOME next_expected 5")
    child.batch(5, entries[5])
    child.batch(6, entries[6])
    ack = child.ack_upto(6, "BATCH 5, 6")
    if ack.accepted != count[5] + count[6]:
        fail("BATCH 5, 6: %s" % ack)
    print("ok: BATCH 5, 6 -> ACK upto 6")
else:
    fail("unknown phase " + phase)
