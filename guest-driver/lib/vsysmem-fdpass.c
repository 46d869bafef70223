/*
 * libvsysmem: pass a handle fd to another process over a UNIX socket.
 *
 * Sysmem participants in different processes join one collection by
 * passing a token; in Zircon it crosses over a channel, in a Linux guest
 * its fd crosses over an AF_UNIX socket (SCM_RIGHTS).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "libvsysmem.h"

int vsm_send_fd(int sock, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char byte = 'T';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
    };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int vsm_recv_fd(int sock)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
    };
    struct cmsghdr *cm;
    ssize_t n;
    int fd;

    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
        return -errno;
    }
    if (n != 1) {
        return -EPIPE;
    }
    cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
        cm->cmsg_len != CMSG_LEN(sizeof(int))) {
        return -EPROTO;
    }
    memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    return fd;
}
