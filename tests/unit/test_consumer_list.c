/* SPDX-License-Identifier: MIT */
/*
 * canring_consumer_list() shows every reader of a segment with its own counters: a lapped lossy
 * reader's loss as the reader itself counts it, and a tethered reader as tethered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canring/canring.h"

static int publish(struct canring_producer *p, unsigned n)
{
        for (unsigned i = 0; i < n; i++) {
                struct canring_batch b;
                struct canring_record *r;

                if (canring_producer_reserve(p, 0, 1, &b) < 0)
                        return -1;
                r = canring_batch_add(&b, CANRING_KIND_CLASSIC);
                r->can.can_id = i & CAN_SFF_MASK;
                r->can.len = 0;
                canring_producer_commit(p, &b);
        }
        return 0;
}

int main(void)
{
        char dir[] = "/tmp/canring-list-XXXXXX";
        struct canring_producer_config cfg = {
            .name = "list", .nrings = 1, .ring_size = 4096, .nchannels = 1, .max_consumers = 4};
        struct canring_consumer_options tethered = {.flags = CANRING_CONSUMER_TETHERED};
        struct canring_consumer *lossy, *teth;
        struct canring_consumer_info info[4];
        const struct canring_record *recs[64];
        struct canring_producer *p;
        int n, failures = 0;
        int got_lossy = 0, got_teth = 0;

        if (!mkdtemp(dir) || setenv("CANRING_SHM_DIR", dir, 1))
                return 1;
        if (canring_producer_create(&cfg, &p) < 0 || canring_consumer_attach("list", NULL, &lossy))
                return 1;
        /* 64 slots: 200 records lap the lossy reader, which then counts what it lost. */
        publish(p, 200);
        while ((n = canring_consumer_read(lossy, recs, 64)) > 0)
                canring_consumer_release(lossy);
        if (canring_consumer_attach("list", &tethered, &teth) < 0)
                return 1;
        n = canring_consumer_list(teth, info, 4);
        if (n != 2) {
                fprintf(stderr, "listed %d consumers, expected 2\n", n);
                failures++;
        }
        for (int i = 0; i < n && i < 4; i++) {
                if (info[i].flags & CANRING_CONSUMER_TETHERED) {
                        got_teth++;
                        continue;
                }
                got_lossy++;
                if (info[i].pid != getpid() || info[i].lost != canring_consumer_lost(lossy) ||
                    info[i].lost == 0 || info[i].read + info[i].lost != 200) {
                        fprintf(stderr, "lossy reader listed as pid %d read %llu lost %llu\n",
                                info[i].pid, (unsigned long long)info[i].read,
                                (unsigned long long)info[i].lost);
                        failures++;
                }
        }
        if (got_lossy != 1 || got_teth != 1) {
                fprintf(stderr, "lossy %d, tethered %d\n", got_lossy, got_teth);
                failures++;
        }
        canring_consumer_detach(lossy);
        if (canring_consumer_list(teth, info, 4) != 1) {
                fprintf(stderr, "a detached reader is still listed\n");
                failures++;
        }
        canring_consumer_detach(teth);
        canring_producer_destroy(p);
        rmdir(dir);
        printf("%s\n", failures ? "FAIL" : "ok: every reader listed with its own losses");
        return failures ? 1 : 0;
}
