/* SPDX-License-Identifier: MIT */
/*
 * recv_loop: the reference receivers of the first end-to-end figure.
 *
 *   recv_loop --mode recvmsg  IF N   epoll + one recvmsg per frame (what most programs do)
 *   recv_loop --mode recvmmsg IF N   recvmmsg, 64 frames a call, 8 MiB SO_RCVBUFFORCE buffer
 *
 * Receives until N frames arrived or the bus was idle for 3 s, then prints
 * "frames=F drops=D" (D: the socket's drop counter) and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define VLEN 64

static int open_socket(const char *ifname, int rcvbuf)
{
        struct sockaddr_can addr = {.can_family = AF_CAN};
        int one = 1, s = socket(PF_CAN, SOCK_RAW, CAN_RAW);

        if (s < 0)
                return -1;
        addr.can_ifindex = (int)if_nametoindex(ifname);
        setsockopt(s, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
        if (rcvbuf && setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
                setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        if (!addr.can_ifindex || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                close(s);
                return -1;
        }
        return s;
}

/* The SO_RXQ_OVFL value carried by a received message, if any. */
static void note_drops(struct msghdr *mh, unsigned *drops)
{
        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
                        memcpy(drops, CMSG_DATA(c), sizeof(*drops));
}

int main(int argc, char **argv)
{
        struct canfd_frame frames[VLEN];
        char ctrl[VLEN][CMSG_SPACE(sizeof(unsigned))];
        struct iovec iov[VLEN];
        struct mmsghdr mm[VLEN];
        unsigned long long want, got = 0;
        unsigned drops = 0, mem[SK_MEMINFO_VARS];
        socklen_t len = sizeof(mem);
        int batch, s, ep;
        struct epoll_event ev = {.events = EPOLLIN};

        if (argc != 5 || strcmp(argv[1], "--mode") ||
            (strcmp(argv[2], "recvmsg") && strcmp(argv[2], "recvmmsg"))) {
                fprintf(stderr, "usage: recv_loop --mode recvmsg|recvmmsg IF N\n");
                return 2;
        }
        batch = strcmp(argv[2], "recvmmsg") == 0 ? VLEN : 1;
        want = strtoull(argv[4], NULL, 0);
        s = open_socket(argv[3], batch > 1 ? 8 << 20 : 0);
        ep = epoll_create1(0);
        if (s < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) < 0) {
                fprintf(stderr, "recv_loop: %s: %s\n", argv[3], strerror(errno));
                return 1;
        }
        for (int i = 0; i < VLEN; i++) {
                iov[i] = (struct iovec){.iov_base = &frames[i], .iov_len = sizeof(frames[i])};
                mm[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i],
                                                .msg_iovlen = 1,
                                                .msg_control = ctrl[i],
                                                .msg_controllen = sizeof(ctrl[i])};
        }
        while (got < want) {
                int n;

                if (epoll_wait(ep, &ev, 1, 3000) <= 0)
                        break; /* idle: the sender is done */
                for (int i = 0; i < batch; i++)
                        mm[i].msg_hdr.msg_controllen = sizeof(ctrl[i]);
                if (batch == 1)
                        n = recvmsg(s, &mm[0].msg_hdr, MSG_DONTWAIT) < 0 ? -1 : 1;
                else
                        n = recvmmsg(s, mm, VLEN, MSG_DONTWAIT, NULL);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                continue;
                        perror("recv_loop: receive");
                        return 1;
                }
                for (int i = 0; i < n; i++)
                        note_drops(&mm[i].msg_hdr, &drops);
                got += (unsigned)n;
        }
        /* Drops after the last frame come with no later frame: read the counter itself. */
        if (getsockopt(s, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
            len > SK_MEMINFO_DROPS * sizeof(unsigned) && mem[SK_MEMINFO_DROPS] > drops)
                drops = mem[SK_MEMINFO_DROPS];
        printf("frames=%llu drops=%u\n", got, drops);
        return 0;
}
