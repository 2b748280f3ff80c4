/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "e2e_common.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t e2e_stop;

static void on_signal(int sig)
{
        (void)sig;
        e2e_stop = 1;
}

void e2e_stop_on_signals(void)
{
        /* No SA_RESTART: a blocking wait must return EINTR so the loop sees the flag. */
        struct sigaction sa = {.sa_handler = on_signal};

        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
}

uint64_t e2e_now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned bucket_of(uint64_t v)
{
        unsigned msb, idx;

        if (v < E2E_HIST_SUB)
                return (unsigned)v;
        msb = 63u - (unsigned)__builtin_clzll(v);
        /* The top 5 bits: the leading 1 and 4 bits of sub-bucket. */
        idx = (msb - 3) * E2E_HIST_SUB + (unsigned)((v >> (msb - 4)) & (E2E_HIST_SUB - 1));
        return idx < E2E_HIST_BUCKETS ? idx : E2E_HIST_BUCKETS - 1;
}

static uint64_t bucket_top(unsigned idx)
{
        unsigned msb, sub;

        if (idx < E2E_HIST_SUB)
                return idx;
        msb = idx / E2E_HIST_SUB + 3;
        sub = idx % E2E_HIST_SUB;
        return ((uint64_t)(E2E_HIST_SUB + sub + 1) << (msb - 4)) - 1;
}

void e2e_hist_add(struct e2e_hist *h, int64_t ns)
{
        if (ns < 0) {
                h->negative++;
                return;
        }
        h->count++;
        if ((uint64_t)ns > h->max)
                h->max = (uint64_t)ns;
        h->bucket[bucket_of((uint64_t)ns)]++;
}

uint64_t e2e_hist_quantile(const struct e2e_hist *h, double q)
{
        uint64_t rank, seen = 0;

        if (!h->count)
                return 0;
        rank = (uint64_t)(q * (double)h->count);
        if (rank >= h->count)
                rank = h->count - 1;
        for (unsigned i = 0; i < E2E_HIST_BUCKETS; i++) {
                seen += h->bucket[i];
                if (seen > rank) {
                        uint64_t top = bucket_top(i);

                        return top < h->max ? top : h->max;
                }
        }
        return h->max;
}

void e2e_print_latency(const struct e2e_hist *h)
{
        printf("\"latency_ns\":{\"n\":%llu,\"p50\":%llu,\"p99\":%llu,\"p999\":%llu,\"max\":%llu,"
               "\"negative\":%llu}",
               (unsigned long long)h->count, (unsigned long long)e2e_hist_quantile(h, 0.5),
               (unsigned long long)e2e_hist_quantile(h, 0.99),
               (unsigned long long)e2e_hist_quantile(h, 0.999), (unsigned long long)h->max,
               (unsigned long long)h->negative);
}

int e2e_open_can(const char *ifname, const struct e2e_sock_opts *o)
{
        struct sockaddr_can addr = {.can_family = AF_CAN};
        can_err_mask_t errmask = CAN_ERR_MASK;
        int one = 1, err, s;

        s = socket(PF_CAN, SOCK_RAW | (o->nonblock ? SOCK_NONBLOCK : 0), CAN_RAW);
        if (s < 0)
                return -errno;
        addr.can_ifindex = (int)if_nametoindex(ifname);
        if (!addr.can_ifindex) {
                err = -ENODEV;
                goto fail;
        }
        if (setsockopt(s, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0 ||
            setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0 ||
            setsockopt(s, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &errmask, sizeof(errmask)) < 0 ||
            (o->fd && setsockopt(s, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof(one)) < 0)) {
                err = -errno;
                goto fail;
        }
        if (o->rcvbuf &&
            setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &o->rcvbuf, sizeof(o->rcvbuf)) < 0 &&
            setsockopt(s, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf, sizeof(o->rcvbuf)) < 0) {
                err = -errno;
                goto fail;
        }
        if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                err = -errno;
                goto fail;
        }
        return s;
fail:
        close(s);
        return err;
}

int64_t e2e_sock_drops(int s)
{
        uint32_t mem[SK_MEMINFO_VARS];
        socklen_t len = sizeof(mem);

        if (getsockopt(s, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
                return -errno;
        if (len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
                return -EOPNOTSUPP;
        return mem[SK_MEMINFO_DROPS];
}

long e2e_parse_long(const char *prog, const char *opt, const char *arg, long lo, long hi)
{
        char *end;
        errno = 0;
        long v = strtol(arg, &end, 10);
        if (errno || end == arg || *end || v < lo || v > hi) {
                fprintf(stderr, "%s: %s wants a whole number from %ld to %ld, not '%s'\n", prog,
                        opt, lo, hi, arg);
                exit(2);
        }
        return v;
}
