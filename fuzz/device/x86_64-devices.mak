# Devices of the virtio-sysmem fuzz build (./configure --enable-fuzzing):
# only the q35 machine and virtio-pci with virtio-sysmem, so that the
# libFuzzer build compiles a fraction of QEMU's device models.
# configure links this file into qemu-src/configs/devices/x86_64-softmmu/
# as virtio-sysmem-fuzz.mak and passes --without-default-devices
# --with-devices-x86_64=virtio-sysmem-fuzz.
CONFIG_Q35=y
# -M pc for the qtests (qos-test) built in the same tree
CONFIG_I440FX=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_SYSMEM=y
