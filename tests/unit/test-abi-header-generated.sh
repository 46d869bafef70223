#!/bin/sh
# QEMU's include/standard-headers/linux/virtio_sysmem.h must be exactly what
# scripts/update-standard-headers.sh generates from the uapi header
# guest-driver/include/uapi/linux/virtio_sysmem.h (exit status test).
exec sh "@SRCDIR@/scripts/update-standard-headers.sh" --check "@QEMU@" "@KDIR@"
