/*
 * Virtio sysmem introspection: x-query-virtio-sysmem and
 * info virtio-sysmem, the equivalent of Fuchsia's sysmem inspect data
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-virtio.h"
#include "qapi/type-helpers.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "hw/virtio/virtio-sysmem.h"
#include "hw/sysmem/sysmem-core.h"

static void add_collection(const SysmemCollectionInfo *ci, void *opaque)
{
    VirtioSysmemCollectionList ***tail = opaque;
    VirtioSysmemCollection *c = g_new0(VirtioSysmemCollection, 1);

    c->id = ci->id;
    c->name = g_strdup(ci->name);
    c->allocated = ci->allocated;
    c->failed = ci->failed;
    c->has_error = ci->failed;
    c->error = ci->error;
    c->nodes = ci->nodes;
    c->buffer_count = ci->buffer_count;
    c->buffer_size = ci->buffer_size;
    c->secure = ci->secure;
    QAPI_LIST_APPEND(*tail, c);
}

static VirtioSysmemInfo *virtio_sysmem_info(VirtIOSysmem *s)
{
    VirtioSysmemInfo *info = g_new0(VirtioSysmemInfo, 1);
    VirtioSysmemCollectionList **tail = &info->collections;
    g_autoptr(GString) dump = g_string_new(NULL);
    SysmemCoreStats st;

    sysmem_core_get_stats(s->core, &st);
    info->path = object_get_canonical_path(OBJECT(s));
    info->region_size = st.region_size;
    info->region_used = st.region_used;
    info->secure_used = st.secure_used;
    info->fragmentation = st.fragmentation;
    info->channels = st.channels;
    info->objects = st.objects;
    info->buffers = st.buffers;
    info->buffer_handles = st.buffer_handles;
    info->allocations = st.allocations_total;
    info->allocation_failures = st.failures_total;
    info->held_requests = s->num_held;
    info->pending_events = g_queue_get_length(s->pending_events);
    sysmem_core_foreach_collection(s->core, add_collection, &tail);
    sysmem_core_dump(s->core, dump);
    info->dump = g_string_free(g_steal_pointer(&dump), false);
    return info;
}

static int add_device(Object *obj, void *opaque)
{
    VirtioSysmemInfoList ***tail = opaque;
    VirtIOSysmem *s = (VirtIOSysmem *)object_dynamic_cast(obj,
                                                         TYPE_VIRTIO_SYSMEM);

    if (s && DEVICE(s)->realized) {
        QAPI_LIST_APPEND(*tail, virtio_sysmem_info(s));
    }
    return 0;
}

VirtioSysmemInfoList *qmp_x_query_virtio_sysmem(Error **errp)
{
    VirtioSysmemInfoList *list = NULL, **tail = &list;

    object_child_foreach_recursive(object_get_root(), add_device, &tail);
    return list;
}

void hmp_info_virtio_sysmem(Monitor *mon, const QDict *qdict)
{
    g_autoptr(VirtioSysmemInfoList) list = qmp_x_query_virtio_sysmem(NULL);
    VirtioSysmemInfoList *l;

    if (!list) {
        monitor_printf(mon, "No virtio-sysmem devices\n");
        return;
    }
    for (l = list; l; l = l->next) {
        VirtioSysmemInfo *i = l->value;

        monitor_printf(mon, "%s:\n", i->path);
        monitor_printf(mon, "  region: %" PRIu64 " of %" PRIu64 " bytes used"
                       " (secure %" PRIu64 "), fragmentation %u/1000\n",
                       i->region_used, i->region_size, i->secure_used,
                       i->fragmentation);
        monitor_printf(mon, "  channels %u, objects %u, buffers %u, buffer "
                       "handles %u, held calls %u, pending events %u\n",
                       i->channels, i->objects, i->buffers,
                       i->buffer_handles, i->held_requests,
                       i->pending_events);
        monitor_printf(mon, "  allocations %" PRIu64 ", failed %" PRIu64 "\n",
                       i->allocations, i->allocation_failures);
        monitor_printf(mon, "%s", i->dump);
    }
}
