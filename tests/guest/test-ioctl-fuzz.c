/*
 * Guest test: random ioctls on /dev/vsysmem0 and channel fds.  Sizes,
 * flags, handle fds and message bytes are random; user pointers are NULL,
 * unmapped, kernel addresses or a scratch buffer.  The driver must answer
 * with errnos: the test passes if the fuzzing process survives, the
 * device still works afterwards, nothing is left behind, and (checked by
 * the initramfs) the kernel log has no warning.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "tap.h"

#define ITERATIONS 4000

static uint8_t scratch[2 * VSYSMEM_MAX_MSG_BYTES];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t rnd_ptr(void)
{
    switch (rnd() % 5) {
    case 0: return 0;
    case 1: return 16;                              /* unmapped */
    case 2: return 0xffff888000000000ull;           /* kernel */
    default: return (uintptr_t)scratch + rnd() % 64;
    }
}

static uint32_t rnd_size(void)
{
    switch (rnd() % 4) {
    case 0: return (uint32_t)rnd();
    case 1: return (uint32_t)(rnd() % 80);
    default: return 16 + (uint32_t)(rnd() % 256);
    }
}

static void rnd_msg(struct vsysmem_msg *m, int *fds, int nfds)
{
    struct vsysmem_handle *h = (struct vsysmem_handle *)(scratch + 4096);

    memset(m, 0, sizeof(*m));
    m->bytes = rnd_ptr();
    m->num_bytes = rnd_size();
    m->num_handles = rnd() % 3 ? (uint32_t)(rnd() % 4) : (uint32_t)rnd();
    m->handles = rnd() % 2 ? (uintptr_t)h : rnd_ptr();
    if (rnd() % 8 == 0) {
        m->flags = (uint32_t)rnd();
    }
    for (int i = 0; i < 4; i++) {
        memset(&h[i], 0, sizeof(h[i]));
        h[i].fd = rnd() % 4 ? fds[rnd() % nfds] : (int)rnd();
        if (rnd() % 8 == 0) {
            h[i].type = (uint32_t)rnd() % 6;
        }
    }
    /* Sometimes a plausible FIDL header. */
    if (rnd() % 2) {
        fidl_message_header_t hdr;

        fidl_header_init(&hdr, (uint32_t)(rnd() % 3), rnd() % 2 ?
                         SYSMEM2_NODE_SYNC_ORDINAL : rnd(), true);
        fidl_header_encode(&hdr, scratch);
    } else {
        for (int i = 0; i < 64; i++) {
            scratch[i] = (uint8_t)rnd();
        }
    }
}

static void fuzz(int dev)
{
    int fds[16], nfds = 0, succeeded = 0, errs[256] = { 0 };
    static const unsigned long dev_cmds[] = {
        VSYSMEM_IOC_GET_INFO, VSYSMEM_IOC_CONNECT, VSYSMEM_IOC_CHANNEL_CREATE,
        VSYSMEM_IOC_EVENTPAIR_CREATE, VSYSMEM_IOC_BUFFER_INFO,
        _IOWR(VSYSMEM_IOC_MAGIC, 0x05, struct vsysmem_info),
    };
    static const unsigned long ch_cmds[] = {
        VSYSMEM_IOC_WRITE, VSYSMEM_IOC_READ, VSYSMEM_IOC_CALL,
        VSYSMEM_IOC_CHANNEL_CREATE, VSYSMEM_IOC_EVENTPAIR_CREATE,
        VSYSMEM_IOC_GET_INFO,
    };

    fds[nfds++] = dev;
    for (int it = 0; it < ITERATIONS; it++) {
        union {
            struct vsysmem_msg m;
            struct vsysmem_call c;
            struct vsysmem_connect cn;
            struct vsysmem_pair p;
            struct vsysmem_buffer_info bi;
            uint8_t raw[128];
        } a;
        int fd = fds[rnd() % nfds];
        unsigned long cmd;
        void *arg = &a;

        for (size_t i = 0; i < sizeof(a.raw); i++) {
            a.raw[i] = (uint8_t)rnd();
        }
        if (fd == dev) {
            cmd = dev_cmds[rnd() % 6];
            if (cmd == VSYSMEM_IOC_CONNECT && rnd() % 2) {
                memset(&a.cn, 0, sizeof(a.cn));
                a.cn.protocol = 1 + (uint32_t)(rnd() % 2);
            }
            if (cmd == VSYSMEM_IOC_CHANNEL_CREATE && rnd() % 2) {
                memset(&a.p, 0, sizeof(a.p));
            }
            if (cmd == VSYSMEM_IOC_BUFFER_INFO) {
                a.bi.fd = fds[rnd() % nfds];
            }
        } else {
            cmd = ch_cmds[rnd() % 6];
            if (cmd == VSYSMEM_IOC_CALL) {
                rnd_msg(&a.c.wr, fds, nfds);
                memset(&a.c.rd, 0, sizeof(a.c.rd));
                a.c.rd.bytes = rnd_ptr();
                a.c.rd.num_bytes = rnd_size();
                a.c.rd.handles = rnd_ptr();
                a.c.rd.num_handles = (uint32_t)(rnd() % 8);
                a.c.timeout_ns = 1000000 + rnd() % 100000000;
            } else if (cmd == VSYSMEM_IOC_WRITE || cmd == VSYSMEM_IOC_READ) {
                rnd_msg(&a.m, fds, nfds);
                if (cmd == VSYSMEM_IOC_READ) {
                    a.m.flags = 0;
                }
            }
        }
        if (rnd() % 16 == 0) {
            arg = (void *)(uintptr_t)rnd_ptr();
        }
        if (ioctl(fd, cmd, arg) != 0) {
            errs[errno & 255]++;
        } else {
            int nf = -1, nf2 = -1;

            succeeded++;
            if (fd == dev && cmd == VSYSMEM_IOC_CONNECT) {
                nf = a.cn.fd;
            } else if (cmd == VSYSMEM_IOC_CHANNEL_CREATE ||
                       cmd == VSYSMEM_IOC_EVENTPAIR_CREATE) {
                nf = a.p.fd0;
                nf2 = a.p.fd1;
            }
            if (nf >= 0) {
                fcntl(nf, F_SETFL, O_NONBLOCK);
                if (nfds < 16) {
                    fds[nfds++] = nf;
                } else {
                    close(nf);
                }
            }
            if (nf2 >= 0) {
                if (nfds < 16) {
                    fds[nfds++] = nf2;
                } else {
                    close(nf2);
                }
            }
        }
        /* Keep the fd table small and changing. */
        if (nfds > 1 && rnd() % 16 == 0) {
            int i = 1 + (int)(rnd() % (uint64_t)(nfds - 1));

            close(fds[i]);
            fds[i] = fds[--nfds];
        }
        /* Close stray fds received in READ/CALL replies. */
        if (it % 64 == 63) {
            for (int f = 3; f < 1024; f++) {
                int keep = 0;

                for (int i = 0; i < nfds; i++) {
                    keep |= fds[i] == f;
                }
                if (!keep) {
                    close(f);
                }
            }
        }
    }
    tap_diag("%d ioctls succeeded; EINVAL %d EFAULT %d EBADF %d ENOTTY %d "
             "EPIPE %d ENOTCONN %d EBADFD %d EAGAIN %d EMSGSIZE %d", succeeded,
             errs[EINVAL], errs[EFAULT], errs[EBADF], errs[ENOTTY],
             errs[EPIPE], errs[ENOTCONN], errs[EBADFD], errs[EAGAIN],
             errs[EMSGSIZE]);
}

int main(void)
{
    struct vsysmem_info base, now;
    int dev, status, ch, ret;
    pid_t pid;

    dev = vsm_open(0);
    if (!tap_ok(dev >= 0, "open /dev/vsysmem0")) {
        return tap_done();
    }
    vsm_info(dev, &base);
    pid = fork();
    if (pid == 0) {
        alarm(120);
        fuzz(dev);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "%d random ioctls answered without harm (status %#x)", ITERATIONS,
           status);
    for (int i = 0; i < 400; i++) {
        vsm_info(dev, &now);
        if (now.num_channels == base.num_channels &&
            now.num_buffers == base.num_buffers &&
            now.num_eventpairs == base.num_eventpairs && !now.num_pending) {
            break;
        }
        usleep(5000);
    }
    tap_ok(now.num_channels == base.num_channels &&
           now.num_buffers == base.num_buffers &&
           now.num_eventpairs == base.num_eventpairs && !now.num_pending,
           "nothing left once the fuzzer exited (%u channels, %u event pairs,"
           " %u pending)", now.num_channels, now.num_eventpairs,
           now.num_pending);
    ch = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    ret = ch < 0 ? ch : vsm2_set_debug_client_info(ch, false, "after", 1);
    tap_ok(ret == 0, "the device still works (%s)", vsm_strerror(ret));
    return tap_done();
}
