/*
 * zx_status_t and fuchsia.sysmem2/Error names (see sysmem/status.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/status.h"

typedef struct status_entry {
    int32_t status;
    const char *name;
    const char *meaning;
} status_entry_t;

/* zircon/errors.h, every value it defines. */
static const status_entry_t zx_statuses[] = {
    { 0, "ZX_OK", "success" },
    { -1, "ZX_ERR_INTERNAL", "internal error" },
    { -2, "ZX_ERR_NOT_SUPPORTED", "not supported" },
    { -3, "ZX_ERR_NO_RESOURCES", "out of resources" },
    { -4, "ZX_ERR_NO_MEMORY", "out of memory" },
    { -5, "ZX_ERR_CALL_FAILED", "call failed" },
    { -6, "ZX_ERR_INTERNAL_INTR_RETRY", "interrupted, retry" },
    { -10, "ZX_ERR_INVALID_ARGS", "invalid arguments" },
    { -11, "ZX_ERR_BAD_HANDLE", "not a handle" },
    { -12, "ZX_ERR_WRONG_TYPE", "wrong object type" },
    { -13, "ZX_ERR_BAD_SYSCALL", "bad system call" },
    { -14, "ZX_ERR_OUT_OF_RANGE", "out of range" },
    { -15, "ZX_ERR_BUFFER_TOO_SMALL", "buffer too small" },
    { -20, "ZX_ERR_BAD_STATE", "bad state" },
    { -21, "ZX_ERR_TIMED_OUT", "timed out" },
    { -22, "ZX_ERR_SHOULD_WAIT", "should wait" },
    { -23, "ZX_ERR_CANCELED", "canceled" },
    { -24, "ZX_ERR_PEER_CLOSED", "peer closed" },
    { -25, "ZX_ERR_NOT_FOUND", "not found" },
    { -26, "ZX_ERR_ALREADY_EXISTS", "already exists" },
    { -27, "ZX_ERR_ALREADY_BOUND", "already bound" },
    { -28, "ZX_ERR_UNAVAILABLE", "unavailable" },
    { -30, "ZX_ERR_ACCESS_DENIED", "access denied" },
    { -40, "ZX_ERR_IO", "I/O error" },
    { -41, "ZX_ERR_IO_REFUSED", "I/O refused" },
    { -42, "ZX_ERR_IO_DATA_INTEGRITY", "data integrity error" },
    { -43, "ZX_ERR_IO_DATA_LOSS", "data lost" },
    { -44, "ZX_ERR_IO_NOT_PRESENT", "device not present" },
    { -45, "ZX_ERR_IO_OVERRUN", "I/O overrun" },
    { -46, "ZX_ERR_IO_MISSED_DEADLINE", "missed deadline" },
    { -47, "ZX_ERR_IO_INVALID", "invalid I/O" },
    { -50, "ZX_ERR_BAD_PATH", "bad path" },
    { -51, "ZX_ERR_NOT_DIR", "not a directory" },
    { -52, "ZX_ERR_NOT_FILE", "not a file" },
    { -53, "ZX_ERR_FILE_BIG", "file too big" },
    { -54, "ZX_ERR_NO_SPACE", "no space" },
    { -55, "ZX_ERR_NOT_EMPTY", "not empty" },
    { -60, "ZX_ERR_STOP", "stop" },
    { -61, "ZX_ERR_NEXT", "next" },
    { -62, "ZX_ERR_ASYNC", "asynchronous" },
    { -70, "ZX_ERR_PROTOCOL_NOT_SUPPORTED", "protocol not supported" },
    { -71, "ZX_ERR_ADDRESS_UNREACHABLE", "address unreachable" },
    { -72, "ZX_ERR_ADDRESS_IN_USE", "address in use" },
    { -73, "ZX_ERR_NOT_CONNECTED", "not connected" },
    { -74, "ZX_ERR_CONNECTION_REFUSED", "connection refused" },
    { -75, "ZX_ERR_CONNECTION_RESET", "connection reset" },
    { -76, "ZX_ERR_CONNECTION_ABORTED", "connection aborted" },
};

#define N_ZX_STATUSES (sizeof(zx_statuses) / sizeof(zx_statuses[0]))

static const status_entry_t *zx_status_entry(int32_t status)
{
    size_t i;

    for (i = 0; i < N_ZX_STATUSES; i++) {
        if (zx_statuses[i].status == status) {
            return &zx_statuses[i];
        }
    }
    return NULL;
}

const char *fidl_zx_status_name(int32_t status)
{
    const status_entry_t *e = zx_status_entry(status);

    return e ? e->name : NULL;
}

const char *fidl_zx_status_meaning(int32_t status)
{
    const status_entry_t *e = zx_status_entry(status);

    return e ? e->meaning : NULL;
}

/*
 * fuchsia.sysmem2/Error in value order, with the status sysmem closes a
 * failed collection's channels with (what Fuchsia's sysmem maps them to).
 */
static const status_entry_t sysmem2_errors[] = {
    { FIDL_ZX_ERR_INTERNAL, "INVALID", "invalid error value" },
    { FIDL_ZX_ERR_INTERNAL, "UNSPECIFIED", "unspecified failure" },
    { FIDL_ZX_ERR_INVALID_ARGS, "PROTOCOL_DEVIATION",
      "a participant broke the protocol" },
    { FIDL_ZX_ERR_NOT_FOUND, "NOT_FOUND", "no such object" },
    { FIDL_ZX_ERR_ACCESS_DENIED, "HANDLE_ACCESS_DENIED",
      "a handle lacks the rights needed" },
    { FIDL_ZX_ERR_NO_MEMORY, "NO_MEMORY",
      "not enough memory for the buffers" },
    { FIDL_ZX_ERR_NOT_SUPPORTED, "CONSTRAINTS_INTERSECTION_EMPTY",
      "no buffers satisfy every participant's constraints" },
    { FIDL_ZX_ERR_UNAVAILABLE, "PENDING", "buffers not allocated yet" },
    { FIDL_ZX_ERR_OUT_OF_RANGE, "TOO_MANY_GROUP_CHILD_COMBINATIONS",
      "too many token group child combinations to try" },
    { FIDL_ZX_ERR_INTERNAL, "NO_MORE_STRONG_VMO_HANDLES",
      "no more strong VMO handles" },
};

#define N_SYSMEM2_ERRORS (sizeof(sysmem2_errors) / sizeof(sysmem2_errors[0]))

const char *sysmem2_error_name(sysmem2_error_t err)
{
    return err < N_SYSMEM2_ERRORS ? sysmem2_errors[err].name : NULL;
}

const char *sysmem2_error_meaning(sysmem2_error_t err)
{
    return err < N_SYSMEM2_ERRORS ? sysmem2_errors[err].meaning : NULL;
}

/* The codec uses no string functions beyond mem*() (sysmem/fidl-compat.h). */
static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

bool sysmem2_error_from_name(const char *name, sysmem2_error_t *err)
{
    uint32_t i;

    for (i = 0; i < N_SYSMEM2_ERRORS; i++) {
        if (str_eq(sysmem2_errors[i].name, name)) {
            *err = i;
            return true;
        }
    }
    return false;
}

int32_t sysmem2_error_to_status(sysmem2_error_t err)
{
    return err < N_SYSMEM2_ERRORS ? sysmem2_errors[err].status :
           FIDL_ZX_ERR_INTERNAL;
}

bool sysmem2_error_from_status(int32_t status, sysmem2_error_t *err)
{
    uint32_t i;

    if (status == FIDL_ZX_ERR_INTERNAL) {
        /*
         * INVALID, UNSPECIFIED and NO_MORE_STRONG_VMO_HANDLES share it;
         * of those, only UNSPECIFIED fails a collection.
         */
        *err = SYSMEM2_ERROR_UNSPECIFIED;
        return true;
    }
    for (i = 0; i < N_SYSMEM2_ERRORS; i++) {
        if (sysmem2_errors[i].status == status) {
            *err = i;
            return true;
        }
    }
    return false;
}

const char *sysmem2_coherency_domain_name(sysmem2_coherency_domain_t d)
{
    switch (d) {
    case SYSMEM2_COHERENCY_DOMAIN_CPU:
        return "CPU";
    case SYSMEM2_COHERENCY_DOMAIN_RAM:
        return "RAM";
    case SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE:
        return "INACCESSIBLE";
    default:
        return NULL;
    }
}
