/* SPDX-License-Identifier: MIT */
/*
 * Longer lingers while a stream flows: when the idle hook says its consumers can wait (the
 * service's readers are not due before their wake-up budget), the loop sleeps up to that long
 * between batches of a stream instead of coalesce_ns, so a slow stream takes far fewer iterations.
 * Never more than 8 times coalesce_ns, whatever the hook says (an hour), and never after the
 * first batch after a pause (a frame that comes after a pause still wakes the loop at once).
 */
#include "test_engine_harness.h"

#include <time.h>

#define FRAMES 2000

static struct harness_sink s;
static uint64_t hook_wait_ns; /* what the idle hook answers for a brief sleep */

static uint64_t mono_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t idle(void *ctx, bool brief)
{
        (void)ctx;
        return brief ? hook_wait_ns : 0;
}

static struct engine_rx *start_one(uint64_t coalesce_ns, unsigned nbufs, struct harness_pair *p)
{
        struct engine_rx_config cfg = {.nbufs = nbufs, .coalesce_ns = coalesce_ns, .idle = idle};

        return harness_start_one(cfg, &s, p);
}

static void finish(struct engine_rx *rx, struct harness_pair *p, struct engine_rx_stats *st)
{
        harness_stop_join(rx);
        engine_rx_get_stats(rx, st);
        close(p->tx);
        engine_rx_destroy(rx);
        free(s.next);
}

/* FRAMES frames 100 us apart through a loop with a 2 ms linger whose hook answers WAIT_NS;
 * returns the loop's statistics, *ms how long the sending took. */
static struct engine_rx_stats stream(uint64_t wait_ns, uint64_t *ms)
{
        struct harness_pair p;
        struct engine_rx_stats st;
        struct timespec gap = {.tv_nsec = 100000};

        hook_wait_ns = wait_ns;
        struct engine_rx *rx = start_one(2000000u, 1024, &p);
        uint64_t t0 = mono_ns();
        for (uint32_t seq = 0; seq < FRAMES; seq++) {
                harness_send(p.tx, 0, seq);
                nanosleep(&gap, NULL);
        }
        *ms = (mono_ns() - t0) / 1000000u;
        harness_wait_total(&s, FRAMES);
        CHECK(s.next[0] == FRAMES); /* in order, none lost */
        finish(rx, &p, &st);
        CHECK(st.frames == FRAMES);
        return st;
}

int main(void)
{
        uint64_t ms_short, ms_long, ms_hour;

        harness_watchdog(120);
        harness_require_features();

        /* The hook answers no more than the linger: every sleep is coalesce_ns (2 ms). */
        struct engine_rx_stats plain = stream(1000000u, &ms_short);
        /* It answers 100 ms: between batches of the stream the loop sleeps 16 ms (8 lingers; the
         * stream, at most 10 frames a ms, is too slow for the rate bounds to cut that). */
        struct engine_rx_stats longer = stream(100000000u, &ms_long);
        /* It answers an hour: still at most 16 ms. */
        struct engine_rx_stats hour = stream(3600ull * 1000000000u, &ms_hour);
        printf("%d frames: %lu iterations in %lu ms with 2 ms lingers; %lu iterations (%lu long "
               "lingers, the longest %lu us) in %lu ms when the hook allows 100 ms; %lu (%lu, %lu "
               "us) in %lu ms when it allows an hour\n",
               FRAMES, (unsigned long)plain.iterations, (unsigned long)ms_short,
               (unsigned long)longer.iterations, (unsigned long)longer.long_lingers,
               (unsigned long)(longer.longest_linger_ns / 1000), (unsigned long)ms_long,
               (unsigned long)hour.iterations, (unsigned long)hour.long_lingers,
               (unsigned long)(hour.longest_linger_ns / 1000), (unsigned long)ms_hour);
        CHECK(plain.long_lingers == 0 && plain.longest_linger_ns == 2000000u);
        CHECK(longer.long_lingers > 0 && longer.longest_linger_ns == 16000000u);
        CHECK(hour.long_lingers > 0 && hour.longest_linger_ns == 16000000u);
        /* Start-up and arming, the drop poll timer every 100 ms and its re-arm, the first linger
         * after the stream started, the tail and the stop: a few dozen at most besides one
         * iteration per 16 ms of sending. With 2 ms lingers it would be one per 2 ms. */
        CHECK(longer.iterations <= ms_long / 8 + 2 * (ms_long / 100) + 16);
        CHECK(hour.iterations <= ms_hour / 8 + 2 * (ms_hour / 100) + 16);

        /* After a pause the first linger is coalesce_ns: a frame, then after the loop slept for
         * real another one, each comes after a 2 ms linger at most. */
        struct harness_pair p;
        struct engine_rx_stats st;
        struct timespec pause = {.tv_nsec = 20000000}; /* 10 lingers of 2 ms */
        hook_wait_ns = 3600ull * 1000000000u;
        struct engine_rx *rx = start_one(2000000u, 1024, &p);
        for (uint32_t seq = 0; seq < 5; seq++) {
                harness_send(p.tx, 0, seq);
                harness_wait_total(&s, seq + 1);
                nanosleep(&pause, NULL);
        }
        finish(rx, &p, &st);
        CHECK(st.long_lingers == 0 && st.longest_linger_ns == 2000000u);
        return 0;
}
