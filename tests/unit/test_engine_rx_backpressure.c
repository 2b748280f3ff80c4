/* SPDX-License-Identifier: MIT */
/*
 * Back-pressure from the sink. The sink refuses every frame of channel 0 (returning how many
 * frames it took before the first one, or -EAGAIN) until channel 1 has delivered all its frames
 * and channel 0's held frames have been offered again at least once while it was paused.
 * Expected: channel 0 is paused (its recvmsg cancelled, its refused frames held), channel 1 keeps
 * flowing meanwhile (else the test never ends), and once the sink takes channel 0 again every one
 * of its frames arrives, in order, exactly once.
 */
#include "test_engine_harness.h"

#define PER_CH 2000

static struct harness_sink s;
static struct engine_rx *rx;
static unsigned refusals, refusals_while_paused;

static int sink(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        (void)ctx;
        /* Refuse until channel 1 is complete and the loop has offered channel 0's frames again
         * during the pause (a loop that never retries would hang here: the watchdog fails it). */
        if (s.next[1] < PER_CH || refusals_while_paused == 0) {
                unsigned k = 0;
                while (k < n && frames[k].channel != 0)
                        k++;
                if (k < n) {
                        struct engine_rx_chan_stats cs;
                        CHECK(engine_rx_get_chan_stats(rx, 0, &cs) == 0);
                        refusals++;
                        /* Re-offers come after the pause began. */
                        if (cs.state == ENGINE_RX_CHAN_PAUSED)
                                refusals_while_paused++;
                        harness_sink_take(&s, frames, k);
                        return k ? (int)k : -EAGAIN;
                }
        }
        harness_sink_take(&s, frames, n);
        return (int)n;
}

int main(void)
{
        struct harness_pair p[2];
        struct engine_rx_config cfg = {
            .nchannels = 2, .nbufs = 32, .sink = sink, .pause_ns = 200000};
        struct engine_rx_chan_stats c0, c1;
        struct engine_rx_stats st;

        harness_watchdog(120);
        harness_require_features();
        harness_sink_init(&s, 2);
        CHECK(engine_rx_create(&cfg, &rx) == 0);
        for (unsigned i = 0; i < 2; i++) {
                p[i] = harness_pair_open();
                CHECK(engine_rx_set_socket(rx, i, p[i].rx) == 0);
        }
        /* Channel 0 has frames waiting before anything else happens. */
        for (uint32_t seq = 0; seq < 10; seq++)
                harness_send(p[0].tx, 0, seq);
        CHECK(engine_rx_start(rx) == 0);
        /* Channel 1's traffic must get through while channel 0 is refused. */
        for (uint32_t seq = 0; seq < PER_CH; seq++)
                harness_send(p[1].tx, 1, seq);
        for (uint32_t seq = 10; seq < PER_CH; seq++)
                harness_send(p[0].tx, 0, seq);
        harness_wait_total(&s, 2 * PER_CH);
        harness_stop_join(rx);

        CHECK(engine_rx_get_chan_stats(rx, 0, &c0) == 0);
        CHECK(engine_rx_get_chan_stats(rx, 1, &c1) == 0);
        engine_rx_get_stats(rx, &st);
        printf("refusals %u (%u while paused), channel 0 paused %lu times, held at stop %lu\n",
               refusals, refusals_while_paused, (unsigned long)c0.pauses,
               (unsigned long)st.stop_discarded);
        CHECK(s.next[0] == PER_CH && s.next[1] == PER_CH);
        CHECK(c0.frames == PER_CH && c1.frames == PER_CH);
        CHECK(refusals > 0);
        CHECK(c0.pauses > 0);
        CHECK(c1.pauses == 0);
        CHECK(refusals_while_paused > 0);
        CHECK(st.backpressure == refusals);
        CHECK(st.held == 0 && st.stop_discarded == 0);
        for (unsigned i = 0; i < 2; i++)
                close(p[i].tx);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
