#!/usr/bin/python3
"""example_adapter.py - an external yiwang adapter in Python.

It proves that an integrator needs nothing from yiwang but proto/yiwang.proto
and docs/ADAPTERS.md: the message classes come from stock protoc, the socket
from pyzmq. Debian packages only: python3-zmq, python3-protobuf,
protobuf-compiler. Generate the classes once, then run:

    protoc --python_out=GEN -I proto proto/yiwang.proto
    PYTHONPATH=GEN /usr/bin/python3 node/adapters/example_adapter.py \\
        --node ipc:///srv/yiwang/ingest.ipc --kind vehicle \\
        --column 车牌号=plate --column 车架号=vin fleet.csv

As a library: Adapter(endpoint, source, kind).row(line, {"vin": ...}) for each
row, .reject(...) for rows the local system knows are bad, .finish(full) for
the summed report. The class follows the C SDK (node/adapter.h): batches of
`batch_rows` rows, up to `window` batches in flight over a DEALER socket, a
timeout for every wait, rows that would make the node refuse a whole batch
(values over 4096 bytes, bytes that are not UTF-8) sent as rejections.
"""

import argparse
import collections
import csv
import secrets
import sys

try:
    import zmq
    from google.protobuf.message import DecodeError
except ImportError as error:  # pragma: no cover - depends on the system
    sys.exit(f"example_adapter.py: {error}: install python3-zmq and python3-protobuf")
try:
    import yiwang_pb2 as pb
except ImportError:
    sys.exit("example_adapter.py: yiwang_pb2 not found: generate it with\n"
             "  protoc --python_out=DIR -I proto proto/yiwang.proto\n"
             "and put DIR on PYTHONPATH")

# Limits of the ingest protocol (codebook/yw.h).
MAX_FIELD = 4096            # bytes of one value
MAX_FRAME = 64 << 20        # bytes of one frame
MAX_BATCH_ROWS = 100000     # rows of one batch
MAX_SOURCE = 255            # bytes of a source name the node keeps
FRAME_BUDGET = MAX_FRAME - (1 << 20)

# Error codes (codebook/yw.h) this module raises itself.
EINVAL, ETOOBIG, EPEER, ETIMEOUT = -1, -6, -13, -14

KIND_BODY = {"vehicle": "Vehicle", "office_building": "OfficeBuilding",
             "reception_filing": "ReceptionFiling"}


def readable(text):
    """text as valid UTF-8 for the wire: bytes that were not text in the file's
    encoding (kept by errors="surrogateescape") shown as \\xNN."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    return data.decode("utf-8", "backslashreplace")


def cut(text, size=MAX_FIELD):
    """text cut to at most size bytes of UTF-8, on a character boundary."""
    return text.encode()[:size].decode(errors="ignore")


def standard_fields(kind):
    """The standard field names of a kind (DESIGN 2), read from the generated
    code: the envelope's region_code and unit_code, and the body message's
    fields."""
    body = getattr(pb, KIND_BODY[kind]).DESCRIPTOR
    return ["region_code", "unit_code"] + [field.name for field in body.fields]


class IngestError(Exception):
    """A run-ending failure; status is a YW_E code (negative)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Adapter:
    """One import run of one source, like adapter_t in node/adapter.h."""

    def __init__(self, endpoint, source, kind, region="", batch_rows=5000, window=4,
                 timeout=30.0, context=None):
        if kind not in KIND_BODY:
            raise IngestError(EINVAL, f"kind {kind!r}: one of {', '.join(KIND_BODY)}")
        if not 0 < len(source.encode()) <= MAX_SOURCE:
            raise IngestError(EINVAL, f"source name must be 1 to {MAX_SOURCE} bytes")
        if not 1 <= batch_rows <= MAX_BATCH_ROWS:
            raise IngestError(EINVAL, f"batch size must be 1 to {MAX_BATCH_ROWS} rows")
        self.endpoint = endpoint
        self.source = source
        self.kind = kind
        self.fields = set(standard_fields(kind))
        self.region = region
        self.batch_rows = batch_rows
        self.window = max(1, window)
        self.timeout_ms = int(timeout * 1000)
        self.import_id = secrets.randbits(64) or 1      # same for every batch of the run
        self.socket = (context or zmq.Context.instance()).socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.in_flight = 0
        self.totals = collections.Counter()
        self.reasons = collections.Counter()
        self.samples = []
        self._new_batch()

    def _new_batch(self):
        self.batch = pb.IngestBatch(source=self.source, kind=pb.Kind.Value(self.kind.upper()),
                                    import_id=self.import_id, region=self.region)
        self.batch_bytes = 0

    def _make_room(self, size):
        items = len(self.batch.rows) + len(self.batch.rejections)
        if items and (items >= self.batch_rows or self.batch_bytes + size > FRAME_BUDGET):
            self._send(final=False)

    def row(self, line, fields):
        """Sends one row: a dict of standard field name -> local text."""
        for name, value in fields.items():
            if name not in self.fields:
                raise IngestError(EINVAL, f"line {line}: {name!r} is not a standard field "
                                          f"of {self.kind}")
        # An empty value is no value to the node: not sent, so that a row
        # without region_code takes the batch's region.
        values = {name: str(value) for name, value in fields.items()
                  if value is not None and str(value) != ""}
        for name, value in values.items():
            # Values the node would refuse a whole batch for go as rejections.
            try:
                size = len(value.encode())
            except UnicodeEncodeError:  # bytes that were not text in the file's encoding
                return self.reject(line, name, "BAD_ENCODING", value,
                                   f"{name}: not valid text in the file's encoding")
            if size > MAX_FIELD:
                return self.reject(line, name, "TOO_LONG", value,
                                   f"{name}: value is {size} bytes, more than {MAX_FIELD}")
        size = sum(len(n) + len(v.encode()) + 16 for n, v in values.items()) + 32
        self._make_room(size)
        raw = self.batch.rows.add(line=line)
        for name, value in values.items():
            raw.fields.add(name=name, value=value)
        self.batch_bytes += size

    def reject(self, line, field, reason, value="", message=""):
        """Sends a row the local system already rejected (field "" for the row)."""
        if field and field not in self.fields:
            raise IngestError(EINVAL, f"line {line}: {field!r} is not a standard field")
        value, message = cut(readable(value or "")), cut(readable(message or ""))
        size = len(value.encode()) + len(message.encode()) + 256
        self._make_room(size)
        self.batch.rejections.add(source=self.source, line=line, field=field, reason=reason,
                                  value=value, message=message)
        self.batch_bytes += size

    def finish(self, full=False):
        """Sends the final batch (full: the run is a complete export, so the node
        deletes what this source sent before and this run did not), waits for
        every report and returns the summed report."""
        self._send(final=True, full=full)
        while self.in_flight:
            self._receive(wait=True)
        return self.report()

    def report(self):
        report = dict(self.totals)
        for key in ("rows", "new", "changed", "unchanged", "deleted", "rejected"):
            report.setdefault(key, 0)
        report["reasons"] = dict(self.reasons)
        report["samples"] = list(self.samples)
        return report

    def close(self):
        self.socket.close(linger=0)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _send(self, final, full=False):
        while self.in_flight >= self.window:
            self._receive(wait=True)
        self.batch.final = final
        self.batch.full = full
        frame = self.batch.SerializeToString()
        if len(frame) > MAX_FRAME:
            raise IngestError(ETOOBIG, f"batch of {len(frame)} bytes over the frame limit")
        # The empty delimiter frame, as a REQ socket would send it.
        self.socket.send_multipart([b"", frame])
        self.in_flight += 1
        self._new_batch()
        while self._receive(wait=False):
            pass

    def _receive(self, wait):
        if not self.socket.poll(self.timeout_ms if wait else 0):
            if not wait:
                return False
            raise IngestError(ETIMEOUT, f"no report from the node at {self.endpoint} within "
                                        f"{self.timeout_ms / 1000:g} s: is yiwang-node running "
                                        f"and listening there?")
        frames = self.socket.recv_multipart()
        if len(frames) != 2 or frames[0] != b"" or not self.in_flight:
            raise IngestError(EPEER, f"the node at {self.endpoint} answered with unexpected frames")
        report = pb.IngestReport()
        try:
            report.ParseFromString(frames[1])
        except DecodeError as error:
            raise IngestError(EPEER, f"the node at {self.endpoint} answered with something "
                                     f"that is not an IngestReport: {error}") from None
        self.in_flight -= 1
        if report.status != 0:
            raise IngestError(report.status, f"the node at {self.endpoint} refused a batch: "
                                             f"{report.error} (status {report.status})")
        for key in ("rows", "new", "changed", "unchanged", "deleted", "rejected"):
            self.totals[key] += getattr(report, key)
        for item in report.reasons:
            self.reasons[item.reason] += item.count
        for item in report.rejections:
            if len(self.samples) < 20:
                self.samples.append(dict(line=item.line, field=item.field, reason=item.reason,
                                         value=item.value, message=item.message))
        return True


def send_rows(adapter, rows, full=False):
    """Sends a list (or any iterable) of dicts, numbered from line 1."""
    for line, fields in enumerate(rows, start=1):
        adapter.row(line, fields)
    return adapter.finish(full)


def send_csv(adapter, path, encoding, columns):
    """Sends a CSV file: columns maps header names to standard fields; a
    header that is a standard field name already needs no mapping."""
    with open(path, encoding=encoding, errors="surrogateescape", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header is None:
            raise IngestError(EINVAL, f"{path}: empty file")
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        names = [columns.get(column, column if column in adapter.fields else None)
                 for column in header]
        for column, name in zip(header, names):
            if name is None:
                print(f"{path}: column {column!r} is not sent (no standard field)",
                      file=sys.stderr)
        last = reader.line_num
        for cells in reader:
            line, last = last + 1, reader.line_num    # where the record starts
            if not cells:
                continue
            if len(cells) != len(header):
                adapter.reject(line, "", "BAD_CSV", ",".join(cells),
                               f"{len(cells)} columns, the header has {len(header)}")
                continue
            adapter.row(line, {name: cell for name, cell in zip(names, cells) if name})


def print_report(report):
    for key in ("rows", "new", "changed", "unchanged", "deleted", "rejected"):
        print(f"{key:<10} {report[key]}")
    for reason, count in report["reasons"].items():
        print(f"  {reason:<16} {count}")
    for sample in report["samples"]:
        print(f"line {sample['line']}: {sample['reason']} {sample['message']}")


def main():
    parser = argparse.ArgumentParser(
        description="Send a CSV file to a yiwang node's ingest socket as raw rows.")
    parser.add_argument("--node", required=True, help="ingest endpoint, e.g. ipc:///srv/yiwang/ingest.ipc")
    parser.add_argument("--kind", required=True, choices=sorted(KIND_BODY))
    parser.add_argument("--source", help="feed name (default: the file name); keep it stable")
    parser.add_argument("--region", default="", help="region of rows without region_code")
    parser.add_argument("--full", action="store_true", help="the file is a complete export")
    parser.add_argument("--encoding", default="utf-8-sig", help="file encoding (utf-8, gb18030, gbk)")
    parser.add_argument("--column", action="append", default=[], metavar="LOCAL=FIELD",
                        help="CSV header LOCAL feeds standard field FIELD (repeat)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per batch")
    parser.add_argument("--window", type=int, default=4, help="batches in flight")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the node")
    parser.add_argument("file")
    args = parser.parse_args()
    columns = {}
    for item in args.column:
        local, _, field = item.partition("=")
        if not local or not field:
            parser.error(f"--column {item!r}: LOCAL=FIELD")
        columns[local] = field
    source = args.source or args.file.rsplit("/", 1)[-1]
    try:
        with Adapter(args.node, source, args.kind, region=args.region, batch_rows=args.batch,
                     window=args.window, timeout=args.timeout) as adapter:
            unknown = set(columns.values()) - adapter.fields
            if unknown:
                parser.error(f"not standard fields of {args.kind}: {', '.join(sorted(unknown))}")
            send_csv(adapter, args.file, args.encoding, columns)
            report = adapter.finish(args.full)
            print(f"{args.file} -> {args.node} (import {adapter.import_id:016x})")
            print_report(report)
    except OSError as error:
        print(f"example_adapter.py: {error}", file=sys.stderr)
        return 2
    except IngestError as error:
        print(f"example_adapter.py: {args.file}: {error}", file=sys.stderr)
        return 2 if error.status == EINVAL else 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
