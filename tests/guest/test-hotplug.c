/*
 * Guest test: the host hot-unplugs the virtio-sysmem PCI device (QMP
 * device_del) while a CALL is held and a buffer is mapped, then plugs in a
 * fresh one (device_add); see unplug.h for what is checked.  Needs
 * scripts/run-guest.sh -H, which puts the device behind a PCIe root port
 * (q35's root bus takes no hot-plug) and answers the markers below.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "unplug.h"

/* Ask the host (run-guest.sh's watcher) and give it time to act. */
static void host_request(const char *marker)
{
    printf("%s\n", marker);
    fflush(stdout);
}

/* How the guest saw it: the hot-plug driver and virtio_sysmem's lines. */
static void show_kernel_log(void)
{
    char line[512];
    FILE *f = popen("dmesg", "r");

    while (f && fgets(line, sizeof(line), f)) {
        if (strstr(line, "acpiphp") || strstr(line, "pciehp") ||
            strstr(line, "virtio_sysmem") || strstr(line, "0000:01:00.0")) {
            line[strcspn(line, "\n")] = 0;
            tap_diag("%s", line);
        }
    }
    if (f) {
        pclose(f);
    }
}

int main(void)
{
    struct unplug_state s;

    if (unplug_setup(&s)) {
        return tap_done();
    }
    host_request("VSYSMEM-UNPLUG");
    unplug_check_removed(&s);
    host_request("VSYSMEM-REPLUG");
    unplug_check_fresh(&s);
    show_kernel_log();
    return tap_done();
}
