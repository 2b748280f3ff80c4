/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the control socket's host tests: a real service (segment in a temporary
 * CANRING_SHM_DIR) whose one channel "lo" is a stand-in datagram socket, run on a thread. The
 * host has no CAN, so what needs a CAN socket fails here with the service's message; the lab
 * cases (tests/lab/cases/ctl_*.sh) test the same requests on real SocketCAN.
 */
#ifndef CANRING_TEST_CONTROL_H
#define CANRING_TEST_CONTROL_H

#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "canring/control.h"
#include "service.h"

#define FAIL(...)                                                                                  \
        do {                                                                                       \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fprintf(stderr, "\n");                                                             \
                exit(1);                                                                           \
        } while (0)

#define SEGMENT "ctltest"

/* The stand-in channel opener: one end of a datagram socketpair, "bound" to lo. */
static inline int standin_open(void *ctx, const struct engine_channel_config *cfg,
                               struct engine_channel_info *info, char *err, size_t errlen)
{
        int sv[2];

        (void)ctx;
        (void)cfg;
        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
                snprintf(err, errlen, "socketpair: %s", strerror(errno));
                return -errno;
        }
        close(sv[1]);
        info->ifindex = (int)if_nametoindex("lo");
        info->mtu = CAN_MTU;
        return sv[0];
}

struct test_service {
        struct canring_service *svc;
        pthread_t thread;
        char dir[64];
};

static inline void *service_thread(void *arg)
{
        struct test_service *t = arg;
        char err[256];

        if (canring_service_run(t->svc, err, sizeof(err)) < 0)
                FAIL("service run: %s", err);
        return NULL;
}

/* Starts the service; skips (77) where the kernel lacks what the engine needs. */
static inline void test_service_start(struct test_service *t)
{
        static struct canring_service_config cfg;
        char err[512];
        int rc;

        snprintf(t->dir, sizeof(t->dir), "/tmp/canring-ctl.XXXXXX");
        if (!mkdtemp(t->dir))
                FAIL("mkdtemp: %s", strerror(errno));
        setenv("CANRING_SHM_DIR", t->dir, 1);
        canring_service_config_init(&cfg);
        snprintf(cfg.segment, sizeof(cfg.segment), "%s", SEGMENT);
        cfg.ring_size = 1u << 16;
        cfg.nchannels = 1;
        memset(&cfg.channels[0], 0, sizeof(cfg.channels[0]));
        snprintf(cfg.channels[0].ifname, sizeof(cfg.channels[0].ifname), "lo");
        rc = canring_service_create(&cfg, standin_open, NULL, &t->svc, err, sizeof(err));
        if (rc == -EOPNOTSUPP) {
                printf("SKIP: %s\n", err);
                exit(77);
        }
        if (rc < 0)
                FAIL("service create: %s", err);
        if (pthread_create(&t->thread, NULL, service_thread, t))
                FAIL("pthread_create");
}

static inline void test_service_stop(struct test_service *t)
{
        char path[256];

        canring_service_stop(t->svc);
        pthread_join(t->thread, NULL);
        canring_service_destroy(t->svc);
        if (canring_control_path(SEGMENT, path, sizeof(path)) == 0 && access(path, F_OK) == 0)
                FAIL("control socket %s left behind", path);
        rmdir(t->dir);
}

static inline struct canring_control *test_connect(void)
{
        struct canring_control *ctl;
        char err[512];
        int rc = canring_control_open(&ctl, SEGMENT, err, sizeof(err));

        if (rc < 0)
                FAIL("connect: %s", err);
        return ctl;
}

/* Expects RC == WANT and ERR to contain SUB. */
#define EXPECT_ERR(rc, want, err, sub)                                                             \
        do {                                                                                       \
                int rc_ = (rc);                                                                    \
                if (rc_ != (want))                                                                 \
                        FAIL("%s: got %d (%s), want %d", #rc, rc_, err, (want));                   \
                if (!strstr((err), (sub)))                                                         \
                        FAIL("%s: message '%s' lacks '%s'", #rc, err, sub);                        \
        } while (0)

#endif
