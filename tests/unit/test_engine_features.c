/* SPDX-License-Identifier: MIT */
/*
 * The feature probe reports on the running kernel, and the requirement check names what is missing.
 * Skips (77) only when io_uring itself is unavailable here.
 */
#include "engine_features.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);               \
                        return 1;                                                                  \
                }                                                                                  \
        } while (0)

int main(void)
{
        struct engine_features f, fake;
        char line[512], err[256];

        CHECK(engine_features_probe(&f) == 0);
        engine_features_format(&f, line, sizeof(line));
        printf("kernel io_uring: %s\n", line);
        if (f.uring_err) {
                CHECK(engine_features_require(&f, err, sizeof(err)) == f.uring_err);
                printf("SKIP: %s\n", err);
                return 77;
        }
        /* The cached probe agrees with a fresh one. */
        CHECK(memcmp(engine_features_get(), &f, sizeof(f)) == 0);

        /* Consistency: DEFER_TASKRUN needs SINGLE_ISSUER; multishot recvmsg needs RECVMSG. */
        CHECK(!f.defer_taskrun || f.single_issuer);
        CHECK(!f.recvmsg_multishot || (f.recvmsg && f.buf_ring));
        unsigned flags = engine_features_setup_flags(&f);
        CHECK(!!(flags & IORING_SETUP_SINGLE_ISSUER) == f.single_issuer);
        CHECK(!!(flags & IORING_SETUP_DEFER_TASKRUN) == f.defer_taskrun);

        int ret = engine_features_require(&f, err, sizeof(err));
        printf("requirement check: %s\n", ret ? err : "ok");
        CHECK(ret == 0 || ret == -EOPNOTSUPP);

        /* Each required feature, when absent, is named in the error. */
        fake = f;
        fake.uring_err = 0;
        fake.recvmsg = fake.buf_ring = fake.recvmsg_multishot = true;
        CHECK(engine_features_require(&fake, err, sizeof(err)) == 0);
        fake.recvmsg_multishot = false;
        CHECK(engine_features_require(&fake, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strstr(err, "multishot recvmsg") != NULL);
        fake.buf_ring = false;
        CHECK(engine_features_require(&fake, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strstr(err, "buffer rings") != NULL);
        fake.recvmsg = false;
        CHECK(engine_features_require(&fake, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strstr(err, "IORING_OP_RECVMSG") != NULL);
        fake.uring_err = -ENOSYS;
        CHECK(engine_features_require(&fake, err, sizeof(err)) == -ENOSYS);
        CHECK(strstr(err, "io_uring") != NULL);

        /* Without SINGLE_ISSUER/DEFER_TASKRUN the engine still runs, with other setup flags. */
        fake = f;
        fake.single_issuer = fake.defer_taskrun = false;
        CHECK((engine_features_setup_flags(&fake) &
               (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)) == 0);
        return 0;
}
