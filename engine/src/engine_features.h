/* SPDX-License-Identifier: MIT */
/*
 * What the running kernel's io_uring offers the receive engine. Probed once per process by actually
 * setting up rings and arming the operations (a probe of opcodes alone cannot tell whether
 * multishot recvmsg or buffer rings work), then reported and checked against what the engine needs.
 */
#ifndef CANRING_ENGINE_FEATURES_H
#define CANRING_ENGINE_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

struct engine_features {
        int uring_err;          /* 0, or -errno from io_uring_setup (ENOSYS, EPERM when disabled) */
        bool recvmsg;           /* IORING_OP_RECVMSG in io_uring_get_probe() */
        bool single_issuer;     /* IORING_SETUP_SINGLE_ISSUER accepted (6.0) */
        bool defer_taskrun;     /* IORING_SETUP_DEFER_TASKRUN accepted (6.1) */
        bool coop_taskrun;      /* IORING_SETUP_COOP_TASKRUN accepted (5.19) */
        bool buf_ring;          /* io_uring_register_buf_ring works (5.19) */
        bool recvmsg_multishot; /* a multishot recvmsg posted a CQE with IORING_CQE_F_MORE (6.0) */
        bool ext_arg;           /* IORING_FEAT_EXT_ARG: wait with timeout without a timeout SQE */
        bool nodrop;            /* IORING_FEAT_NODROP: CQ overflow is buffered, not dropped */
};

/* Probes the running kernel (uncached). Returns 0; a missing feature is a false field, not an
 * error. */
int engine_features_probe(struct engine_features *f);

/* The process-wide probe result, probed on first use. Never NULL. */
const struct engine_features *engine_features_get(void);

/*
 * 0 if everything the engine requires is present (io_uring, IORING_OP_RECVMSG, multishot recvmsg,
 * buffer rings); otherwise -EOPNOTSUPP (or io_uring's setup error) with a message naming the first
 * missing feature in err.
 */
int engine_features_require(const struct engine_features *f, char *err, size_t errlen);

/* The io_uring setup flags the engine uses on this kernel (SINGLE_ISSUER, DEFER_TASKRUN, ...). */
unsigned engine_features_setup_flags(const struct engine_features *f);

/* One-line human report ("recvmsg=yes multishot=yes ..."); returns snprintf's result. */
int engine_features_format(const struct engine_features *f, char *buf, size_t len);

#endif
