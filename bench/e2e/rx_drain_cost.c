/* SPDX-License-Identifier: MIT */
/*
 * e2e-rx-drain-cost: the kernel's cost per frame of the two ways to read a socket that holds a
 * backlog, measured on the same backlog: recvmmsg of 64 datagrams a call, and io_uring's
 * multishot recvmsg with a provided-buffer ring (DEFER_TASKRUN, as the engine runs it), with and
 * without the source address. The figures, and why the engine still reads every frame through
 * io_uring, are in docs/engine.md ("Reading a busy socket with recvmmsg instead").
 *
 *   e2e-rx-drain-cost [--udp] [--frames N] [--reps R] [IF]
 *
 * IF (default vcan0) is a CAN interface; --udp uses UDP on loopback instead, for machines without
 * SocketCAN. Each repetition fills a fresh socket with N frames (default 20,000) from a second
 * socket, then drains it one way, for each way in turn; it prints the receiving thread's CPU time
 * per frame and the io_uring/recvmmsg ratio. Exit 0, 1 on a failure (with the reason), 2 on usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2e_common.h"

#define MMSG_BATCH 64
#define NBUFS      32768u /* the kernel's limit on buffer ring entries: holds a whole backlog */
#define BUF_SIZE   256u
#define CTRL_SIZE  64u

static bool udp;
static const char *ifname = "vcan0";
static struct sockaddr_in udp_dst;

static void die(const char *what)
{
        fprintf(stderr, "e2e-rx-drain-cost: %s: %s\n", what, strerror(errno));
        exit(1);
}

static double thread_cpu_ns(void)
{
        struct timespec t;

        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* A sending or receiving socket; a receiving one must hold a backlog of n frames, so its buffer
 * is forced large. */
static int open_socket(bool rx, int nframes)
{
        int s, one = 1, big = nframes * 2048;

        if (rx && !udp) {
                /* Opened as the reference receivers open theirs. */
                struct e2e_sock_opts so = {.rcvbuf = big};

                s = e2e_open_can(ifname, &so);
                if (s < 0) {
                        errno = -s;
                        die(ifname);
                }
                return s;
        }
        if (udp) {
                struct sockaddr_in a = {.sin_family = AF_INET,
                                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
                socklen_t len = sizeof(a);

                s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
                        die("UDP socket");
                if (rx && getsockname(s, (struct sockaddr *)&udp_dst, &len))
                        die("getsockname");
                /* The options e2e_open_can() sets on a CAN socket. */
                if (rx && (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) ||
                           setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
                           setsockopt(s, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one))))
                        die("receive socket options");
        } else {
                struct sockaddr_can a = {.can_family = AF_CAN,
                                         .can_ifindex = (int)if_nametoindex(ifname)};

                if (!a.can_ifindex)
                        die(ifname);
                s = socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
                if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
                        die("CAN_RAW socket");
        }
        return s;
}

static void fill(int tx, int n)
{
        struct can_frame f = {.can_id = 0x123, .len = 8};

        for (int i = 0; i < n; i++) {
                f.data[0] = (unsigned char)i;
                ssize_t r =
                    udp ? sendto(tx, &f, sizeof(f), 0, (struct sockaddr *)&udp_dst, sizeof(udp_dst))
                        : write(tx, &f, sizeof(f));
                if (r < 0 && errno == ENOBUFS) { /* the interface queue: let it drain */
                        usleep(100);
                        i--;
                } else if (r != sizeof(f)) {
                        die("send");
                }
        }
}

static double drain_recvmmsg(int s, int n)
{
        static struct can_frame frames[MMSG_BATCH];
        static char ctrl[MMSG_BATCH][CTRL_SIZE];
        struct iovec iov[MMSG_BATCH];
        struct mmsghdr mm[MMSG_BATCH];
        unsigned sum = 0;
        int got = 0;

        memset(mm, 0, sizeof(mm));
        for (int i = 0; i < MMSG_BATCH; i++) {
                iov[i] = (struct iovec){&frames[i], sizeof(frames[i])};
                mm[i].msg_hdr.msg_iov = &iov[i];
                mm[i].msg_hdr.msg_iovlen = 1;
                mm[i].msg_hdr.msg_control = ctrl[i];
        }
        double t0 = thread_cpu_ns();
        while (got < n) {
                for (int i = 0; i < MMSG_BATCH; i++)
                        mm[i].msg_hdr.msg_controllen = CTRL_SIZE;
                int r = recvmmsg(s, mm, MMSG_BATCH, MSG_DONTWAIT, NULL);
                if (r < 0)
                        die("recvmmsg (backlog shorter than sent?)");
                for (int i = 0; i < r; i++)
                        sum += frames[i].data[0];
                got += r;
        }
        (void)sum;
        return (thread_cpu_ns() - t0) / got;
}

static double drain_uring(int s, int n, bool with_name)
{
        struct io_uring ring;
        struct io_uring_params p;
        struct msghdr mh;
        unsigned sum = 0;
        int got = 0, ret;

        memset(&p, 0, sizeof(p));
        p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
        p.cq_entries = NBUFS; /* every frame's completion fits: a full CQ would end the multishot */
        ret = io_uring_queue_init_params(64, &ring, &p);
        if (ret) {
                errno = -ret;
                die("io_uring_queue_init_params (DEFER_TASKRUN needs Linux 6.1)");
        }
        size_t br_size = NBUFS * sizeof(struct io_uring_buf);
        struct io_uring_buf_ring *br =
            mmap(NULL, br_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        unsigned char *bufs = aligned_alloc(4096, (size_t)NBUFS * BUF_SIZE);
        struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)br, .ring_entries = NBUFS};

        if (br == MAP_FAILED || !bufs)
                die("buffers");
        ret = io_uring_register_buf_ring(&ring, &reg, 0);
        if (ret) {
                errno = -ret;
                die("io_uring_register_buf_ring");
        }
        io_uring_buf_ring_init(br);
        for (unsigned i = 0; i < NBUFS; i++)
                io_uring_buf_ring_add(br, bufs + i * BUF_SIZE, BUF_SIZE, (unsigned short)i,
                                      io_uring_buf_ring_mask(NBUFS), (int)i);
        io_uring_buf_ring_advance(br, NBUFS);
        memset(&mh, 0, sizeof(mh));
        mh.msg_namelen =
            with_name ? (udp ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_can)) : 0;
        mh.msg_controllen = CTRL_SIZE;

        double t0 = thread_cpu_ns();
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_recvmsg_multishot(sqe, s, &mh, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = 0;
        while (got < n) {
                struct io_uring_cqe *cqe;
                unsigned head, seen = 0, added = 0;

                ret = io_uring_submit_and_wait(&ring, 1);
                if (ret < 0) {
                        errno = -ret;
                        die("io_uring_submit_and_wait");
                }
                io_uring_for_each_cqe(&ring, head, cqe)
                {
                        unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
                        struct io_uring_recvmsg_out *o;

                        seen++;
                        if (cqe->res < 0 || !(cqe->flags & IORING_CQE_F_MORE)) {
                                errno = cqe->res < 0 ? -cqe->res : EPROTO;
                                die("multishot recvmsg ended");
                        }
                        o = io_uring_recvmsg_validate(bufs + bid * BUF_SIZE, cqe->res, &mh);
                        if (o)
                                sum +=
                                    ((struct can_frame *)io_uring_recvmsg_payload(o, &mh))->data[0];
                        io_uring_buf_ring_add(br, bufs + bid * BUF_SIZE, BUF_SIZE,
                                              (unsigned short)bid, io_uring_buf_ring_mask(NBUFS),
                                              (int)added++);
                        got++;
                }
                io_uring_cq_advance(&ring, seen);
                io_uring_buf_ring_advance(br, (int)added);
        }
        double per_frame = (thread_cpu_ns() - t0) / got;
        (void)sum;
        io_uring_unregister_buf_ring(&ring, 0);
        io_uring_queue_exit(&ring);
        munmap(br, br_size);
        free(bufs);
        return per_frame;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {{"udp", no_argument, 0, 'u'},
                                             {"frames", required_argument, 0, 'n'},
                                             {"reps", required_argument, 0, 'r'},
                                             {0, 0, 0, 0}};
        int n = 20000, reps = 5, opt;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (opt == 'u')
                        udp = true;
                else if (opt == 'n')
                        n = atoi(optarg);
                else if (opt == 'r')
                        reps = atoi(optarg);
                else
                        goto usage;
        }
        if (optind < argc)
                ifname = argv[optind++];
        if (optind != argc || n <= 0 || n > (int)NBUFS || reps <= 0)
                goto usage;
        printf("%s, %d frames a backlog; thread CPU ns per frame\n", udp ? "UDP loopback" : ifname,
               n);
        for (int r = 0; r < reps; r++) {
                double t[3];

                for (int way = 0; way < 3; way++) {
                        int rx = open_socket(true, n), tx = open_socket(false, n);

                        fill(tx, n);
                        t[way] = way == 0 ? drain_recvmmsg(rx, n) : drain_uring(rx, n, way == 1);
                        close(tx);
                        close(rx);
                }
                printf("rep %d: recvmmsg(64) %.0f, io_uring multishot %.0f (with the source "
                       "address) %.0f (without); io_uring/recvmmsg %.2f\n",
                       r, t[0], t[1], t[2], t[1] / t[0]);
        }
        return 0;
usage:
        fprintf(stderr, "usage: e2e-rx-drain-cost [--udp] [--frames N 1..%u] [--reps R] [IF]\n",
                NBUFS);
        return 2;
}
