/*
 * Virtio sysmem PCI bindings
 *
 * The shared memory region sits in its own 64-bit prefetchable BAR (4),
 * announced by a VIRTIO_PCI_CAP_SHARED_MEMORY_CFG capability, as virtio-gpu
 * does for its host-visible memory.
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-sysmem.h"
#include "hw/qdev-properties.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "qom/object.h"

#define VIRTIO_SYSMEM_PCI_REGION_BAR 4

typedef struct VirtIOSysmemPCI VirtIOSysmemPCI;

#define TYPE_VIRTIO_SYSMEM_PCI "virtio-sysmem-pci-base"
DECLARE_INSTANCE_CHECKER(VirtIOSysmemPCI, VIRTIO_SYSMEM_PCI,
                         TYPE_VIRTIO_SYSMEM_PCI)

struct VirtIOSysmemPCI {
    VirtIOPCIProxy parent_obj;
    VirtIOSysmem vdev;
    MemoryRegion region_bar;
};

static const Property virtio_sysmem_pci_properties[] = {
    DEFINE_PROP_BIT("ioeventfd", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_USE_IOEVENTFD_BIT, true),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
};

static void virtio_sysmem_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    VirtIOSysmemPCI *dev = VIRTIO_SYSMEM_PCI(vpci_dev);
    DeviceState *vdev = DEVICE(&dev->vdev);
    uint64_t size;

    /* The BAR must exist before the virtio device is plugged. */
    size = virtio_sysmem_region_size(&dev->vdev, errp);
    if (!size) {
        return;
    }
    if (vpci_dev->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        vpci_dev->nvectors = 3; /* config change, requestq, eventq */
    }
    vpci_dev->msix_bar_idx = 1;
    vpci_dev->modern_mem_bar_idx = 2;
    memory_region_init(&dev->region_bar, OBJECT(dev), "virtio-sysmem-bar",
                       size);
    pci_register_bar(&vpci_dev->pci_dev, VIRTIO_SYSMEM_PCI_REGION_BAR,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_PREFETCH |
                     PCI_BASE_ADDRESS_MEM_TYPE_64,
                     &dev->region_bar);
    virtio_pci_add_shm_cap(vpci_dev, VIRTIO_SYSMEM_PCI_REGION_BAR, 0, size,
                           VIRTIO_SYSMEM_SHM_BUFFERS);

    virtio_pci_force_virtio_1(vpci_dev);
    if (!qdev_realize(vdev, BUS(&vpci_dev->bus), errp)) {
        return;
    }
    memory_region_add_subregion(&dev->region_bar, 0, dev->vdev.region);
}

static void virtio_sysmem_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioPCIClass *k = VIRTIO_PCI_CLASS(klass);
    PCIDeviceClass *pcidev_k = PCI_DEVICE_CLASS(klass);

    k->realize = virtio_sysmem_pci_realize;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_props(dc, virtio_sysmem_pci_properties);
    pcidev_k->revision = VIRTIO_PCI_ABI_VERSION;
    pcidev_k->class_id = PCI_CLASS_MEMORY_RAM;
}

static void virtio_sysmem_pci_instance_init(Object *obj)
{
    VirtIOSysmemPCI *dev = VIRTIO_SYSMEM_PCI(obj);

    virtio_instance_init_common(obj, &dev->vdev, sizeof(dev->vdev),
                                TYPE_VIRTIO_SYSMEM);
}

static const VirtioPCIDeviceTypeInfo virtio_sysmem_pci_info = {
    .base_name     = TYPE_VIRTIO_SYSMEM_PCI,
    .generic_name  = "virtio-sysmem-pci",
    .instance_size = sizeof(VirtIOSysmemPCI),
    .instance_init = virtio_sysmem_pci_instance_init,
    .class_init    = virtio_sysmem_pci_class_init,
};

static void virtio_sysmem_pci_register(void)
{
    virtio_pci_types_register(&virtio_sysmem_pci_info);
}

type_init(virtio_sysmem_pci_register)
