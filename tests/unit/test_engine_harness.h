/* SPDX-License-Identifier: MIT */
/*
 * Shared by the tests/unit/test_engine_rx_*.c programs: stand-in channels made of AF_UNIX datagram
 * socket pairs (the host has no SocketCAN), frames numbered per channel, and a sink that checks
 * order and content. Header-only so each test stays one program.
 */
#ifndef TEST_ENGINE_HARNESS_H
#define TEST_ENGINE_HARNESS_H

#define _GNU_SOURCE
#include "engine_rx_loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FAIL(...)                                                                                  \
        do {                                                                                       \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fprintf(stderr, "\n");                                                             \
                exit(1);                                                                           \
        } while (0)
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c))                                                                          \
                        FAIL("%s", #c);                                                            \
        } while (0)

/* A test that hangs has failed: a guard, not a timing assertion. */
static inline void harness_watchdog(unsigned seconds)
{
        alarm(seconds);
}

/* Skips (77) when io_uring lacks what the engine needs on this kernel. */
static inline void harness_require_features(void)
{
        char err[256];
        if (engine_features_require(engine_features_get(), err, sizeof(err))) {
                printf("SKIP: %s\n", err);
                exit(77);
        }
}

struct harness_pair {
        int rx; /* handed to the loop, which owns it */
        int tx; /* the test's sending end */
};

static inline struct harness_pair harness_pair_open(void)
{
        int sv[2], one = 1;
        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
                FAIL("socketpair: %s", strerror(errno));
        /* AF_UNIX datagram sockets give SO_TIMESTAMPNS like CAN_RAW does. */
        if (setsockopt(sv[0], SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
                FAIL("SO_TIMESTAMPNS: %s", strerror(errno));
        return (struct harness_pair){.rx = sv[0], .tx = sv[1]};
}

/* Frame seq of channel ch: classic or FD (every 3rd), id and data derived from (ch, seq). */
static inline size_t harness_frame(unsigned ch, uint32_t seq, struct canfd_frame *f)
{
        memset(f, 0, sizeof(*f));
        f->can_id = (canid_t)(0x100 + ch) | ((seq & 1) ? CAN_EFF_FLAG : 0);
        bool fd = seq % 3 == 2;
        f->len = fd ? 64 : 8;
        if (fd)
                f->flags = CANFD_BRS;
        memcpy(f->data, &seq, sizeof(seq));
        for (unsigned i = 4; i < f->len; i++)
                f->data[i] = (uint8_t)(seq * 7 + ch + i);
        return fd ? CANFD_MTU : CAN_MTU;
}

static inline void harness_send(int tx, unsigned ch, uint32_t seq)
{
        struct canfd_frame f;
        size_t len = harness_frame(ch, seq, &f);
        ssize_t r;
        do
                r = send(tx, &f, len, 0); /* blocks while the receiver's queue is full */
        while (r < 0 && errno == EINTR);
        if (r != (ssize_t)len)
                FAIL("send ch %u seq %u: %s", ch, seq, strerror(errno));
}

/* Checks that frame f is exactly frame number expect of its channel. */
static inline void harness_check_frame(const struct engine_rx_frame *f, uint32_t expect)
{
        struct canfd_frame want;
        size_t len = harness_frame(f->channel, expect, &want);
        uint32_t got;
        memcpy(&got, ((const struct canfd_frame *)f->frame)->data, sizeof(got));
        if (got != expect)
                FAIL("channel %u: got frame %u, expected %u", f->channel, got, expect);
        if (f->mtu != len || memcmp(f->frame, &want, len) != 0)
                FAIL("channel %u frame %u: bytes differ (mtu %u)", f->channel, expect, f->mtu);
        if (f->sw_ts_ns == 0)
                FAIL("channel %u frame %u: no software timestamp", f->channel, expect);
}

/* Recording sink state: per-channel next expected seq, calls and batch sizes. */
struct harness_sink {
        unsigned nch;
        uint32_t *next; /* per channel */
        uint64_t total; /* atomic: frames accepted */
        uint64_t calls;
        unsigned max_n;
};

static inline void harness_sink_init(struct harness_sink *s, unsigned nch)
{
        memset(s, 0, sizeof(*s));
        s->nch = nch;
        s->next = calloc(nch, sizeof(*s->next));
        CHECK(s->next);
}

/* Accepts frames[0..n) after checking each; used by tests directly or from their own sinks. */
static inline void harness_sink_take(struct harness_sink *s, const struct engine_rx_frame *frames,
                                     unsigned n)
{
        for (unsigned i = 0; i < n; i++) {
                CHECK(frames[i].channel < s->nch);
                harness_check_frame(&frames[i], s->next[frames[i].channel]++);
        }
        s->calls++;
        if (n > s->max_n)
                s->max_n = n;
        __atomic_add_fetch(&s->total, n, __ATOMIC_RELEASE);
}

static inline int harness_sink_all(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        harness_sink_take(ctx, frames, n);
        return (int)n;
}

/* Waits (polling) until the sink has accepted want frames in total. */
static inline void harness_wait_total(struct harness_sink *s, uint64_t want)
{
        struct timespec d = {.tv_nsec = 1000000};
        while (__atomic_load_n(&s->total, __ATOMIC_ACQUIRE) < want)
                nanosleep(&d, NULL);
}

static inline struct engine_rx *harness_loop(unsigned nch, unsigned nbufs, engine_rx_sink_fn sink,
                                             void *ctx)
{
        struct engine_rx_config cfg = {
            .nchannels = nch, .nbufs = nbufs, .sink = sink, .sink_ctx = ctx};
        struct engine_rx *rx;
        int ret = engine_rx_create(&cfg, &rx);
        if (ret)
                FAIL("engine_rx_create: %s", strerror(-ret));
        return rx;
}

/*
 * Starts a loop made from CFG (its sink harness_sink_all into S, one channel) over one stand-in
 * channel whose sending end is *P.
 */
static inline struct engine_rx *harness_start_one(struct engine_rx_config cfg,
                                                  struct harness_sink *s, struct harness_pair *p)
{
        struct engine_rx *rx;
        int ret;

        cfg.nchannels = 1;
        cfg.sink = harness_sink_all;
        cfg.sink_ctx = s;
        harness_sink_init(s, 1);
        ret = engine_rx_create(&cfg, &rx);
        if (ret)
                FAIL("engine_rx_create: %s", strerror(-ret));
        *p = harness_pair_open();
        if (engine_rx_set_socket(rx, 0, p->rx) || engine_rx_start(rx))
                FAIL("installing the socket or starting the loop failed");
        return rx;
}

static inline void harness_stop_join(struct engine_rx *rx)
{
        char err[256];
        engine_rx_stop(rx);
        int ret = engine_rx_join(rx, err, sizeof(err));
        if (ret)
                FAIL("engine_rx_run: %s (%s)", strerror(-ret), err);
}

/*
 * Opens nch stand-in channels, runs a loop with nbufs buffers over them, sends per_ch frames on
 * each (round-robin, blocking), waits for all of them and stops. The sink checks every frame.
 */
static inline void harness_run_order(unsigned nch, uint32_t per_ch, unsigned nbufs,
                                     struct harness_sink *s, struct engine_rx **rx_out)
{
        struct harness_pair *p = calloc(nch, sizeof(*p));
        CHECK(p);
        harness_sink_init(s, nch);
        struct engine_rx *rx = harness_loop(nch, nbufs, harness_sink_all, s);
        for (unsigned i = 0; i < nch; i++) {
                p[i] = harness_pair_open();
                CHECK(engine_rx_set_socket(rx, i, p[i].rx) == 0);
        }
        CHECK(engine_rx_start(rx) == 0);
        for (uint32_t seq = 0; seq < per_ch; seq++)
                for (unsigned i = 0; i < nch; i++)
                        harness_send(p[i].tx, i, seq);
        harness_wait_total(s, (uint64_t)nch * per_ch);
        harness_stop_join(rx);
        for (unsigned i = 0; i < nch; i++) {
                if (s->next[i] != per_ch)
                        FAIL("channel %u: %u frames, expected %u", i, s->next[i], per_ch);
                struct engine_rx_chan_stats cs;
                CHECK(engine_rx_get_chan_stats(rx, i, &cs) == 0);
                CHECK(cs.frames == per_ch);
                CHECK(cs.malformed == 0);
                close(p[i].tx);
        }
        free(p);
        *rx_out = rx;
}

#endif
