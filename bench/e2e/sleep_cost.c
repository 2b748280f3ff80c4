/* SPDX-License-Identifier: MIT */
/*
 * e2e-sleep-cost: what the kernel charges a thread that does nothing but sleep. The engine thread
 * sleeps once per reader wake-up budget while a slow stream flows (its linger, a ppoll on an
 * eventfd), and its reader sleeps in a futex until the engine wakes it; under the lab's software
 * emulation those sleeps, not canring's work, are most of what a slow stream costs
 * (docs/benchmarks.md, "What the lab charges for a sleep"). This measures a bare loop of sleeps,
 * so the figure can be set against canring's and candump's on the same machine.
 *
 *   e2e-sleep-cost [--how WAY] [--us US] [--count N] [--reps R]
 *
 * WAY: ppoll (the engine's linger: ppoll on an eventfd with a timeout, the default), tfdpoll (the
 * same ppoll without a timeout, ended by a timerfd armed before it; re-arming resets it), nanosleep
 * (clock_nanosleep), futex (a timed FUTEX_WAIT nobody wakes), timerfd (arm a one-shot timerfd and
 * read it), uring (io_uring_wait_cqe_timeout on an empty DEFER_TASKRUN ring), or woken (a futex
 * wait without timeout that a second thread ends with FUTEX_WAKE every US: a reader's wake-up;
 * only the sleeper's time is counted). Each repetition sleeps N times for US microseconds
 * (defaults 4000 µs, 500 sleeps, 3 repetitions) and prints the sleeping thread's CPU time per
 * sleep (schedstat) and the wall time per sleep. Exit 0, 1 on a failure (with the reason), 2 on
 * usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "e2e_common.h"

enum way { WAY_PPOLL, WAY_TFDPOLL, WAY_NANOSLEEP, WAY_FUTEX, WAY_TIMERFD, WAY_URING, WAY_WOKEN };
static const char *const way_names[] = {"ppoll",   "tfdpoll", "nanosleep", "futex",
                                        "timerfd", "uring",   "woken"};
#define NWAYS (sizeof(way_names) / sizeof(way_names[0]))

struct sleeper {
        enum way way;
        struct timespec ts;
        int efd, tfd;
        struct io_uring ring;
        uint32_t futex_word; /* WAY_WOKEN: bumped by the waker */
        bool stop;           /* WAY_WOKEN: the waker ends (atomic) */
};

static void usage(void)
{
        fprintf(stderr,
                "usage: e2e-sleep-cost [--how ppoll|tfdpoll|nanosleep|futex|timerfd|uring|woken] "
                "[--us US] [--count N] [--reps R]\n");
        exit(2);
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
        return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

static uint64_t mono_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The calling thread's on-CPU time (ns), as the harness reads it for every receiver; exits 1
 * when the kernel does not give it (no schedstat), since no figure would mean anything. */
static uint64_t thread_cpu_ns(void)
{
        FILE *f = fopen("/proc/thread-self/schedstat", "r");
        unsigned long long ns;
        int got = f ? fscanf(f, "%llu", &ns) : 0;

        if (f)
                fclose(f);
        if (got != 1) {
                fprintf(stderr, "e2e-sleep-cost: cannot read /proc/thread-self/schedstat, the "
                                "thread's CPU time\n");
                exit(1);
        }
        return ns;
}

static int sleep_once(struct sleeper *s)
{
        switch (s->way) {
        case WAY_PPOLL: {
                struct pollfd p = {.fd = s->efd, .events = POLLIN};
                return ppoll(&p, 1, &s->ts, NULL) < 0 ? -errno : 0;
        }
        case WAY_TFDPOLL: {
                /* The same wait without a poll timeout: a timerfd armed first ends it. */
                struct itimerspec it = {.it_value = s->ts};
                struct pollfd p[2] = {{.fd = s->efd, .events = POLLIN},
                                      {.fd = s->tfd, .events = POLLIN}};
                if (timerfd_settime(s->tfd, 0, &it, NULL) || ppoll(p, 2, NULL, NULL) < 0)
                        return -errno;
                return 0;
        }
        case WAY_NANOSLEEP:
                return -clock_nanosleep(CLOCK_MONOTONIC, 0, &s->ts, NULL);
        case WAY_FUTEX:
                return futex(&s->futex_word, FUTEX_WAIT_PRIVATE, s->futex_word, &s->ts) < 0 &&
                               errno != ETIMEDOUT && errno != EAGAIN
                           ? -errno
                           : 0;
        case WAY_TIMERFD: {
                struct itimerspec it = {.it_value = s->ts};
                uint64_t expirations;
                if (timerfd_settime(s->tfd, 0, &it, NULL) ||
                    read(s->tfd, &expirations, sizeof(expirations)) < 0)
                        return -errno;
                return 0;
        }
        case WAY_URING: {
                struct __kernel_timespec kts = {.tv_sec = s->ts.tv_sec, .tv_nsec = s->ts.tv_nsec};
                struct io_uring_cqe *cqe;
                int ret = io_uring_wait_cqe_timeout(&s->ring, &cqe, &kts);
                return ret == -ETIME ? 0 : ret;
        }
        case WAY_WOKEN: {
                /* Sleep until the waker has bumped the word past what we saw. */
                uint32_t seen = __atomic_load_n(&s->futex_word, __ATOMIC_ACQUIRE);
                while (__atomic_load_n(&s->futex_word, __ATOMIC_ACQUIRE) == seen)
                        if (futex(&s->futex_word, FUTEX_WAIT_PRIVATE, seen, NULL) < 0 &&
                            errno != EAGAIN && errno != EINTR)
                                return -errno;
                return 0;
        }
        }
        return -EINVAL;
}

/* WAY_WOKEN: the other thread, which wakes the sleeper every interval, as the engine its reader. */
static void *waker_main(void *arg)
{
        struct sleeper *s = arg;

        while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
                clock_nanosleep(CLOCK_MONOTONIC, 0, &s->ts, NULL);
                __atomic_fetch_add(&s->futex_word, 1, __ATOMIC_RELEASE);
                futex(&s->futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
        }
        return NULL;
}

static int parse_way(const char *name, enum way *way)
{
        for (unsigned i = 0; i < NWAYS; i++)
                if (!strcmp(name, way_names[i])) {
                        *way = (enum way)i;
                        return 0;
                }
        return -EINVAL;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {{"how", required_argument, 0, 'h'},
                                             {"us", required_argument, 0, 'u'},
                                             {"count", required_argument, 0, 'n'},
                                             {"reps", required_argument, 0, 'r'},
                                             {0, 0, 0, 0}};
        struct sleeper s = {.way = WAY_PPOLL, .efd = -1, .tfd = -1};
        long us = 4000, count = 500, reps = 3;
        pthread_t waker;
        int opt, ret;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case 'h':
                        if (parse_way(optarg, &s.way)) {
                                fprintf(stderr, "e2e-sleep-cost: no way to sleep called '%s'\n",
                                        optarg);
                                usage();
                        }
                        break;
                case 'u':
                        us = e2e_parse_long("e2e-sleep-cost", "--us", optarg, 1, 10000000);
                        break;
                case 'n':
                        count = e2e_parse_long("e2e-sleep-cost", "--count", optarg, 1, 1000000);
                        break;
                case 'r':
                        reps = e2e_parse_long("e2e-sleep-cost", "--reps", optarg, 1, 100);
                        break;
                default:
                        usage();
                }
        }
        if (optind != argc)
                usage();

        s.ts.tv_sec = us / 1000000;
        s.ts.tv_nsec = (us % 1000000) * 1000;
        s.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        s.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        if (s.efd < 0 || s.tfd < 0) {
                perror("e2e-sleep-cost: eventfd/timerfd_create");
                return 1;
        }
        ret = io_uring_queue_init(8, &s.ring,
                                  IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
        if (ret) {
                fprintf(stderr, "e2e-sleep-cost: io_uring_queue_init: %s\n", strerror(-ret));
                return 1;
        }
        if (s.way == WAY_WOKEN && (ret = pthread_create(&waker, NULL, waker_main, &s))) {
                fprintf(stderr, "e2e-sleep-cost: pthread_create: %s\n", strerror(ret));
                return 1;
        }

        for (long rep = 0; rep < reps; rep++) {
                uint64_t cpu0 = thread_cpu_ns(), wall0 = mono_ns();
                for (long i = 0; i < count; i++) {
                        ret = sleep_once(&s);
                        if (ret) {
                                fprintf(stderr, "e2e-sleep-cost: %s: %s\n", way_names[s.way],
                                        strerror(-ret));
                                return 1;
                        }
                }
                uint64_t cpu = thread_cpu_ns() - cpu0, wall = mono_ns() - wall0;
                printf("{\"how\": \"%s\", \"us\": %ld, \"count\": %ld, \"rep\": %ld, "
                       "\"cpu_us_per_sleep\": %.1f, \"wall_us_per_sleep\": %.1f}\n",
                       way_names[s.way], us, count, rep, cpu / 1e3 / (double)count,
                       wall / 1e3 / (double)count);
                fflush(stdout);
        }

        if (s.way == WAY_WOKEN) {
                __atomic_store_n(&s.stop, true, __ATOMIC_RELAXED);
                pthread_join(waker, NULL);
        }
        io_uring_queue_exit(&s.ring);
        close(s.efd);
        close(s.tfd);
        return 0;
}
