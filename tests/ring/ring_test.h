/* SPDX-License-Identifier: MIT */
/*
 * Shared by the ring tests: a deterministic record generator (every record's content, checksum
 * included, is a function of its sequence number), its checker, sizing for sanitizer builds.
 */
#ifndef CANRING_TESTS_RING_TEST_H
#define CANRING_TESTS_RING_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "canring/canring.h"

#define FAIL(...)                                                                                  \
        do {                                                                                       \
                fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fprintf(stderr, "\n");                                                             \
                exit(1);                                                                           \
        } while (0)

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        FAIL("check failed: %s", #cond);                                           \
        } while (0)

#define CHECK_EQ(a, b)                                                                             \
        do {                                                                                       \
                long long _a = (long long)(a), _b = (long long)(b);                                \
                if (_a != _b)                                                                      \
                        FAIL("%s == %lld, expected %s == %lld", #a, _a, #b, _b);                   \
        } while (0)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RT_SANITIZED 1
#endif
#endif
#ifndef RT_SANITIZED
#define RT_SANITIZED 0
#endif

/* Record counts shrink under sanitizers (and can be set with CANRING_TEST_RECORDS). */
static inline uint64_t rt_records(uint64_t normal)
{
        const char *env = getenv("CANRING_TEST_RECORDS");

        if (env && *env)
                return strtoull(env, NULL, 0);
        return RT_SANITIZED ? normal / 10 : normal;
}

static inline uint64_t rt_mix(uint64_t x)
{
        x += 0x9e3779b97f4a7c15ull;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        return x ^ (x >> 31);
}

/* Every 100000th record is an event; otherwise every 7th a CAN FD frame, else classic. */
static inline unsigned rt_kind(uint64_t seq)
{
        if (seq % 100000 == 99999)
                return CANRING_KIND_EVENT;
        return seq % 7 == 3 ? CANRING_KIND_FD : CANRING_KIND_CLASSIC;
}

static inline uint64_t rt_checksum(const struct canring_record *r)
{
        uint64_t h = rt_mix(r->seq ^ ((uint64_t)r->channel << 48) ^ ((uint64_t)r->kind << 40) ^
                            ((uint64_t)r->flags << 32));
        unsigned len;

        h = rt_mix(h ^ r->sw_ts_ns);
        if (r->kind == CANRING_KIND_EVENT) {
                h = rt_mix(h ^ r->event.type);
                for (int i = 0; i < 3; i++)
                        h = rt_mix(h ^ r->event.value[i]);
                return h;
        }
        len = r->kind == CANRING_KIND_FD ? r->canfd.len : r->can.len;
        h = rt_mix(h ^ r->can.can_id ^ ((uint64_t)len << 32));
        for (unsigned i = 0; i < len; i++)
                h = rt_mix(h ^ r->can.data[i]);
        return h;
}

/* Fills a record added with canring_batch_add(b, rt_kind(seq)); r->seq is already set. */
static inline void rt_fill(struct canring_record *r)
{
        uint64_t seq = r->seq, m = rt_mix(seq);

        r->sw_ts_ns = seq * 1000 + 17;
        r->channel = (uint16_t)(seq % 4);
        r->flags = (uint8_t)(m & CANRING_FLAG_TX);
        memset(r->__pad, 0, sizeof(r->__pad));
        if (r->kind == CANRING_KIND_EVENT) {
                memset(&r->event, 0, sizeof(r->event));
                r->event.type = CANRING_EVENT_SOCKET_DROP;
                r->event.value[0] = seq;
                r->event.value[1] = m;
        } else if (r->kind == CANRING_KIND_FD) {
                memset(&r->canfd, 0, sizeof(r->canfd));
                r->canfd.can_id = (canid_t)(m & CAN_EFF_MASK) | CAN_EFF_FLAG;
                r->canfd.len = 64;
                r->flags |= CANRING_FLAG_BRS;
                for (unsigned i = 0; i < 64; i++)
                        r->canfd.data[i] = (uint8_t)(m >> (i % 8 * 8)) ^ (uint8_t)i;
        } else {
                memset(&r->can, 0, sizeof(r->can));
                r->can.can_id = (canid_t)(m & CAN_SFF_MASK);
                r->can.len = (uint8_t)(seq % 9);
                for (unsigned i = 0; i < r->can.len; i++)
                        r->can.data[i] = (uint8_t)(m >> (i * 8));
        }
        r->hw_ts_ns = rt_checksum(r);
}

/* 0 when the record is exactly what rt_fill() wrote for sequence number `seq`. */
static inline int rt_check(const struct canring_record *r, uint64_t seq)
{
        if (r->seq != seq || r->kind != rt_kind(seq) || r->sw_ts_ns != seq * 1000 + 17 ||
            r->channel != seq % 4)
                return -1;
        if (r->nslots != canring_kind_slots(r->kind))
                return -1;
        return r->hw_ts_ns == rt_checksum(r) ? 0 : -1;
}

/* Publishes records seq .. seq+n-1 in one batch; returns 0 or the reserve error. */
/* Publishes records first..first+n-1 in one batch; deferred: canring_producer_commit_deferred. */
static inline int rt_publish_as(struct canring_producer *p, unsigned ring, uint64_t first,
                                unsigned n, int deferred)
{
        struct canring_batch b;
        unsigned need = 0;
        int ret;

        for (unsigned i = 0; i < n; i++) /* an FD record may need one slot of padding */
                need += rt_kind(first + i) == CANRING_KIND_FD ? 3 : 1;
        ret = canring_producer_reserve(p, ring, need, &b);

        if (ret)
                return ret;
        for (unsigned i = 0; i < n; i++) {
                struct canring_record *r = canring_batch_add(&b, rt_kind(first + i));

                if (!r)
                        FAIL("reservation of %u slots too small", need);
                if (r->seq != first + i)
                        FAIL("batch seq %llu, expected %llu", (unsigned long long)r->seq,
                             (unsigned long long)(first + i));
                rt_fill(r);
        }
        ret = deferred ? canring_producer_commit_deferred(p, &b) : canring_producer_commit(p, &b);
        return ret < 0 ? ret : 0;
}

static inline int rt_publish(struct canring_producer *p, unsigned ring, uint64_t first, unsigned n)
{
        return rt_publish_as(p, ring, first, n, 0);
}

static inline uint64_t rt_now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A segment name private to this test process. */
static inline const char *rt_name(const char *what)
{
        static char buf[64];

        snprintf(buf, sizeof(buf), "test-%s-%d", what, (int)getpid());
        return buf;
}

#endif
