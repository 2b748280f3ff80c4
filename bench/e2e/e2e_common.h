/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the end-to-end receivers (bench/e2e): a latency histogram, a stop flag set by
 * SIGINT/SIGTERM, CAN_RAW socket set-up as every reference receiver does it, and the one-line
 * JSON result the harness parses. Private to bench/e2e.
 */
#ifndef E2E_COMMON_H
#define E2E_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Log-linear histogram of nanosecond values: 16 sub-buckets per power of two, so a percentile is
 * exact to 1/16 (6%) of its value; the maximum is kept exactly. Values past 2^42 ns (73 min)
 * land in the last bucket.
 */
#define E2E_HIST_SUB     16
#define E2E_HIST_BUCKETS (43 * E2E_HIST_SUB)

struct e2e_hist {
        uint64_t count;
        uint64_t max;
        uint64_t negative; /* timestamp after "now": clocks disagree; counted, not binned */
        uint64_t bucket[E2E_HIST_BUCKETS];
};

void e2e_hist_add(struct e2e_hist *h, int64_t ns);
/* The value below which a fraction q (0..1) of the samples lie (bucket upper bound), 0 if empty. */
uint64_t e2e_hist_quantile(const struct e2e_hist *h, double q);

/* Set by SIGINT/SIGTERM once e2e_stop_on_signals() ran. */
extern volatile sig_atomic_t e2e_stop;
void e2e_stop_on_signals(void);

/* CLOCK_REALTIME in ns (the clock of the kernel's software receive timestamps). */
uint64_t e2e_now_ns(void);

/* OPT's value ARG as a whole number in [lo, hi]; anything else exits 2 with a message that names
 * PROG, OPT and the range. */
long e2e_parse_long(const char *prog, const char *opt, const char *arg, long lo, long hi);

struct e2e_sock_opts {
        bool fd;    /* CAN_RAW_FD_FRAMES */
        int rcvbuf; /* bytes; 0 keeps the default. SO_RCVBUFFORCE, falling back to SO_RCVBUF */
        bool nonblock;
};

/*
 * A CAN_RAW socket bound to ifname that receives every frame, error frames included, with
 * SO_RXQ_OVFL and nanosecond software receive timestamps (SO_TIMESTAMPNS). Returns the socket or
 * -errno.
 */
int e2e_open_can(const char *ifname, const struct e2e_sock_opts *o);

/* The kernel's drop count of the socket (SO_MEMINFO), or -errno. */
int64_t e2e_sock_drops(int s);

/* Appends `"latency_ns":{...}` (no leading comma) for the histogram to stdout. */
void e2e_print_latency(const struct e2e_hist *h);

#endif
