/* SPDX-License-Identifier: MIT */
/* A sink error other than -EAGAIN is fatal: run stops, returns it and says so in err. */
#include "test_engine_harness.h"

static unsigned calls;

static int sink(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        (void)ctx;
        (void)frames;
        (void)n;
        calls++;
        return -EIO;
}

int main(void)
{
        struct engine_rx *rx;
        char err[256];

        harness_watchdog(120);
        harness_require_features();
        rx = harness_loop(1, 16, sink, NULL);
        struct harness_pair p = harness_pair_open();
        CHECK(engine_rx_set_socket(rx, 0, p.rx) == 0);
        for (uint32_t seq = 0; seq < 5; seq++)
                harness_send(p.tx, 0, seq);
        /* run returns by itself: no stop request is needed */
        int ret = engine_rx_run(rx, err, sizeof(err));
        printf("run: %d (%s) after %u sink calls\n", ret, err, calls);
        CHECK(ret == -EIO);
        CHECK(calls == 1);
        CHECK(strstr(err, "sink") != NULL);
        close(p.tx);
        engine_rx_destroy(rx);
        return 0;
}
