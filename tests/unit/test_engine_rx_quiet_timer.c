/* SPDX-License-Identifier: MIT */
/*
 * The drop poll's timer stops while every channel is quiet: after frames, the loop wakes for the
 * poll periods that may still find drops and then not at all, until the next frame, which it
 * still receives at once; then the timer runs again (the loop wakes for its periods while frames
 * flow, and stops again once they have stopped).
 *
 * No clock is checked: "stops waking" is "the iteration count stays the same over many poll
 * periods"; a timer that never stops keeps it moving and the watchdog fails the test.
 */
#include "test_engine_harness.h"

#define POLL_NS 10000000u /* 10 ms */

static struct harness_sink s;

static uint64_t iterations(struct engine_rx *rx)
{
        struct engine_rx_stats st;

        engine_rx_get_stats(rx, &st);
        return st.iterations;
}

/* Until the loop made no iteration for 10 poll periods in a row; returns how many it made
 * from 'from' until then. */
static uint64_t wait_until_quiet(struct engine_rx *rx, uint64_t from)
{
        struct timespec period = {.tv_nsec = POLL_NS};
        uint64_t last = iterations(rx);
        unsigned still = 0;

        while (still < 10) {
                nanosleep(&period, NULL);
                uint64_t now = iterations(rx);
                still = now == last ? still + 1 : 0;
                last = now;
        }
        return last - from;
}

int main(void)
{
        struct engine_rx_config cfg = {.nchannels = 2,
                                       .nbufs = 64,
                                       .drop_poll_ns = POLL_NS,
                                       .coalesce_ns = ENGINE_RX_COALESCE_OFF,
                                       .sink = harness_sink_all,
                                       .sink_ctx = &s};
        struct harness_pair p[2];
        struct engine_rx *rx;

        harness_watchdog(60);
        harness_require_features();
        harness_sink_init(&s, 2);
        CHECK(engine_rx_create(&cfg, &rx) == 0);
        for (int i = 0; i < 2; i++) {
                p[i] = harness_pair_open();
                CHECK(engine_rx_set_socket(rx, (unsigned)i, p[i].rx) == 0);
        }
        CHECK(engine_rx_start(rx) == 0);

        /* Idle from the start: the loop settles with its sockets armed and then sleeps. */
        uint64_t settle = wait_until_quiet(rx, 0);

        /* A frame on one channel: received, then a few poll periods, then quiet again. Counted
         * from before the send: a test thread scheduled late after the frame (a loaded machine)
         * must not miss the iterations that came meanwhile. */
        uint64_t before = iterations(rx);
        harness_send(p[0].tx, 0, 0);
        harness_wait_total(&s, 1);
        uint64_t after_one = wait_until_quiet(rx, before);

        /* Frames on both after the quiet spell: both received at once (the loop sleeps in its
         * wait, not in a timer), and quiet again afterwards. */
        before = iterations(rx);
        harness_send(p[0].tx, 0, 1);
        harness_send(p[1].tx, 1, 0);
        harness_wait_total(&s, 3);
        uint64_t after_two = wait_until_quiet(rx, before);

        printf("iterations: %lu to settle, %lu after one frame, %lu after two\n",
               (unsigned long)settle, (unsigned long)after_one, (unsigned long)after_two);
        /* The poll periods after a frame: the one it came in, the quiet one that polls, and the
         * frames' own iterations; a handful, not one per period for ever. */
        CHECK(after_one >= 1 && after_one <= 8);
        CHECK(after_two >= 1 && after_two <= 8);
        CHECK(s.next[0] == 2 && s.next[1] == 1);

        harness_stop_join(rx);
        for (int i = 0; i < 2; i++)
                close(p[i].tx);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
