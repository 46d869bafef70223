/*
 * Guest test: unbind the driver through sysfs while a CALL is held and a
 * buffer is mapped, then bind it again (see unplug.h for what is checked).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>

#include "unplug.h"

#define DRV "/sys/bus/virtio/drivers/virtio_sysmem"

/* The virtio device the driver is bound to ("virtio1"). */
static int bound_device(char *name, size_t len)
{
    struct dirent *e;
    DIR *d = opendir(DRV);
    int found = 0;

    while (d && (e = readdir(d)) != NULL) {
        if (!strncmp(e->d_name, "virtio", 6)) {
            snprintf(name, len, "%s", e->d_name);
            found = 1;
            break;
        }
    }
    if (d) {
        closedir(d);
    }
    return found;
}

static int sysfs_write(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY), ret;

    if (fd < 0) {
        return -errno;
    }
    ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -errno;
    close(fd);
    return ret;
}

int main(void)
{
    struct unplug_state s;
    char name[256];
    int ret;

    if (!tap_ok(bound_device(name, sizeof(name)), "the driver is bound to a "
                "virtio device")) {
        return tap_done();
    }
    if (unplug_setup(&s)) {
        return tap_done();
    }
    ret = sysfs_write(DRV "/unbind", name);
    tap_ok(ret == 0, "unbind %s under load (%s)", name, vsm_strerror(ret));
    unplug_check_removed(&s);
    ret = sysfs_write(DRV "/bind", name);
    tap_ok(ret == 0, "bind %s again (%s)", name, vsm_strerror(ret));
    unplug_check_fresh(&s);
    return tap_done();
}
