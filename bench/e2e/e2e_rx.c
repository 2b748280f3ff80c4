/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "e2e_rx.h"

#include <errno.h>
#include <getopt.h>
#include <linux/can.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2e_common.h"

#define MAX_BATCH 256
#define MAX_IFS   512

struct rx_chan {
        const char *ifname;
        int s;
        uint64_t received;
        uint32_t ovfl; /* latest SO_RXQ_OVFL value: the socket's running drop total */
};

struct rx_bufs {
        struct canfd_frame frame[MAX_BATCH];
        /* SO_RXQ_OVFL (u32) and SO_TIMESTAMPNS (timespec) */
        char ctrl[MAX_BATCH][CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(struct timespec))];
        struct iovec iov[MAX_BATCH];
        struct mmsghdr mm[MAX_BATCH];
};

static struct rx_chan chans[MAX_IFS];
static struct rx_bufs bufs;
static struct e2e_hist hist;

/* Takes the drop counter and the receive timestamp from one message's control data. */
static void account(struct rx_chan *ch, struct msghdr *mh, uint64_t now)
{
        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET)
                        continue;
                if (c->cmsg_type == SO_RXQ_OVFL) {
                        memcpy(&ch->ovfl, CMSG_DATA(c), sizeof(ch->ovfl));
                } else if (c->cmsg_type == SO_TIMESTAMPNS) {
                        struct timespec ts;

                        memcpy(&ts, CMSG_DATA(c), sizeof(ts));
                        e2e_hist_add(&hist, (int64_t)(now - ((uint64_t)ts.tv_sec * 1000000000ull +
                                                             (uint64_t)ts.tv_nsec)));
                }
        }
}

/* One receive call on ch: returns frames received, 0 when the queue is empty, -errno. */
static int receive(struct rx_chan *ch, unsigned batch)
{
        int n;

        for (unsigned i = 0; i < batch; i++)
                bufs.mm[i].msg_hdr.msg_controllen = sizeof(bufs.ctrl[i]);
        if (batch == 1) {
                ssize_t r = recvmsg(ch->s, &bufs.mm[0].msg_hdr, MSG_DONTWAIT);

                n = r < 0 ? -1 : 1;
        } else {
                n = recvmmsg(ch->s, bufs.mm, batch, MSG_DONTWAIT, NULL);
        }
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        uint64_t now = e2e_now_ns();
        for (int i = 0; i < n; i++)
                account(ch, &bufs.mm[i].msg_hdr, now);
        ch->received += (unsigned)n;
        return n;
}

static void usage(const char *name)
{
        fprintf(stderr, "usage: %s [--fd] [--rcvbuf BYTES] [--linger-us US] [--ready FILE] IF...\n",
                name);
        exit(2);
}

int e2e_rx_main(int argc, char **argv, const char *name, unsigned batch, int default_rcvbuf)
{
        static const struct option opts[] = {{"fd", no_argument, 0, 'f'},
                                             {"rcvbuf", required_argument, 0, 'b'},
                                             {"ready", required_argument, 0, 'r'},
                                             {"linger-us", required_argument, 0, 'l'},
                                             {0, 0, 0, 0}};
        struct e2e_sock_opts so = {.rcvbuf = default_rcvbuf, .nonblock = true};
        const char *ready = NULL;
        long linger_us = 0;
        unsigned nch = 0;
        int opt, ep;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (opt == 'f')
                        so.fd = true;
                else if (opt == 'b')
                        so.rcvbuf = atoi(optarg);
                else if (opt == 'r')
                        ready = optarg;
                else if (opt == 'l')
                        linger_us = e2e_parse_long(name, "--linger-us", optarg, 0, 999999);
                else
                        usage(name);
        }
        if (optind >= argc || argc - optind > MAX_IFS || batch > MAX_BATCH)
                usage(name);
        e2e_stop_on_signals();
        ep = epoll_create1(0);
        if (ep < 0) {
                perror("epoll_create1");
                return 1;
        }
        for (unsigned i = 0; i < MAX_BATCH; i++) {
                bufs.iov[i] = (struct iovec){&bufs.frame[i], sizeof(bufs.frame[i])};
                bufs.mm[i].msg_hdr = (struct msghdr){
                    .msg_iov = &bufs.iov[i], .msg_iovlen = 1, .msg_control = bufs.ctrl[i]};
        }
        for (int a = optind; a < argc; a++, nch++) {
                struct rx_chan *ch = &chans[nch];
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ch};

                ch->ifname = argv[a];
                ch->s = e2e_open_can(argv[a], &so);
                if (ch->s < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ch->s, &ev) < 0) {
                        fprintf(stderr, "%s: %s: %s\n", name, argv[a],
                                strerror(ch->s < 0 ? -ch->s : errno));
                        return 1;
                }
        }
        if (ready) {
                FILE *f = fopen(ready, "w");

                if (f)
                        fclose(f);
        }
        while (!e2e_stop) {
                struct epoll_event evs[64];
                int n = epoll_wait(ep, evs, 64, -1);

                if (n < 0 && errno != EINTR) {
                        perror("epoll_wait");
                        return 1;
                }
                int got = 0;
                for (int i = 0; i < n; i++) {
                        int r;
                        /* A loop that lingers drains each socket: a linger's frames wait there. */
                        do {
                                r = receive(evs[i].data.ptr, batch);
                                got += r > 0 ? r : 0;
                        } while (linger_us && r > 0);
                        if (r < 0) {
                                fprintf(stderr, "%s: receive: %s\n", name, strerror(-r));
                                return 1;
                        }
                }
                /* --linger-us: after a pass that brought frames, let the next ones gather in the
                 * sockets before looking again, as canring's engine does between batches: one
                 * timed sleep per linger instead of a wake-up per frame or two. */
                if (linger_us && got) {
                        struct timespec ts = {.tv_sec = 0, .tv_nsec = linger_us * 1000};
                        clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
                }
        }
        /* Stopped: whatever the queues still hold was received too. */
        for (unsigned i = 0; i < nch; i++)
                while (receive(&chans[i], batch) > 0)
                        ;

        uint64_t total = 0, drops = 0;

        printf("{\"receiver\":\"%s\",\"channels\":[", name);
        for (unsigned i = 0; i < nch; i++) {
                /* SO_RXQ_OVFL only arrives with a frame; drops after the last one are only in
                 * the socket's own counter. */
                int64_t mi = e2e_sock_drops(chans[i].s);
                uint64_t d = mi > (int64_t)chans[i].ovfl ? (uint64_t)mi : chans[i].ovfl;

                printf("%s{\"if\":\"%s\",\"received\":%llu,\"socket_drops\":%llu,"
                       "\"rxq_ovfl\":%u}",
                       i ? "," : "", chans[i].ifname, (unsigned long long)chans[i].received,
                       (unsigned long long)d, chans[i].ovfl);
                total += chans[i].received;
                drops += d;
                close(chans[i].s);
        }
        printf("],\"received\":%llu,\"socket_drops\":%llu,", (unsigned long long)total,
               (unsigned long long)drops);
        e2e_print_latency(&hist);
        printf("}\n");
        return 0;
}
