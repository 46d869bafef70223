/*
 * vsysmem-negotiate: "what will sysmem give these participants?"
 *
 * Runs a JSON scenario through the real sysmem core, by encoding real
 * fuchsia.sysmem2 FIDL messages and passing them through the core's host
 * interface exactly as the virtio device does, and prints the outcome as
 * JSON.  Usage: vsysmem-negotiate [SCENARIO.json]  (stdin without argument)
 *
 * The scenario format and the output are tools/scenario.c's, shared with
 * `vsysmemctl negotiate FILE`, which runs the same file on the real device
 * in a guest.
 *
 * Exit status: 0 when the scenario ran (whatever its outcome), 2 on bad
 * input (the message names the field), 1 on internal errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include "tools/vsysmem-negotiate-host.h"
#include "tools/scenario.h"

/* What the host holds for one participant while the scenario runs. */
typedef struct Run {
    uint32_t token, coll;
    VsCall *wait;
} Run;

static void start_participant(VsHost *h, const scn_participant_t *p, Run *r,
                              scn_seen_t *seen)
{
    switch (p->release) {
    case SCN_RELEASE_BEFORE_CONSTRAINTS:
        vs_release(h, r->coll, false);
        vs_peer_close(h, r->coll);
        seen->closed_by_us = true;
        return;
    case SCN_RELEASE_CLOSE:
        if (!p->has_constraints) {
            vs_peer_close(h, r->coll);
            seen->closed_by_us = true;
            return;
        }
        break;
    default:
        break;
    }
    vs_set_constraints(h, r->coll, p->has_constraints ? p->constraints : NULL);
    r->wait = vs_wait(h, r->coll, false);
    if (p->release == SCN_RELEASE_AFTER_CONSTRAINTS) {
        vs_release(h, r->coll, false);
    }
}

/* After the (initial or late) allocation: the deferred closes. */
static void finish_participant(VsHost *h, const scn_participant_t *p, Run *r,
                               scn_seen_t *seen)
{
    if (seen->closed_by_us) {
        return;
    }
    if (p->release == SCN_RELEASE_AFTER_CONSTRAINTS ||
        p->release == SCN_RELEASE_CLOSE) {
        vs_peer_close(h, r->coll);
        seen->closed_by_us = true;
    }
}

/* A held-back duplicate keeps allocation from running until every Wait
 * is queued, so that every participant hears the outcome as a value. */
static uint32_t hold(VsHost *h, uint32_t alloc, uint32_t token)
{
    uint32_t t = vs_duplicate(h, token, FIDL_RIGHT_SAME_RIGHTS, false);

    return vs_bind(h, alloc, t, false);
}

static void let_go(VsHost *h, uint32_t coll)
{
    vs_release(h, coll, false);
    vs_peer_close(h, coll);
}

/* What the participant's WaitForAllBuffersAllocated brought. */
static void record_wait(const Run *r, scn_seen_t *seen,
                        sysmem2_buffer_collection_info_t *info)
{
    uint32_t i;

    if (!r->wait || !r->wait->answered) {
        return;
    }
    seen->answered = true;
    seen->error = vs_wait_result(r->wait, info);
    if (!seen->error) {
        seen->info = info;
    }
    seen->num_handles = r->wait->nh;
    for (i = 0; i < r->wait->nh; i++) {
        seen->rights[i] = r->wait->handles[i].rights;
    }
}

int main(int argc, char **argv)
{
    SysmemCoreConfig cfg = { .region_size = 1ull << 30,
                             .secure_heap_size = 256ull << 20 };
    g_autofree sysmem2_buffer_collection_info_t *infos = NULL;
    g_autofree scn_seen_t *seen = NULL;
    g_autofree Run *run = NULL;
    scn_scenario_t *s;
    VsHost *h;
    uint32_t alloc, helper, i;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
        fprintf(stderr, "usage: vsysmem-negotiate [SCENARIO.json]\n"
                "Runs a JSON scenario through the sysmem core and prints "
                "what each participant gets.\n");
        return 2;
    }
    s = scn_read("vsysmem-negotiate", argc == 2 ? argv[1] : NULL);
    infos = g_new0(sysmem2_buffer_collection_info_t, s->count);
    seen = g_new0(scn_seen_t, s->count);
    run = g_new0(Run, s->count);

    h = vs_host_new(&cfg);
    alloc = vs_connect(h, false);
    for (i = 0; i < s->count; i++) {
        if (s->p[i].attach) {
            continue;
        }
        run[i].token = i == 0 ? vs_allocate_shared(h, alloc, false) :
                       vs_duplicate(h, run[0].token, FIDL_RIGHT_SAME_RIGHTS,
                                    false);
        if (s->p[i].dispensable) {
            vs_set_dispensable(h, run[i].token);
        }
    }
    helper = hold(h, alloc, run[0].token);
    vs_sync(h, run[0].token, false);
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach) {
            run[i].coll = vs_bind(h, alloc, run[i].token, false);
            seen[i].bound = true;
            vs_set_debug_info(h, run[i].coll, s->p[i].name);
        }
    }
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach) {
            start_participant(h, &s->p[i], &run[i], &seen[i]);
        }
    }
    let_go(h, helper);
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach) {
            record_wait(&run[i], &seen[i], &infos[i]);
        }
    }
    for (i = 0; i < s->count; i++) {
        if (!s->p[i].attach) {
            finish_participant(h, &s->p[i], &run[i], &seen[i]);
        }
    }
    /* Attached participants join through AttachToken on a live collection. */
    for (i = 0; i < s->count; i++) {
        uint32_t j;

        if (!s->p[i].attach) {
            continue;
        }
        for (j = 0; j < s->count; j++) {
            if (scn_can_anchor(s, j, seen, !vs_closed(h, run[j].coll, NULL))) {
                break;
            }
        }
        if (j == s->count) {
            continue;
        }
        run[i].token = vs_attach_token(h, run[j].coll, FIDL_RIGHT_SAME_RIGHTS);
        if (s->p[i].dispensable) {
            vs_set_dispensable(h, run[i].token);
        }
        helper = hold(h, alloc, run[i].token);
        run[i].coll = vs_bind(h, alloc, run[i].token, false);
        seen[i].bound = true;
        vs_set_debug_info(h, run[i].coll, s->p[i].name);
        start_participant(h, &s->p[i], &run[i], &seen[i]);
        let_go(h, helper);
        record_wait(&run[i], &seen[i], &infos[i]);
        finish_participant(h, &s->p[i], &run[i], &seen[i]);
    }
    for (i = 0; i < s->count; i++) {
        seen[i].closed_by_sysmem = seen[i].bound &&
                                   vs_closed(h, run[i].coll, NULL);
    }

    scn_print_outcome(stdout, s, seen);

    vs_drop_all(h);
    vs_host_free(h);
    scn_free(s);
    return 0;
}
