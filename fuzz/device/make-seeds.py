#!/usr/bin/env python3
"""Seed inputs for QEMU's generic-fuzz aimed at virtio-sysmem.

generic-fuzz (qemu-src/tests/qtest/fuzz/generic_fuzz.c) reads a sequence of
commands separated by b"FUZZ": MMIO/PIO/PCI-config reads and writes into the
fuzzed device's MemoryRegions (chosen by index, in address order) and "DMA
patterns".  It has no command that writes guest RAM: whenever the device
reads guest memory (ring, descriptor or buffer) the fuzzer first fills the
bytes read with the next DMA pattern.  A seed that carries real virtio-sysmem
traffic therefore sets, before each kick, the patterns in the order the
device reads guest memory while it pops one request chain:

  1. avail->idx (2 bytes)        4. the request buffer (address_space_map)
  2. avail->ring[i] (2 bytes)    5. descriptor 1 (16 bytes)
  3. descriptor 0 (16 bytes)     6. the reply buffer (mapped too)

This holds with QEMU_AVOID_DOUBLE_FETCH=1 (make fuzz-device sets it): the
same bytes are filled only once per command, so the second avail->idx read
that ends the pop loop sees the value already written.

usage: make-seeds.py OUTDIR [--notify-index=N --common-index=N]
"""

import os
import struct
import sys

SEP = b"FUZZ"

OP_WRITE = 3
OP_ADD_DMA_PATTERN = 7
OP_CLEAR_DMA_PATTERNS = 8
OP_CLOCK_STEP = 9

# generic-fuzz sizes for OP_WRITE
BYTE, WORD, LONG, QUAD = 0, 1, 2, 3

# Index of the MemoryRegions among the fuzzed ones, in guest-physical
# address order after generic-fuzz maps the BARs (libqos: BAR1 MSI-X at
# 0xe0000000, BAR2 modern virtio-pci at 0xe0004000): msix-table,
# msix-pba, common, isr, device, notify.
REGION = {"common": 2, "isr": 3, "device": 4, "notify": 5}

# virtio_pci_common_cfg
DFSELECT, GFSELECT, GF, STATUS = 0x00, 0x08, 0x0C, 0x14
Q_SELECT, Q_SIZE, Q_ENABLE = 0x16, 0x18, 0x1C
Q_DESC, Q_AVAIL, Q_USED = 0x20, 0x28, 0x30

QSIZE = 16
# Guest RAM layout (q35, 512M; generic-fuzz's DMA fills only touch RAM).
RING = {0: (0x100000, 0x101000, 0x102000), 1: (0x110000, 0x111000, 0x112000)}
REQ_BUF = 0x200000
RESP_BUF = 0x210000

# virtio-sysmem ABI (include/standard-headers/linux/virtio_sysmem.h)
OP_CONNECT, OP_MESSAGE, OP_CLOSE = 1, 2, 3
PROTO_SYSMEM2, PROTO_SYSMEM1 = 1, 2
HANDLE_CHANNEL_SERVER, HANDLE_CHANNEL_CLIENT = 1, 2

# include/sysmem/ordinals.h
ORD = {
    "alloc_non_shared": 0x5CA681F025A80E44,
    "alloc_shared": 0x11A19FF51F0B49C1,
    "sync": 0x11AC2555CF575B54,
    "release": 0x6A5CAE7D6D6E04C6,
    "set_constraints": 0x1FDE0F19D650197B,
    "wait_allocated": 0x062300344B61404E,
    "v1_alloc_non_shared": 0x20F79299BBB4D2C6,
    "unknown": 0x10FF10FF10FF10FF,
}


def cmd(op, payload=b""):
    return bytes([op]) + payload


def write(region, offset, value, size=LONG):
    return cmd(OP_WRITE, struct.pack("<BBxxIQ", size, REGION[region],
                                     offset, value))


def pattern(data, index=0, stride=0):
    assert len(data) >= 1
    return cmd(OP_ADD_DMA_PATTERN, struct.pack("<BB", index, stride) + data)


def init_device(queues=(0, 1)):
    """Reset, features (VERSION_1, V1, SECURE_HEAP), queues, DRIVER_OK.

    Without the event queue (queues=(0,)) events wait in the device (up to
    max-pending-events), so no event-queue DMA reads interleave with the
    request queue's patterns."""
    c = [write("common", STATUS, 0, BYTE),
         write("common", STATUS, 1, BYTE),
         write("common", STATUS, 3, BYTE),
         write("common", DFSELECT, 0),
         write("common", GFSELECT, 0),
         write("common", GF, 0x3),
         write("common", GFSELECT, 1),
         write("common", GF, 0x1),
         write("common", STATUS, 0xB, BYTE)]
    for q in queues:
        desc, avail, used = RING[q]
        c += [write("common", Q_SELECT, q, WORD),
              write("common", Q_SIZE, QSIZE, WORD),
              write("common", Q_DESC, desc), write("common", Q_DESC + 4, 0),
              write("common", Q_AVAIL, avail),
              write("common", Q_AVAIL + 4, 0),
              write("common", Q_USED, used), write("common", Q_USED + 4, 0),
              write("common", Q_ENABLE, 1, WORD)]
    c.append(write("common", STATUS, 0xF, BYTE))
    return c


class Driver:
    """Builds the kicks of one request chain after another on requestq."""

    def __init__(self):
        self.avail = 0

    def request(self, op, object_id, arg=0, msg=b"", handles=(), resp=256):
        hdr = struct.pack("<IIIIII", op, object_id, len(msg), len(handles),
                          arg, 0)
        out = hdr + msg + b"".join(handles)
        self.avail += 1
        slot = (self.avail - 1) % QSIZE
        desc0 = struct.pack("<QIHH", REQ_BUF, len(out), 1, 1)      # NEXT
        desc1 = struct.pack("<QIHH", RESP_BUF, 16 + resp, 2, 0)    # WRITE
        c = [cmd(OP_CLEAR_DMA_PATTERNS),
             pattern(struct.pack("<H", self.avail)),
             pattern(struct.pack("<H", 0)),
             pattern(desc0),
             pattern(out),
             pattern(desc1),
             pattern(b"\0")]
        del slot  # ring entries are all filled with head 0 (see pattern 2)
        c.append(write("notify", 0, 0, WORD))
        return c


def fidl(ordinal, body=b"", txid=0, flexible=True):
    return struct.pack("<IBBBBQ", txid, 2, 0, 0x80 if flexible else 0, 1,
                       ordinal) + body


def table_one_handle():
    """A FIDL table whose only field (ordinal 1) is a handle."""
    return (struct.pack("<QQ", 1, 0xFFFFFFFFFFFFFFFF) +
            struct.pack("<IHH", 0xFFFFFFFF, 1, 1))


# SetConstraints: CPU read/write often, 2 buffers for camping, 64 KiB each
# (what qsysmem_set_constraints(coll, 2, 65536) in
# tests/qtest/libqos/virtio-sysmem-fidl.c sends; encoded by codec/).
SET_CONSTRAINTS_2x64K = bytes.fromhex(
    "00000000020080017b1950d6190fde1f0100000000000000ffffffffffffffff"
    "88000000000000000700000000000000ffffffffffffffff2000000000000000"
    "0200000000000100000000000000000000000000000000000000000000000000"
    "000000000000000020000000000000000200000000000000ffffffffffffffff"
    "00000000000000000a000000000001000100000000000000ffffffffffffffff"
    "08000000000000000000010000000000")


def empty_table():
    return struct.pack("<QQ", 0, 0xFFFFFFFFFFFFFFFF)


def handle(kind, hid):
    return struct.pack("<IIIIQQ", kind, hid, 0, 0, 0, 0)


def seeds():
    out = {}
    out["init"] = init_device()

    d = Driver()
    out["connect-close"] = (init_device(queues=(0,)) +
                            d.request(OP_CONNECT, 1, PROTO_SYSMEM2) +
                            d.request(OP_CONNECT, 2, PROTO_SYSMEM1) +
                            d.request(OP_CLOSE, 1) + d.request(OP_CLOSE, 2))

    # sysmem2: Allocator -> AllocateNonSharedCollection -> Sync ->
    # SetConstraints (2 x 64 KiB) -> WaitForAllBuffersAllocated (2 buffer
    # handles, device ids 0x80000000...) -> CLOSE the buffers -> Release;
    # AllocateSharedCollection -> token Sync; CLOSE all.
    d = Driver()
    out["negotiate-v2"] = (
        init_device(queues=(0,)) +
        d.request(OP_CONNECT, 1, PROTO_SYSMEM2) +
        d.request(OP_MESSAGE, 1, msg=fidl(ORD["alloc_non_shared"],
                                          table_one_handle()),
                  handles=[handle(HANDLE_CHANNEL_SERVER, 2)]) +
        d.request(OP_MESSAGE, 2, msg=fidl(ORD["sync"], txid=1)) +
        d.request(OP_MESSAGE, 2, msg=SET_CONSTRAINTS_2x64K) +
        d.request(OP_MESSAGE, 2, msg=fidl(ORD["wait_allocated"], txid=2),
                  resp=2048) +
        d.request(OP_CLOSE, 0x80000000) + d.request(OP_CLOSE, 0x80000001) +
        d.request(OP_CLOSE, 0x80000002) +
        d.request(OP_MESSAGE, 2, msg=fidl(ORD["release"])) +
        d.request(OP_MESSAGE, 1, msg=fidl(ORD["alloc_shared"],
                                          table_one_handle()),
                  handles=[handle(HANDLE_CHANNEL_SERVER, 3)]) +
        d.request(OP_MESSAGE, 3, msg=fidl(ORD["sync"], txid=3)) +
        d.request(OP_CLOSE, 3) + d.request(OP_CLOSE, 2) +
        d.request(OP_CLOSE, 1))

    # A collection that fails (no constraints at all): CLOSED event queued
    # while the event queue has no buffers; then the event queue is kicked.
    d = Driver()
    out["fail-collection"] = (
        init_device(queues=(0,)) +
        d.request(OP_CONNECT, 1, PROTO_SYSMEM2) +
        d.request(OP_MESSAGE, 1, msg=fidl(ORD["alloc_non_shared"],
                                          table_one_handle()),
                  handles=[handle(HANDLE_CHANNEL_SERVER, 2)]) +
        d.request(OP_MESSAGE, 2, msg=fidl(ORD["set_constraints"],
                                          empty_table())) +
        d.request(OP_MESSAGE, 2, msg=fidl(ORD["sync"], txid=5)) +
        d.request(OP_CLOSE, 2) + d.request(OP_CLOSE, 1))

    # fuchsia.sysmem (v1) Allocator, AllocateNonSharedCollection (a struct
    # with one handle), and an unknown flexible two-way method.
    d = Driver()
    out["v1-unknown"] = (
        init_device(queues=(0,)) +
        d.request(OP_CONNECT, 5, PROTO_SYSMEM1) +
        d.request(OP_MESSAGE, 5, msg=fidl(ORD["v1_alloc_non_shared"],
                                          struct.pack("<II", 0xFFFFFFFF, 0),
                                          flexible=False),
                  handles=[handle(HANDLE_CHANNEL_SERVER, 6)]) +
        d.request(OP_MESSAGE, 5, msg=fidl(ORD["unknown"], txid=0xabcd)) +
        d.request(OP_MESSAGE, 6, msg=fidl(ORD["unknown"], txid=7)) +
        d.request(OP_CLOSE, 6) + d.request(OP_CLOSE, 5))

    # Requests the device must refuse: bad magic, over-limit sizes, a chain
    # shorter than it announces (virtio_error, NEEDS_RESET), bad ids.
    d = Driver()
    bad_magic = bytearray(fidl(ORD["sync"], txid=9))
    bad_magic[7] = 2
    out["refusals"] = (
        init_device(queues=(0,)) +
        d.request(OP_CONNECT, 0, PROTO_SYSMEM2) +
        d.request(OP_CONNECT, 0x80000001, PROTO_SYSMEM2) +
        d.request(OP_CONNECT, 9, 99) +
        d.request(OP_CONNECT, 9, PROTO_SYSMEM2) +
        d.request(OP_MESSAGE, 9, msg=bytes(bad_magic)) +
        d.request(OP_MESSAGE, 9, msg=fidl(ORD["sync"], txid=1)) +
        d.request(OP_MESSAGE, 0x12345, msg=fidl(ORD["sync"], txid=1)) +
        d.request(OP_CLOSE, 9) + d.request(77, 9) +
        [cmd(OP_CLOCK_STEP)])
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    for a in sys.argv[2:]:
        k, v = a.lstrip("-").split("=")
        REGION[k.replace("-index", "")] = int(v)
    os.makedirs(outdir, exist_ok=True)
    for name, cmds in seeds().items():
        for c in cmds:
            assert SEP not in c, (name, c)
        data = SEP.join(cmds)
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(cmds)} commands, {len(data)} bytes")


if __name__ == "__main__":
    main()
