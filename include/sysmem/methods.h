/*
 * The method table: every fuchsia.sysmem2 and fuchsia.sysmem (v1) method
 * with its ordinal, which protocols accept it, its strictness and the
 * descriptors of its request and reply bodies.  Protocol servers look a
 * message's ordinal up here, decode the request into the C struct named by
 * the descriptor and encode the reply with sysmem_encode_reply().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_METHODS_H
#define SYSMEM_METHODS_H

#include "sysmem/fidl.h"
#include "sysmem/ordinals.h"
#include "sysmem/sysmem2.h"
#include "sysmem/sysmem-v1.h"

/* Protocols (bit mask: Node methods are accepted by several). */
#define SYSMEM_PROTO_V2_ALLOCATOR   0x01u
#define SYSMEM_PROTO_V2_TOKEN       0x02u
#define SYSMEM_PROTO_V2_COLLECTION  0x04u
#define SYSMEM_PROTO_V2_GROUP       0x08u
#define SYSMEM_PROTO_V1_ALLOCATOR   0x10u
#define SYSMEM_PROTO_V1_TOKEN       0x20u
#define SYSMEM_PROTO_V1_COLLECTION  0x40u
#define SYSMEM_PROTO_V1_GROUP       0x80u
#define SYSMEM_PROTO_V2_NODES       (SYSMEM_PROTO_V2_TOKEN | \
                                     SYSMEM_PROTO_V2_COLLECTION | \
                                     SYSMEM_PROTO_V2_GROUP)
#define SYSMEM_PROTO_V1_NODES       (SYSMEM_PROTO_V1_TOKEN | \
                                     SYSMEM_PROTO_V1_COLLECTION | \
                                     SYSMEM_PROTO_V1_GROUP)
#define SYSMEM_PROTO_V2_ALL         0x0fu
#define SYSMEM_PROTO_V1_ALL         0xf0u
/* sysmem2 protocols are `open`: unknown flexible two-way calls get a
 * framework-error reply.  v1 protocols are `closed`. */
#define SYSMEM_PROTO_IS_OPEN(p)     (((p) & SYSMEM_PROTO_V2_ALL) != 0)

/* sysmem_method_t.flags */
#define SYSMEM_METHOD_TWO_WAY       0x01u
#define SYSMEM_METHOD_FLEXIBLE      0x02u   /* header flag 0x80 */
#define SYSMEM_METHOD_HAS_ERROR     0x04u   /* result union has an err arm */
#define SYSMEM_METHOD_RESULT_UNION  0x08u   /* reply body is a *_result_t */
#define SYSMEM_METHOD_LEGACY        0x10u   /* v1, removed at API level 9 */

/* SYSMEM_M_<NAME>: dense method ids, e.g. SYSMEM_M_SYSMEM2_NODE_SYNC. */
enum sysmem_method_id {
#define SYSMEM__ID(name, sel, ord, legacy) SYSMEM_M_##name,
    SYSMEM_FOR_EACH_SELECTOR(SYSMEM__ID)
#undef SYSMEM__ID
    SYSMEM_M_COUNT_
};

typedef struct sysmem_method {
    uint64_t ordinal;
    uint32_t id;                    /* enum sysmem_method_id */
    uint32_t protocols;             /* SYSMEM_PROTO_* accepting it */
    uint32_t flags;                 /* SYSMEM_METHOD_* */
    const char *selector;           /* "fuchsia.sysmem2/Node.Sync" */
    const char *name;               /* "Sync" */
    const fidl_type_t *request;     /* NULL: no request payload */
    const fidl_type_t *response;    /* NULL: no reply payload/one-way */
} sysmem_method_t;

/* All methods, sysmem_methods_base[0 .. sysmem_method_count). */
extern const sysmem_method_t *const sysmem_methods_base;
extern const uint32_t sysmem_method_count;

/*
 * The method with this ordinal that `protocol` (one SYSMEM_PROTO_* bit, or
 * 0 for any) accepts; NULL if none.
 */
const sysmem_method_t *sysmem_method_lookup(uint32_t protocol,
                                            uint64_t ordinal);
const sysmem_method_t *sysmem_method_by_id(uint32_t id);
/* "fuchsia.sysmem2/Node.Sync": the selector the ordinal was hashed from. */
const char *sysmem_method_selector(const sysmem_method_t *m);

/*
 * Decode a whole request message for `m` (header included): checks the
 * header, the txid rule for the method (two-way: txid != 0, one-way: 0),
 * and decodes the body into `out` (m->request->c_size bytes; ignored when
 * the method has no payload).
 */
int sysmem_decode_request(const sysmem_method_t *m, const uint8_t *bytes,
                          uint32_t n, fidl_handle_info_t *handles,
                          uint32_t nh, fidl_message_header_t *hdr, void *out);

/*
 * Encode the reply to `m` with the request's txid: header with the
 * method's declared strictness, body from `response` (a *_result_t when
 * m->flags has SYSMEM_METHOD_RESULT_UNION; NULL if m->response is NULL).
 */
int sysmem_encode_reply(const sysmem_method_t *m, uint32_t txid,
                        const void *response, uint8_t *bytes, uint32_t cap,
                        uint32_t *n, fidl_handle_info_t *handles,
                        uint32_t hcap, uint32_t *nh);

/* Encode a request (client side: guest library, tests). */
int sysmem_encode_request(const sysmem_method_t *m, uint32_t txid,
                          const void *request, uint8_t *bytes, uint32_t cap,
                          uint32_t *n, fidl_handle_info_t *handles,
                          uint32_t hcap, uint32_t *nh);

/* Decode a reply to `m` (client side). */
int sysmem_decode_reply(const sysmem_method_t *m, const uint8_t *bytes,
                        uint32_t n, fidl_handle_info_t *handles, uint32_t nh,
                        fidl_message_header_t *hdr, void *out);

#endif /* SYSMEM_METHODS_H */
