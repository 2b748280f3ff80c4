/* SPDX-License-Identifier: MIT */
/*
 * A consumer maps the records and the header read-only: a write through a record pointer, or to
 * the ring's control block or the header, faults (SIGSEGV). Its own cursor, in the consumer-slot
 * region, stays writable.
 */
#include <signal.h>
#include <sys/wait.h>

#include "ring_test.h"

static char name[64];

static void on_segv(int sig)
{
        (void)sig;
        _exit(42); /* the fault we expect; our own handler so that sanitizers do not intercept it */
}

/* Child: attach, then write where `what` says. */
static void child(int what)
{
        struct canring_consumer *c;
        const struct canring_record *recs[4];
        struct sigaction sa = {.sa_handler = on_segv};

        sigaction(SIGSEGV, &sa, NULL);
        CHECK_EQ(canring_consumer_attach(name, NULL, &c), 0);
        CHECK_EQ(canring_consumer_wait(c, 5000), 0);
        CHECK(canring_consumer_read(c, recs, 4) > 0);
        if (what == 1)
                *(volatile uint8_t *)&((struct canring_record *)recs[0])->can.data[0] = 0xee;
        else if (what == 2) /* the ring's control block (tail), in the page holding the record */
                *(volatile uint64_t *)((uintptr_t)recs[0] & ~(uintptr_t)4095) = 0;
        else if (what == 3) /* the page before: header / channel table */
                *(volatile uint64_t *)(((uintptr_t)recs[0] & ~(uintptr_t)4095) - 4096) = 0;
        else
                CHECK_EQ(canring_consumer_release(c), 0); /* writes the cursor: must work */
        canring_consumer_detach(c);
        _exit(0);
}

int main(void)
{
        struct canring_producer_config cfg = {
            .nrings = 1, .ring_size = 4096, .nchannels = 1, .max_consumers = 4};
        struct canring_producer *p;
        static const int expect[] = {0, 42, 42, 42, 0};
        uint64_t seq = 0;

        snprintf(name, sizeof(name), "%s", rt_name("ro"));
        cfg.name = name;
        CHECK_EQ(canring_producer_create(&cfg, &p), 0);
        for (int what = 1; what <= 4; what++) {
                int status;
                pid_t pid;

                pid = fork();
                CHECK(pid >= 0);
                if (pid == 0)
                        child(what);
                usleep(50000); /* let it attach; publishing again below wakes it anyway */
                for (int i = 0; i < 250; i++) {
                        CHECK_EQ(rt_publish(p, 0, seq++, 1), 0);
                        if (waitpid(pid, &status, WNOHANG) == pid)
                                goto done;
                        usleep(20000);
                }
                CHECK_EQ(waitpid(pid, &status, 0), pid);
        done:
                if (!WIFEXITED(status) || WEXITSTATUS(status) != expect[what])
                        FAIL("case %d: status 0x%x, expected exit %d", what, status, expect[what]);
        }
        canring_producer_destroy(p);
        printf("ok\n");
        return 0;
}
