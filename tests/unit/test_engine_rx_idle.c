/* SPDX-License-Identifier: MIT */
/*
 * The idle hook (engine_rx_config.idle): after the sink took frames, the loop calls it before it
 * sleeps. In its coalescing linger the call is brief (the loop looks again soon; the sink may go
 * on deferring); before a wait that finds nothing it is not, and that call comes after every sink
 * call, even when a brief one came already; never twice without a sink call between; and not
 * between batches the loop reaps back to back. The service pays its readers' deferred wake-ups
 * there: a sleep without that call before it would leave them asleep (here: the test would wait
 * for it until the watchdog fails it).
 */
#include "test_engine_harness.h"

static struct harness_sink s;
/* atomic; sink_calls_at_idle: sink calls when the last call that was not brief came */
static uint64_t sink_calls, idle_calls, brief_calls, sink_calls_at_idle;

static int counting_sink(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        harness_sink_take(ctx, frames, n);
        __atomic_add_fetch(&sink_calls, 1, __ATOMIC_RELEASE);
        return (int)n;
}

static uint64_t idle(void *ctx, bool brief)
{
        uint64_t calls = __atomic_load_n(&sink_calls, __ATOMIC_ACQUIRE);

        CHECK(ctx == &s);
        if (calls == __atomic_load_n(&sink_calls_at_idle, __ATOMIC_ACQUIRE))
                FAIL("idle called again with no sink call since the last real sleep");
        if (brief) {
                __atomic_add_fetch(&brief_calls, 1, __ATOMIC_RELEASE);
                return 0;
        }
        __atomic_store_n(&sink_calls_at_idle, calls, __ATOMIC_RELEASE);
        __atomic_add_fetch(&idle_calls, 1, __ATOMIC_RELEASE);
        return 0;
}

/* Until the loop called idle, not brief, after the sink's latest call. */
static void wait_idle_after_last_sink(void)
{
        struct timespec d = {.tv_nsec = 1000000};

        while (__atomic_load_n(&sink_calls_at_idle, __ATOMIC_ACQUIRE) !=
               __atomic_load_n(&sink_calls, __ATOMIC_ACQUIRE))
                nanosleep(&d, NULL);
}

static struct engine_rx *start(uint64_t coalesce_ns, unsigned batch_max, struct harness_pair *p,
                               bool started)
{
        struct engine_rx_config cfg = {.nchannels = 1,
                                       .nbufs = 64,
                                       .batch_max = batch_max,
                                       .coalesce_ns = coalesce_ns,
                                       .sink = counting_sink,
                                       .sink_ctx = &s,
                                       .idle = idle};
        struct engine_rx *rx;

        harness_sink_init(&s, 1);
        sink_calls = idle_calls = brief_calls = sink_calls_at_idle = 0;
        CHECK(engine_rx_create(&cfg, &rx) == 0);
        *p = harness_pair_open();
        CHECK(engine_rx_set_socket(rx, 0, p->rx) == 0);
        if (started)
                CHECK(engine_rx_start(rx) == 0);
        return rx;
}

static void finish(struct engine_rx *rx, struct harness_pair *p)
{
        harness_stop_join(rx);
        close(p->tx);
        engine_rx_destroy(rx);
        free(s.next);
}

/* Frames one at a time, each waited for: every one is followed by an idle call that is not brief,
 * and by a brief one before it when the loop lingers. */
static void single_frames(uint64_t coalesce_ns, const char *what)
{
        struct harness_pair p;
        struct engine_rx *rx = start(coalesce_ns, 0, &p, true);

        for (uint32_t seq = 0; seq < 5; seq++) {
                harness_send(p.tx, 0, seq);
                harness_wait_total(&s, seq + 1);
                wait_idle_after_last_sink();
        }
        printf("%s: 5 single frames, %lu sink calls, %lu idle calls, %lu brief\n", what,
               (unsigned long)sink_calls, (unsigned long)idle_calls, (unsigned long)brief_calls);
        CHECK(idle_calls >= 1 && idle_calls <= sink_calls);
        if (coalesce_ns == ENGINE_RX_COALESCE_OFF)
                CHECK(brief_calls == 0); /* no linger */
        else
                CHECK(brief_calls >= 1 && brief_calls <= sink_calls);
        finish(rx, &p);
}

int main(void)
{
        harness_watchdog(60);
        harness_require_features();

        /* Without coalescing the loop sleeps in its wait (the look without waiting first). */
        single_frames(ENGINE_RX_COALESCE_OFF, "no coalescing");
        /* With it, in the linger after each batch. */
        single_frames(5000000u, "5 ms coalescing");

        /* A backlog bigger than a batch (batch_max 2; the stand-in socket queues up to 10 frames
         * before the sender blocks): the batches come back to back, the completions of the next
         * one already in the ring, so one idle call comes after the last of them. */
        struct harness_pair p;
        struct engine_rx *rx = start(ENGINE_RX_COALESCE_OFF, 2, &p, false);
        for (uint32_t seq = 0; seq < 8; seq++)
                harness_send(p.tx, 0, seq);
        CHECK(engine_rx_start(rx) == 0);
        harness_wait_total(&s, 8);
        wait_idle_after_last_sink();
        printf("backlog of 8 frames, batches of 2: %lu sink calls, %lu idle calls\n",
               (unsigned long)sink_calls, (unsigned long)idle_calls);
        CHECK(sink_calls >= 4);
        CHECK(idle_calls < sink_calls);
        finish(rx, &p);
        return 0;
}
