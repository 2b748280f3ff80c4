/* SPDX-License-Identifier: MIT */
/*
 * A producer process killed with SIGKILL mid-stream: consumer processes (one sleeping in the
 * futex wait without a time limit, one busy-polling) read what was published, then report the
 * producer dead within a bounded wait (an alarm fails them otherwise). A new producer then takes
 * the name over, and a consumer of the old instance reports the restart.
 */
#include <signal.h>
#include <sys/wait.h>

#include "ring_test.h"

static char name[64];

static void producer(int ready_fd)
{
        struct canring_producer_config cfg = {
            .name = name, .nrings = 1, .ring_size = 1 << 20, .nchannels = 4, .max_consumers = 4};
        struct canring_producer *p;
        uint64_t seq = 0;

        CHECK_EQ(canring_producer_create(&cfg, &p), 0);
        CHECK_EQ(write(ready_fd, "r", 1), 1);
        for (;;) { /* until killed */
                CHECK_EQ(rt_publish(p, 0, seq, 16), 0);
                seq += 16;
                usleep(100);
        }
}

static void consumer(int busy, int report_fd, int go_fd)
{
        struct canring_consumer_options opt = {.flags = busy ? CANRING_CONSUMER_BUSY_POLL : 0};
        struct canring_consumer *c, *c2;
        const struct canring_record *recs[64];
        uint64_t seen = 0, next = 0;
        int ret;
        char ch;

        alarm(20); /* the bound: notice the death well within this, or die failing */
        CHECK_EQ(canring_consumer_attach(name, &opt, &c), 0);
        for (;;) {
                int got;

                ret = canring_consumer_wait(c, -1);
                if (ret)
                        break;
                got = canring_consumer_read(c, recs, 64);
                for (int i = 0; i < got; i++) {
                        if (seen && recs[i]->seq != next)
                                FAIL("gap at %llu", (unsigned long long)next);
                        if (rt_check(recs[i], recs[i]->seq))
                                FAIL("record %llu not intact", (unsigned long long)recs[i]->seq);
                        next = recs[i]->seq + 1;
                }
                CHECK_EQ(canring_consumer_release(c), 0);
                if (seen < 1000 && seen + got >= 1000)
                        CHECK_EQ(write(report_fd, "s", 1), 1); /* has read a good part: kill now */
                seen += got;
        }
        if (ret != -EOWNERDEAD)
                FAIL("wait returned %s, expected the producer dead", canring_strerror(ret));
        CHECK_EQ(canring_consumer_producer_state(c), CANRING_PRODUCER_DEAD);
        CHECK_EQ(canring_consumer_read(c, recs, 64), 0); /* everything was read */
        CHECK_EQ(write(report_fd, "d", 1), 1);
        /* Wait for the new producer, then see the restart. */
        CHECK_EQ(read(go_fd, &ch, 1), 1);
        CHECK_EQ(canring_consumer_producer_state(c), CANRING_PRODUCER_RESTARTED);
        CHECK_EQ(canring_consumer_wait(c, 1000), -ECONNRESET);
        CHECK_EQ(canring_consumer_attach(name, NULL, &c2), 0);
        CHECK(canring_consumer_instance(c2) != canring_consumer_instance(c));
        CHECK_EQ(canring_consumer_producer_state(c2), CANRING_PRODUCER_ALIVE);
        printf("%s consumer: read %llu records, saw the producer die, then restart\n",
               busy ? "busy-poll" : "futex", (unsigned long long)seen);
        canring_consumer_detach(c2);
        canring_consumer_detach(c);
        exit(0);
}

int main(void)
{
        struct canring_producer_config cfg = {
            .nrings = 1, .ring_size = 1 << 20, .nchannels = 4, .max_consumers = 4};
        struct canring_producer *p;
        int ready[2], report[2], go[2], status, failed = 0;
        pid_t prod, cons[2];
        char ch;

        snprintf(name, sizeof(name), "%s", rt_name("kill"));
        cfg.name = name;
        CHECK(pipe(ready) == 0 && pipe(report) == 0 && pipe(go) == 0);
        prod = fork();
        CHECK(prod >= 0);
        if (prod == 0)
                producer(ready[1]);
        CHECK_EQ(read(ready[0], &ch, 1), 1);
        for (int i = 0; i < 2; i++) {
                cons[i] = fork();
                CHECK(cons[i] >= 0);
                if (cons[i] == 0)
                        consumer(i, report[1], go[0]);
        }
        for (int i = 0; i < 2; i++) {
                CHECK_EQ(read(report[0], &ch, 1), 1);
                CHECK_EQ(ch, 's');
        }
        CHECK_EQ(kill(prod, SIGKILL), 0);
        CHECK_EQ(waitpid(prod, &status, 0), prod);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        for (int i = 0; i < 2; i++) {
                CHECK_EQ(read(report[0], &ch, 1), 1);
                CHECK_EQ(ch, 'd');
        }
        CHECK_EQ(canring_producer_create(&cfg, &p), 0); /* the stale segment is replaced */
        CHECK_EQ(write(go[1], "gg", 2), 2);
        for (int i = 0; i < 2; i++) {
                CHECK_EQ(waitpid(cons[i], &status, 0), cons[i]);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        fprintf(stderr, "consumer %d failed, status 0x%x\n", i, status);
                        failed = 1;
                }
        }
        canring_producer_destroy(p);
        return failed;
}
