/*
 * Negotiation scenarios as JSON: the one reader and printer of the format
 * docs/core.md ("vsysmem-negotiate") describes, shared by the host tool
 * vsysmem-negotiate (the in-process core) and by `vsysmemctl negotiate FILE`
 * in the guest (the real device, one process per participant), so that
 * both read the same files and print the same JSON.
 *
 * Plain C and libc only: the guest's static vsysmemctl has no GLib or
 * json-glib.  Enum names come from the shared tables (sysmem/status.h,
 * hw/sysmem/image-format.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TOOLS_SCENARIO_H
#define TOOLS_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sysmem/fidl.h"
#include "sysmem/sysmem2.h"

#define SCN_MAX_PARTICIPANTS 64

typedef enum scn_release {
    SCN_RELEASE_NONE,
    SCN_RELEASE_AFTER_CONSTRAINTS,      /* SetConstraints, then Release */
    SCN_RELEASE_BEFORE_CONSTRAINTS,     /* Release without SetConstraints */
    SCN_RELEASE_CLOSE,                  /* drop the channel, no Release */
} scn_release_t;

typedef struct scn_participant {
    char *name;
    bool has_constraints;
    /* Zeroed when the participant sets none (SetConstraints without). */
    sysmem2_buffer_collection_constraints_t *constraints;
    bool dispensable;
    bool attach;                        /* attach_after_allocation */
    scn_release_t release;
} scn_participant_t;

typedef struct scn_scenario {
    uint32_t count;
    scn_participant_t p[SCN_MAX_PARTICIPANTS];
} scn_scenario_t;

/*
 * Read a scenario from `path` (NULL or "-": stdin).  Bad input prints
 * "PROG: FILE:LINE: json.path: what" on stderr and exits 2, as
 * vsysmem-negotiate always did.
 */
scn_scenario_t *scn_read(const char *prog, const char *path);
/* The same from a buffer; `name` is the input's name in messages. */
scn_scenario_t *scn_parse(const char *prog, const char *name,
                          const char *text, size_t len);
void scn_free(scn_scenario_t *s);

/*
 * What one participant saw, gathered by whoever ran the scenario, in the
 * order the scenario runs (docs/core.md): every participant but the
 * attached ones is bound before any sets constraints, a held-back token
 * keeps allocation from running until every WaitForAllBuffersAllocated is
 * queued, the deferred closes follow, then each attached participant joins
 * through AttachToken on the first participant that can anchor it.
 */
typedef struct scn_seen {
    bool bound;             /* it had a collection channel */
    bool answered;          /* its WaitForAllBuffersAllocated got a reply */
    sysmem2_error_t error;  /* the reply's Error; 0: buffers */
    /* The reply's info when answered without Error (caller's memory). */
    const sysmem2_buffer_collection_info_t *info;
    uint32_t num_handles;   /* handles in the reply (VMOs) */
    uint32_t rights[FIDL_MAX_MSG_HANDLES];  /* FIDL_RIGHT_* of each */
    bool closed_by_us;      /* the scenario closed its channel */
    bool closed_by_sysmem;  /* sysmem had closed its channel by the end */
} scn_seen_t;

/*
 * May participant i anchor an attached one (AttachToken on its channel)?
 * `alive`: its channel is still open.
 */
bool scn_can_anchor(const scn_scenario_t *s, uint32_t i,
                    const scn_seen_t *seen, bool alive);

/* Print the outcome as vsysmem-negotiate does (pretty JSON + newline). */
void scn_print_outcome(FILE *out, const scn_scenario_t *s,
                       const scn_seen_t *seen);

#endif
