/* SPDX-License-Identifier: MIT */
/* Buffers come back to the kernel: 8 provided buffers carry 50,000 frames on 2 channels. */
#include "test_engine_harness.h"

int main(void)
{
        struct harness_sink s;
        struct engine_rx *rx;
        struct engine_rx_stats st;

        harness_watchdog(120);
        harness_require_features();
        harness_run_order(2, 25000, 8, &s, &rx);
        engine_rx_get_stats(rx, &st);
        CHECK(st.frames == 50000);
        CHECK(s.max_n <= 8); /* a batch can never hold more frames than there are buffers */
        printf("50000 frames through 8 buffers in %lu sink calls\n", (unsigned long)s.calls);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
