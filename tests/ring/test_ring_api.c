/* SPDX-License-Identifier: MIT */
/*
 * In-process semantics of the rings, deterministic: batches and padding, exact loss counting when
 * lapped (before reading and while holding a batch), start positions, tethered back-pressure,
 * wait/timeout, end of stream, channel metadata.
 */
#include "ring_test.h"

#define RING_BYTES 4096 /* 64 slots */

static struct canring_producer *make(const char *name, uint32_t max_consumers)
{
        struct canring_producer_config cfg = {.name = name,
                                              .nrings = 2,
                                              .ring_size = RING_BYTES,
                                              .nchannels = 4,
                                              .max_consumers = max_consumers};
        struct canring_producer *p;
        int ret = canring_producer_create(&cfg, &p);

        if (ret)
                FAIL("create: %s", canring_strerror(ret));
        return p;
}

/* Reads everything available from ring 0, checking each record; returns the count. */
static uint64_t drain(struct canring_consumer *c, uint64_t *next, int expect_intact)
{
        const struct canring_record *recs[16];
        uint64_t n = 0;
        int got;

        while ((got = canring_consumer_read(c, recs, 16)) > 0) {
                uint64_t lost_before = canring_consumer_lost(c);
                int bad = 0;

                for (int i = 0; i < got; i++)
                        bad |= rt_check(recs[i], canring_record_seq(recs[i])) != 0;
                uint64_t first = recs[0]->seq, last = recs[got - 1]->seq;
                int ret = canring_consumer_release(c);

                if (ret == -ESTALE) {
                        CHECK(!expect_intact);
                        continue;
                }
                CHECK_EQ(ret, 0);
                CHECK(!bad);
                CHECK_EQ(canring_consumer_lost(c), lost_before);
                CHECK_EQ(last - first + 1, got);
                if (first != *next) /* only after a loss, which must account for the gap */
                        CHECK(!expect_intact);
                *next = last + 1;
                n += got;
        }
        CHECK_EQ(got, 0);
        return n;
}

static void test_basic_and_padding(void)
{
        struct canring_producer *p = make(rt_name("basic"), 4);
        struct canring_consumer *c;
        struct canring_consumer_options opt = {.rings = 1};
        struct canring_consumer_ring_stats st;
        uint64_t next = 0, seq = 0;

        CHECK_EQ(canring_consumer_attach(rt_name("basic"), &opt, &c), 0);
        CHECK_EQ(canring_producer_consumers(p), 1);
        /* Odd batch sizes put FD records at odd positions: padding must be inserted and skipped. */
        for (unsigned n = 1; n <= 9; n++) {
                CHECK_EQ(rt_publish(p, 0, seq, n), 0);
                seq += n;
                CHECK_EQ(drain(c, &next, 1), n);
                CHECK_EQ(next, seq);
        }
        CHECK_EQ(canring_consumer_lost(c), 0);
        CHECK_EQ(canring_consumer_ring_stats(c, 0, &st), 0);
        CHECK_EQ(st.read, seq);
        CHECK_EQ(st.published, seq);
        CHECK_EQ(canring_consumer_ring_stats(c, 1, &st), -EINVAL); /* not one of ours */
        /* Ring 1 is independent: publishing there is invisible to a ring-0 consumer. */
        CHECK_EQ(rt_publish(p, 1, 0, 5), 0);
        CHECK_EQ(drain(c, &next, 1), 0);
        canring_consumer_detach(c);
        CHECK_EQ(canring_producer_consumers(p), 0);
        canring_producer_destroy(p);
}

static void test_lapped_before_read(void)
{
        struct canring_producer *p = make(rt_name("lap"), 4);
        struct canring_consumer *c;
        struct canring_consumer_options opt = {.rings = 1};
        uint64_t next = 0, seq = 0, seen;

        CHECK_EQ(canring_consumer_attach(rt_name("lap"), &opt, &c), 0);
        /* 500 records through a 64-slot ring: most are overwritten before the consumer looks. */
        while (seq < 500) {
                CHECK_EQ(rt_publish(p, 0, seq, 10), 0);
                seq += 10;
        }
        seen = drain(c, &next, 0);
        CHECK(seen > 0 && seen < 64);
        CHECK_EQ(next, seq);
        CHECK_EQ(seen + canring_consumer_lost(c), seq);
        canring_consumer_detach(c);
        canring_producer_destroy(p);
}

static void test_lapped_while_held(void)
{
        struct canring_producer *p = make(rt_name("held"), 4);
        struct canring_consumer *c;
        struct canring_consumer_options opt = {.rings = 1};
        const struct canring_record *recs[8];
        uint64_t next, seq = 0, seen = 0;
        int got;

        CHECK_EQ(canring_consumer_attach(rt_name("held"), &opt, &c), 0);
        CHECK_EQ(rt_publish(p, 0, seq, 8), 0);
        seq += 8;
        got = canring_consumer_read(c, recs, 8);
        CHECK_EQ(got, 8);
        CHECK_EQ(canring_consumer_read(c, recs, 8), -EALREADY);
        /* The producer laps the held batch. */
        while (seq < 200) {
                CHECK_EQ(rt_publish(p, 0, seq, 4), 0);
                seq += 4;
        }
        CHECK_EQ(canring_consumer_release(c), -ESTALE);
        CHECK(canring_consumer_lost(c) >= 8);
        next = canring_consumer_lost(c);
        seen = drain(c, &next, 1);
        CHECK_EQ(seen + canring_consumer_lost(c), seq);
        canring_consumer_detach(c);
        canring_producer_destroy(p);
}

/* n one-slot records, one reservation each (the batch-1 path). */
static void publish_singles(struct canring_producer *p, uint64_t *seq, unsigned n)
{
        for (unsigned i = 0; i < n; i++) {
                struct canring_batch b;
                struct canring_record *r;

                CHECK_EQ(canring_producer_reserve(p, 0, 1, &b), 0);
                r = canring_batch_add(&b, CANRING_KIND_EVENT);
                CHECK(r != NULL);
                r->event.type = CANRING_EVENT_GAP;
                r->event.value[0] = *seq;
                CHECK_EQ(canring_producer_commit(p, &b), 1);
                ++*seq;
        }
}

/*
 * The producer moves intent up to intent_ahead (1/64 of the ring, 1 slot of this 64-slot ring)
 * past a reservation's end, once per that many slots. The guarantees: a held batch survives while
 * at most cap - intent_ahead slots have been reserved from its start on (here 63, batch-1
 * reservations), and is rejected, with the loss counted exactly, once its first slot has been
 * reserved again.
 */
static void test_intent_margin(void)
{
        struct canring_producer *p = make(rt_name("margin"), 4);
        struct canring_consumer *c;
        struct canring_consumer_options opt = {.rings = 1};
        const struct canring_record *recs[8];
        uint64_t seq = 0;

        CHECK_EQ(canring_consumer_attach(rt_name("margin"), &opt, &c), 0);
        publish_singles(p, &seq, 8);
        CHECK_EQ(canring_consumer_read(c, recs, 8), 8);
        publish_singles(p, &seq, 64 - 8 - 1); /* 63 slots written since the batch's start */
        CHECK_EQ(canring_consumer_release(c), 0);
        CHECK_EQ(canring_consumer_lost(c), 0);
        /* Hold the next batch (positions 8..15) and write one slot short of a full lap. */
        CHECK_EQ(canring_consumer_read(c, recs, 8), 8);
        CHECK_EQ(recs[0]->seq, 8);
        publish_singles(p, &seq, 8 + 64 - 1 - 63);
        CHECK_EQ(canring_consumer_release(c), 0);
        /* Now past a full lap of the held batch's first slot: rejected, and counted exactly. */
        CHECK_EQ(canring_consumer_read(c, recs, 8), 8);
        CHECK_EQ(recs[0]->seq, 16);
        publish_singles(p, &seq, 16 + 64 + 1 - 71); /* position 16 + 64 reserved */
        CHECK_EQ(canring_consumer_release(c), -ESTALE);
        {
                /* The resync moved to the oldest intact record: exactly the skipped ones are lost
                 * (the rejected batch's later records are read again). */
                uint64_t lost = canring_consumer_lost(c), next = 16 + lost;
                int got;

                CHECK(lost >= 1 && lost <= 3);
                while ((got = canring_consumer_read(c, recs, 8)) > 0) {
                        for (int i = 0; i < got; i++) {
                                CHECK_EQ(recs[i]->seq, next);
                                CHECK_EQ(recs[i]->event.value[0], next);
                                next++;
                        }
                        CHECK_EQ(canring_consumer_release(c), 0);
                }
                CHECK_EQ(got, 0);
                CHECK_EQ(next, seq);
                CHECK_EQ(canring_consumer_lost(c), lost);
        }
        canring_consumer_detach(c);
        canring_producer_destroy(p);
}

static void test_start_positions(void)
{
        struct canring_producer *p = make(rt_name("start"), 4);
        struct canring_consumer *newest, *oldest;
        struct canring_consumer_options o1 = {.rings = 1},
                                        o2 = {.rings = 1, .flags = CANRING_CONSUMER_OLDEST};
        const struct canring_record *recs[64];
        uint64_t seq = 0;
        int got;

        while (seq < 300) {
                CHECK_EQ(rt_publish(p, 0, seq, 3), 0);
                seq += 3;
        }
        CHECK_EQ(canring_consumer_attach(rt_name("start"), &o1, &newest), 0);
        CHECK_EQ(canring_consumer_attach(rt_name("start"), &o2, &oldest), 0);
        CHECK_EQ(canring_consumer_read(newest, recs, 64), 0); /* nothing new yet */
        got = canring_consumer_read(oldest, recs, 64);
        CHECK(got > 20);
        CHECK_EQ(recs[got - 1]->seq, seq - 1);
        CHECK_EQ(canring_consumer_release(oldest), 0);
        CHECK_EQ(canring_consumer_lost(oldest), 0);
        CHECK_EQ(rt_publish(p, 0, seq, 2), 0);
        got = canring_consumer_read(newest, recs, 64);
        CHECK_EQ(got, 2);
        CHECK_EQ(recs[0]->seq, seq);
        CHECK_EQ(canring_consumer_release(newest), 0);
        canring_consumer_detach(newest);
        canring_consumer_detach(oldest);
        canring_producer_destroy(p);
}

static void test_tethered(void)
{
        struct canring_producer *p = make(rt_name("teth"), 4);
        struct canring_consumer *c, *lossy;
        struct canring_consumer_options opt = {.rings = 1, .flags = CANRING_CONSUMER_TETHERED};
        struct canring_consumer_options lopt = {.rings = 1};
        struct canring_consumer_ring_stats st;
        uint64_t seq = 0, next = 0, seen = 0, refused = 0;

        CHECK_EQ(canring_consumer_attach(rt_name("teth"), &opt, &c), 0);
        CHECK_EQ(canring_consumer_attach(rt_name("teth"), &lopt, &lossy), 0);
        while (seq < 1000) {
                int ret = rt_publish(p, 0, seq, 5);

                if (ret == -EAGAIN) {
                        refused++;
                        seen += drain(c, &next, 1);
                        continue;
                }
                CHECK_EQ(ret, 0);
                seq += 5;
        }
        seen += drain(c, &next, 1);
        CHECK_EQ(seen, seq);
        CHECK_EQ(canring_consumer_lost(c), 0);
        CHECK(refused > 0);
        CHECK_EQ(canring_producer_backpressure(p, 0), refused);
        CHECK_EQ(canring_consumer_ring_stats(c, 0, &st), 0);
        CHECK_EQ(st.backpressure, refused);
        /* Ring 1 is not read by the tethered consumer: never held back. */
        for (int i = 0; i < 100; i++)
                CHECK_EQ(rt_publish(p, 1, (uint64_t)i * 5, 5), 0);
        /* Detaching the tethered consumer frees the producer. */
        canring_consumer_detach(c);
        for (int i = 0; i < 100; i++, seq += 5)
                CHECK_EQ(rt_publish(p, 0, seq, 5), 0);
        next = 0;
        seen = drain(lossy, &next, 0);
        CHECK_EQ(seen + canring_consumer_lost(lossy), seq);
        canring_consumer_detach(lossy);
        CHECK_EQ(canring_producer_reserve(p, 0, 33, &(struct canring_batch){0}), -EMSGSIZE);
        canring_producer_destroy(p);
}

static void test_wait_and_end(void)
{
        struct canring_producer *p = make(rt_name("end"), 4);
        struct canring_consumer *c, *busy;
        struct canring_consumer_options bopt = {.flags = CANRING_CONSUMER_BUSY_POLL};
        struct canring_channel_info info = {.name = "vcan1",
                                            .ifindex = 7,
                                            .flags = CANRING_CHAN_FD,
                                            .bitrate = 500000,
                                            .dbitrate = 2000000},
                                    got_info;
        struct canring_channel_counters cnt = {.frames = 11, .bytes = 88, .socket_drops = 3},
                                        got_cnt;
        const struct canring_record *recs[4];
        int eos = 0;

        CHECK_EQ(canring_consumer_attach(rt_name("end"), NULL, &c), 0);
        CHECK_EQ(canring_consumer_attach(rt_name("end"), &bopt, &busy), 0);
        CHECK_EQ(canring_consumer_nrings(c), 2);
        CHECK_EQ(canring_consumer_nchannels(c), 4);
        CHECK_EQ(canring_consumer_producer_state(c), CANRING_PRODUCER_ALIVE);
        CHECK_EQ(canring_consumer_wait(c, 0), -ETIMEDOUT);
        CHECK_EQ(canring_consumer_wait(c, 20), -ETIMEDOUT);
        CHECK_EQ(canring_consumer_wait(busy, 5), -ETIMEDOUT);

        CHECK_EQ(canring_producer_set_channel(p, 1, &info), 0);
        CHECK_EQ(canring_producer_set_counters(p, 1, &cnt), 0);
        CHECK_EQ(canring_producer_set_channel(p, 4, &info), -EINVAL);
        CHECK_EQ(canring_consumer_channel(c, 1, &got_info, &got_cnt), 0);
        CHECK(memcmp(&info, &got_info, sizeof(info)) == 0);
        CHECK(memcmp(&cnt, &got_cnt, sizeof(cnt)) == 0);
        CHECK_EQ(canring_consumer_channel(c, 4, &got_info, NULL), -EINVAL);

        CHECK_EQ(rt_publish(p, 1, 0, 1), 0);
        CHECK_EQ(canring_consumer_wait(c, 1000), 0);
        CHECK_EQ(canring_consumer_wait(busy, 1000), 0);
        CHECK_EQ(canring_consumer_read(c, recs, 4), 1);
        CHECK_EQ(canring_consumer_batch_ring(c), 1);
        CHECK_EQ(canring_consumer_release(c), 0);

        CHECK_EQ(canring_producer_end(p), 0);
        /* One end-of-stream record per ring, then -EPIPE. */
        while (canring_consumer_wait(c, 1000) == 0) {
                int got = canring_consumer_read(c, recs, 4);

                for (int i = 0; i < got; i++) {
                        const struct canring_event *ev = canring_record_event(recs[i]);

                        CHECK(ev && ev->type == CANRING_EVENT_END_OF_STREAM);
                        CHECK_EQ(ev->value[0], canring_consumer_batch_ring(c) == 1 ? 1 : 0);
                        eos++;
                }
                CHECK_EQ(canring_consumer_release(c), 0);
        }
        CHECK_EQ(eos, 2);
        CHECK_EQ(canring_consumer_wait(c, 1000), -EPIPE);
        CHECK_EQ(canring_consumer_producer_state(c), CANRING_PRODUCER_ENDED);
        canring_producer_destroy(p);
        /* The mapping outlives the name. */
        CHECK_EQ(canring_consumer_producer_state(c), CANRING_PRODUCER_ENDED);
        canring_consumer_detach(c);
        canring_consumer_detach(busy);
}

int main(void)
{
        test_basic_and_padding();
        test_lapped_before_read();
        test_lapped_while_held();
        test_intent_margin();
        test_start_positions();
        test_tethered();
        test_wait_and_end();
        printf("ok\n");
        return 0;
}
