/* SPDX-License-Identifier: MIT */
/*
 * The backlog drain: channels that bring many frames are read by the loop's own recvmmsg, mixed
 * with the frames of completions, and every frame still arrives once, intact and in order per
 * channel, also when back-pressure holds drained frames and offers them again. Its buffers come
 * back: after a phase of back-pressure, the drain goes on reading. With no_backlog_drain the loop
 * reads nothing by itself.
 */
#include "test_engine_harness.h"

#define NCH    4
#define PER_CH 6000

/* Refuses the second half of every offer while `refuse` is set: the loop holds and pauses. */
struct picky {
        struct harness_sink s;
        int refuse; /* atomic */
};

static int picky_sink(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        struct picky *p = ctx;
        unsigned take = n;

        if (__atomic_load_n(&p->refuse, __ATOMIC_RELAXED) && n > 1)
                take = n / 2;
        harness_sink_take(&p->s, frames, take);
        return (int)take;
}

static void send_all(struct harness_pair *p, uint32_t from, uint32_t to)
{
        for (uint32_t seq = from; seq < to; seq++)
                for (unsigned i = 0; i < NCH; i++)
                        harness_send(p[i].tx, i, seq);
}

static struct engine_rx *start(struct harness_pair *p, bool no_drain, struct picky *pk)
{
        struct engine_rx_config cfg = {.nchannels = NCH,
                                       .nbufs = 256,
                                       .sink = picky_sink,
                                       .sink_ctx = pk,
                                       .no_backlog_drain = no_drain};
        struct engine_rx *rx;

        harness_sink_init(&pk->s, NCH);
        CHECK(engine_rx_create(&cfg, &rx) == 0);
        for (unsigned i = 0; i < NCH; i++) {
                p[i] = harness_pair_open();
                CHECK(engine_rx_set_socket(rx, i, p[i].rx) == 0);
        }
        CHECK(engine_rx_start(rx) == 0);
        return rx;
}

static void finish(struct engine_rx *rx, struct picky *pk, uint32_t per_ch)
{
        harness_stop_join(rx);
        for (unsigned i = 0; i < NCH; i++) {
                struct engine_rx_chan_stats cs;

                if (pk->s.next[i] != per_ch)
                        FAIL("channel %u: %u frames, expected %u", i, pk->s.next[i], per_ch);
                CHECK(engine_rx_get_chan_stats(rx, i, &cs) == 0);
                CHECK(cs.frames == per_ch && cs.malformed == 0 && cs.errors == 0);
        }
        engine_rx_destroy(rx);
        free(pk->s.next);
}

int main(void)
{
        struct harness_pair p[NCH];
        struct engine_rx_stats st;
        struct picky pk;
        struct engine_rx *rx;

        harness_watchdog(120);
        harness_require_features();

        /* Drain on: the stream is read partly by recvmmsg, in order (the sink checks). */
        memset(&pk, 0, sizeof(pk));
        rx = start(p, false, &pk);
        send_all(p, 0, PER_CH / 3);
        harness_wait_total(&pk.s, (uint64_t)NCH * (PER_CH / 3));
        engine_rx_get_stats(rx, &st);
        uint64_t drained_free = st.drained;
        printf("drain: %lu of %u frames read by recvmmsg without back-pressure\n",
               (unsigned long)drained_free, NCH * (PER_CH / 3));
        if (!engine_features_get()->defer_taskrun) {
                /* The drain needs DEFER_TASKRUN (the order argument in rx_loop.c): off here. */
                CHECK(drained_free == 0);
                printf("SKIP: no DEFER_TASKRUN, so no backlog drain to test\n");
                harness_stop_join(rx);
                engine_rx_destroy(rx);
                return 77;
        }
        CHECK(drained_free > 0);

        /* Back-pressure: drained frames are held and offered again, still in order. */
        __atomic_store_n(&pk.refuse, 1, __ATOMIC_RELAXED);
        send_all(p, PER_CH / 3, 2 * (PER_CH / 3));
        __atomic_store_n(&pk.refuse, 0, __ATOMIC_RELAXED);
        harness_wait_total(&pk.s, (uint64_t)NCH * 2 * (PER_CH / 3));
        engine_rx_get_stats(rx, &st);
        CHECK(st.backpressure > 0);
        uint64_t drained_held = st.drained;

        /* The drain's buffers all came back: it goes on reading. */
        send_all(p, 2 * (PER_CH / 3), PER_CH);
        harness_wait_total(&pk.s, (uint64_t)NCH * PER_CH);
        engine_rx_get_stats(rx, &st);
        printf("drain: %lu frames by recvmmsg in all, %lu after the back-pressure phase\n",
               (unsigned long)st.drained, (unsigned long)(st.drained - drained_held));
        CHECK(st.drained > drained_held);
        finish(rx, &pk, PER_CH);

        /* Drain off: every frame through completions. */
        memset(&pk, 0, sizeof(pk));
        rx = start(p, true, &pk);
        send_all(p, 0, PER_CH / 3);
        harness_wait_total(&pk.s, (uint64_t)NCH * (PER_CH / 3));
        engine_rx_get_stats(rx, &st);
        CHECK(st.drained == 0);
        finish(rx, &pk, PER_CH / 3);
        printf("backlog drain: all cases pass\n");
        return 0;
}
