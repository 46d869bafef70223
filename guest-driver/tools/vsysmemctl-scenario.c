/*
 * vsysmemctl negotiate SCENARIO.json: a vsysmem-negotiate scenario on the
 * real device, one process per participant.
 *
 * The scenario is read and the outcome printed by tools/scenario.c, the
 * same code the host tool uses, and the steps follow the host tool's
 * order (docs/core.md, "vsysmem-negotiate"): this process allocates the
 * root token, a duplicate per participant and a held-back duplicate bound
 * to a collection of its own, forks the participants, has each bind its
 * token and then, one after the other, set constraints and queue its
 * WaitForAllBuffersAllocated, and lets go of the held-back collection, so
 * that allocation runs once every Wait is queued.  Then the deferred
 * closes, the attached participants (AttachToken on the first participant
 * that can anchor one), and a last look at which channels sysmem closed.
 *
 * Each participant answers one command at a time over a UNIX socket, so
 * the steps happen in the host tool's order on the device: a participant
 * acknowledges a step only once its messages are on the device's ring, and
 * the device takes them in order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "sysmem/methods.h"
#include "tools/scenario.h"
#include "vsysmemctl.h"

/* A participant's WaitForAllBuffersAllocated may take this long. */
#define WAIT_TIMEOUT_MS 60000

enum {
    CMD_START = 'S',        /* constraints, Wait, early Release / close */
    CMD_WAIT = 'W',         /* read the Wait's reply */
    CMD_FINISH = 'F',       /* the deferred close */
    CMD_ALIVE = 'L',        /* is the channel still open? */
    CMD_ATTACH = 'A',       /* AttachToken; the token comes back */
    CMD_EXIT = 'X',
};

/* What a participant sends back after each command. */
typedef struct report {
    uint8_t ok;             /* the step worked (else the child said why) */
    uint8_t alive;          /* CMD_ALIVE: its channel is open */
    uint8_t answered;
    uint8_t closed_by_us;
    uint32_t error;
    uint32_t num_handles;
    uint32_t rights[FIDL_MAX_MSG_HANDLES];
    sysmem2_buffer_collection_info_t info;
} report_t;

typedef struct child {
    pid_t pid;
    int sock;
} child_t;

static int write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -EPIPE;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;

    while (n) {
        ssize_t r = read(fd, p, n);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -EPIPE;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* ---- a participant ------------------------------------------------------ */

typedef struct participant_state {
    const scn_participant_t *p;
    int dev, alloc, col;
    bool waiting;           /* a Wait is queued */
    report_t r;
} participant_state_t;

static int pfail(participant_state_t *ps, const char *call, int err)
{
    fprintf(stderr, "vsysmemctl: %s: %s: %s\n", ps->p->name, call,
            vsm_strerror(err));
    return err ? err : -EIO;
}

static int start(participant_state_t *ps)
{
    const scn_participant_t *p = ps->p;
    fidl_message_header_t hdr;
    uint8_t msg[FIDL_HEADER_SIZE];
    int ret;

    if (p->release == SCN_RELEASE_BEFORE_CONSTRAINTS) {
        ret = vsm2_release(ps->col);
        close(ps->col);
        ps->r.closed_by_us = true;
        return ret ? pfail(ps, "Release", ret) : 0;
    }
    if (p->release == SCN_RELEASE_CLOSE && !p->has_constraints) {
        close(ps->col);
        ps->r.closed_by_us = true;
        return 0;
    }
    ret = vsm2_set_constraints(ps->col,
                               p->has_constraints ? p->constraints : NULL);
    if (ret) {
        return pfail(ps, "SetConstraints", ret);
    }
    /* Queued, not waited for: the reply is read at CMD_WAIT. */
    fidl_header_init(&hdr, 1,
                     SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED_ORDINAL,
                     true);
    fidl_header_encode(&hdr, msg);
    ret = vsm_write(ps->col, msg, sizeof(msg), NULL, 0);
    if (ret) {
        return pfail(ps, "WaitForAllBuffersAllocated", ret);
    }
    ps->waiting = true;
    if (p->release == SCN_RELEASE_AFTER_CONSTRAINTS) {
        ret = vsm2_release(ps->col);
        if (ret) {
            return pfail(ps, "Release", ret);
        }
    }
    return 0;
}

static int wait_reply(participant_state_t *ps)
{
    sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *res;
    struct vsysmem_handle h[FIDL_MAX_MSG_HANDLES];
    static uint8_t bytes[FIDL_MAX_MSG_BYTES];
    struct pollfd pfd = { .fd = ps->col, .events = POLLIN };
    uint32_t n = sizeof(bytes), nh = FIDL_MAX_MSG_HANDLES, i;
    int ret;

    if (!ps->waiting) {
        return 0;
    }
    ps->waiting = false;
    if (poll(&pfd, 1, WAIT_TIMEOUT_MS) != 1) {
        return pfail(ps, "WaitForAllBuffersAllocated", -ETIMEDOUT);
    }
    ret = vsm_read(ps->col, bytes, &n, h, &nh, false, NULL);
    if (ret == -EPIPE) {
        return 0;               /* closed without a reply */
    }
    if (ret) {
        return pfail(ps, "read the Wait's reply", ret);
    }
    res = calloc(1, sizeof(*res));
    if (!res) {
        return pfail(ps, "WaitForAllBuffersAllocated", -ENOMEM);
    }
    /* The driver's rights, before decoding narrows them to the schema's. */
    for (i = 0; i < nh; i++) {
        ps->r.rights[i] = h[i].rights;
    }
    ret = vsm_decode_reply(SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED,
                           bytes, n, h, nh, res);
    if (vsm_err_epitaph(ret, NULL)) {
        free(res);
        return 0;               /* the epitaph came instead of a reply */
    }
    if (ret) {
        free(res);
        return pfail(ps, "decode the Wait's reply", ret);
    }
    ps->r.answered = true;
    ps->r.num_handles = nh;
    if (res->tag == FIDL_RESULT_RESPONSE) {
        ps->r.info = res->response.buffer_collection_info;
    } else {
        ps->r.error = res->tag == FIDL_RESULT_ERR ? res->err :
                      SYSMEM2_ERROR_UNSPECIFIED;
    }
    free(res);
    return 0;
}

static int finish(participant_state_t *ps)
{
    if (!ps->r.closed_by_us && (ps->p->release == SCN_RELEASE_AFTER_CONSTRAINTS ||
                                ps->p->release == SCN_RELEASE_CLOSE)) {
        close(ps->col);
        ps->r.closed_by_us = true;
    }
    return 0;
}

/*
 * A Sync reaches the device after every close acknowledged before it, so
 * it fails exactly when one of them made sysmem close this channel.
 */
static bool alive(participant_state_t *ps)
{
    return !ps->r.closed_by_us && vsm2_sync(ps->col) == 0;
}

static void send_report(participant_state_t *ps, int sock, bool ok)
{
    ps->r.ok = ok;
    if (write_full(sock, &ps->r, sizeof(ps->r))) {
        _exit(1);
    }
}

static void participant_main(const scn_participant_t *p, int dev, int token,
                             int sock)
{
    participant_state_t ps = { .p = p, .dev = dev };
    char cmd;
    int ret;

    ps.alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (ps.alloc < 0) {
        pfail(&ps, "connect", ps.alloc);
        _exit(1);
    }
    ps.col = vsm2_bind_shared_collection(ps.alloc, token);
    if (ps.col < 0) {
        pfail(&ps, "BindSharedCollection", ps.col);
        send_report(&ps, sock, false);
        _exit(1);
    }
    /* Sysmem's log and the outcome name the participant alike. */
    ret = vsm2_set_debug_client_info(ps.col, true, p->name, (uint64_t)getpid());
    send_report(&ps, sock, ret == 0);
    while (read_full(sock, &cmd, 1) == 0) {
        switch (cmd) {
        case CMD_START:
            send_report(&ps, sock, start(&ps) == 0);
            break;
        case CMD_WAIT:
            send_report(&ps, sock, wait_reply(&ps) == 0);
            break;
        case CMD_FINISH:
            send_report(&ps, sock, finish(&ps) == 0);
            break;
        case CMD_ALIVE:
            ps.r.alive = alive(&ps);
            send_report(&ps, sock, true);
            break;
        case CMD_ATTACH:
            ret = vsm2_attach_token(ps.col, FIDL_RIGHT_SAME_RIGHTS);
            if (ret < 0) {
                pfail(&ps, "AttachToken", ret);
                send_report(&ps, sock, false);
                break;
            }
            /* The report first: the conductor reads it, then the fd. */
            send_report(&ps, sock, true);
            if (vsm_send_fd(sock, ret)) {
                _exit(1);
            }
            close(ret);
            break;
        case CMD_EXIT:
        default:
            vsm2_info_close_handles(&ps.r.info);
            _exit(0);
        }
    }
    _exit(1);
}

/* ---- the conductor -------------------------------------------------------- */

/* Fds a participant must not inherit: it would keep their handles alive. */
static int conductor_fds[SCN_MAX_PARTICIPANTS * 2 + 8];
static unsigned int num_conductor_fds;

static void remember_fd(int fd)
{
    if (fd >= 0 &&
        num_conductor_fds < sizeof(conductor_fds) / sizeof(conductor_fds[0])) {
        conductor_fds[num_conductor_fds++] = fd;
    }
}

/* Close a remembered fd; its number may be reused, so forget it. */
static void close_fd(int fd)
{
    for (unsigned int i = 0; i < num_conductor_fds; i++) {
        if (conductor_fds[i] == fd) {
            conductor_fds[i] = conductor_fds[--num_conductor_fds];
            break;
        }
    }
    close(fd);
}

static int spawn(const scn_participant_t *p, int dev, int token, child_t *c,
                 report_t *r)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return -errno;
    }
    c->pid = fork();
    if (c->pid < 0) {
        return -errno;
    }
    if (c->pid == 0) {
        for (unsigned int i = 0; i < num_conductor_fds; i++) {
            if (conductor_fds[i] != token) {
                close(conductor_fds[i]);
            }
        }
        close(sv[0]);
        participant_main(p, dev, token, sv[1]);
    }
    close(sv[1]);
    close_fd(token);
    c->sock = sv[0];
    remember_fd(c->sock);
    /* The participant reports once it has bound its collection. */
    return read_full(c->sock, r, sizeof(*r)) || !r->ok ? -EIO : 0;
}

static int command(child_t *c, char cmd, report_t *r)
{
    if (write_full(c->sock, &cmd, 1) || read_full(c->sock, r, sizeof(*r))) {
        return -EIO;
    }
    return r->ok ? 0 : -EIO;
}

/* The collection that holds allocation back: a bound duplicate of token. */
static int hold(int alloc, int token)
{
    int dup = vsm2_duplicate(token, FIDL_RIGHT_SAME_RIGHTS);

    return dup < 0 ? dup : vsm2_bind_shared_collection(alloc, dup);
}

/*
 * Release the held-back collection.  A participant that closed without
 * Release may have failed the collection already; its channels are
 * closed then, this one too, and that is the scenario's outcome, not an
 * error of this run.
 */
static int let_go(int held)
{
    int ret = vsm2_release(held);

    close_fd(held);
    return vsm_err_epitaph(ret, NULL) ? 0 : ret;
}

static void seen_from(scn_seen_t *seen, const report_t *r)
{
    seen->answered = r->answered;
    seen->error = r->error;
    seen->info = r->answered && !r->error ? &r->info : NULL;
    seen->num_handles = r->num_handles;
    memcpy(seen->rights, r->rights, sizeof(seen->rights));
    seen->closed_by_us = r->closed_by_us;
}

typedef struct run {
    const scn_scenario_t *s;
    int dev, alloc;
    child_t kids[SCN_MAX_PARTICIPANTS];
    report_t *reports;
    scn_seen_t seen[SCN_MAX_PARTICIPANTS];
} run_t;

static int cfail(const char *what, int err)
{
    fprintf(stderr, "vsysmemctl: negotiate: %s: %s\n", what,
            vsm_strerror(err));
    return 1;
}

/* Steps S, W for participant i, with the held-back collection let go. */
static int run_steps(run_t *rn, uint32_t i, int held)
{
    int ret;

    if (command(&rn->kids[i], CMD_START, &rn->reports[i])) {
        return -EIO;
    }
    if (held >= 0) {
        ret = let_go(held);
        if (ret) {
            return cfail("Release the held-back collection", ret);
        }
    }
    return 0;
}

static int run_scenario(run_t *rn)
{
    const scn_scenario_t *s = rn->s;
    int tokens[SCN_MAX_PARTICIPANTS], held, ret;
    uint32_t i, j;

    /* The root token, a duplicate per initial participant, the hold. */
    for (i = 0; i < s->count; i++) {
        tokens[i] = -1;
        if (s->p[i].attach) {
            continue;
        }
        tokens[i] = i == 0 ? vsm2_allocate_shared_collection(rn->alloc) :
                    vsm2_duplicate(tokens[0], FIDL_RIGHT_SAME_RIGHTS);
        if (tokens[i] < 0) {
            return cfail(i ? "Duplicate" : "AllocateSharedCollection",
                         tokens[i]);
        }
        remember_fd(tokens[i]);
        if (s->p[i].dispensable) {
            ret = vsm2_set_dispensable(tokens[i]);
            if (ret) {
                return cfail("SetDispensable", ret);
            }
        }
    }
    held = hold(rn->alloc, tokens[0]);
    if (held < 0) {
        return cfail("hold allocation back", held);
    }
    remember_fd(held);
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach) {
            if (spawn(&s->p[i], rn->dev, tokens[i], &rn->kids[i],
                      &rn->reports[i])) {
                return cfail(s->p[i].name, -EIO);
            }
            rn->seen[i].bound = true;
        }
    }
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach &&
            command(&rn->kids[i], CMD_START, &rn->reports[i])) {
            return cfail(s->p[i].name, -EIO);
        }
    }
    ret = let_go(held);
    if (ret) {
        return cfail("Release the held-back collection", ret);
    }
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach &&
            command(&rn->kids[i], CMD_WAIT, &rn->reports[i])) {
            return cfail(s->p[i].name, -EIO);
        }
    }
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach &&
            command(&rn->kids[i], CMD_FINISH, &rn->reports[i])) {
            return cfail(s->p[i].name, -EIO);
        }
        seen_from(&rn->seen[i], &rn->reports[i]);
    }

    /* Attached participants join through AttachToken on a live collection. */
    for (i = 0; i < s->count; i++) {
        report_t probe;
        int token;

        if (!s->p[i].attach) {
            continue;
        }
        for (j = 0; j < s->count; j++) {
            bool alive = false;

            if (rn->seen[j].bound) {
                if (command(&rn->kids[j], CMD_ALIVE, &probe)) {
                    return cfail(s->p[j].name, -EIO);
                }
                alive = probe.alive;
            }
            if (scn_can_anchor(s, j, rn->seen, alive)) {
                break;
            }
        }
        if (j == s->count) {
            continue;
        }
        if (command(&rn->kids[j], CMD_ATTACH, &probe)) {
            return cfail(s->p[j].name, -EIO);
        }
        token = vsm_recv_fd(rn->kids[j].sock);
        if (token < 0) {
            return cfail("receive the attached token", token);
        }
        remember_fd(token);
        if (s->p[i].dispensable) {
            ret = vsm2_set_dispensable(token);
            if (ret) {
                return cfail("SetDispensable", ret);
            }
        }
        held = hold(rn->alloc, token);
        if (held < 0) {
            return cfail("hold allocation back", held);
        }
        remember_fd(held);
        if (spawn(&s->p[i], rn->dev, token, &rn->kids[i], &rn->reports[i])) {
            return cfail(s->p[i].name, -EIO);
        }
        rn->seen[i].bound = true;
        if (run_steps(rn, i, held) ||
            command(&rn->kids[i], CMD_WAIT, &rn->reports[i]) ||
            command(&rn->kids[i], CMD_FINISH, &rn->reports[i])) {
            return cfail(s->p[i].name, -EIO);
        }
        seen_from(&rn->seen[i], &rn->reports[i]);
    }

    /* Which channels sysmem closed after all that. */
    for (i = 0; i < s->count; i++) {
        report_t probe;

        if (!rn->seen[i].bound) {
            continue;
        }
        if (command(&rn->kids[i], CMD_ALIVE, &probe)) {
            return cfail(s->p[i].name, -EIO);
        }
        rn->seen[i].closed_by_sysmem = !rn->seen[i].closed_by_us &&
                                       !probe.alive;
    }
    return 0;
}

int vsysmemctl_negotiate_scenario(unsigned int dev_index, const char *path)
{
    scn_scenario_t *s = scn_read("vsysmemctl", path);
    run_t *rn = calloc(1, sizeof(*rn));
    uint32_t i;
    int ret, status;

    if (!rn) {
        return cfail("memory", -ENOMEM);
    }
    rn->s = s;
    rn->reports = calloc(s->count, sizeof(*rn->reports));
    rn->dev = vsm_open(dev_index);
    if (!rn->reports || rn->dev < 0) {
        return cfail("open /dev/vsysmem", rn->reports ? rn->dev : -ENOMEM);
    }
    rn->alloc = vsm_connect(rn->dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (rn->alloc < 0) {
        return cfail("connect to the sysmem2 Allocator", rn->alloc);
    }
    remember_fd(rn->alloc);
    /* The outcome printer flushes stdout; children must not repeat it. */
    fflush(stdout);
    ret = run_scenario(rn);
    if (!ret) {
        scn_print_outcome(stdout, s, rn->seen);
    }
    for (i = 0; i < s->count; i++) {
        char cmd = CMD_EXIT;

        if (rn->kids[i].pid > 0) {
            write_full(rn->kids[i].sock, &cmd, 1);
            close_fd(rn->kids[i].sock);
            if (waitpid(rn->kids[i].pid, &status, 0) < 0 ||
                !WIFEXITED(status) || WEXITSTATUS(status)) {
                ret = 1;
            }
        }
    }
    free(rn->reports);
    free(rn);
    scn_free(s);
    return ret;
}
