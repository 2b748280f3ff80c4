/* SPDX-License-Identifier: MIT */
/*
 * canring_if_stats_dump() reads every interface's counters in one netlink dump: the loopback
 * interface is in it with its ifindex, and its rx_packets grow by what we send through it (a
 * datagram to 127.0.0.1 is one packet received on lo). The service's IF_DROP events use the
 * drop fields of the same dump. The netlink socket is the caller's, kept between dumps: the
 * first dump opens it, the next one reuses it, and a dump that fails closes it (here: a socket
 * that is not netlink) so that the next one opens a fresh one.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "if_monitor.h"

struct lo_seen {
        int ifindex, times;
        uint64_t rx_packets;
};

static void on_stats(void *ctx, int ifindex, const struct rtnl_link_stats64 *st)
{
        struct lo_seen *s = ctx;

        if (ifindex == s->ifindex) {
                s->times++;
                s->rx_packets = st->rx_packets;
        }
}

/* Tells a socket kept from one made anew under the same descriptor number. */
static ino_t inode_of(int fd)
{
        struct stat st;

        return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

int main(void)
{
        struct lo_seen before = {.ifindex = (int)if_nametoindex("lo")}, after = before;
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
        int n, fd, nl = -1, first;
        ino_t ino;

        if (before.ifindex == 0) {
                printf("SKIP: no loopback interface\n");
                return 77;
        }
        n = canring_if_stats_dump(&nl, on_stats, &before);
        if (n < 1 || before.times != 1 || nl < 0) {
                fprintf(stderr, "FAIL: dump returned %d, lo seen %d times, socket %d\n", n,
                        before.times, nl);
                return 1;
        }
        first = nl;
        ino = inode_of(nl);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_DGRAM, 0);
        for (int i = 0; i < 10; i++)
                if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1) {
                        perror("sendto");
                        return 1;
                }
        close(fd);
        n = canring_if_stats_dump(&nl, on_stats, &after);
        if (n < 1 || after.times != 1 || nl != first || inode_of(nl) != ino) {
                fprintf(stderr,
                        "FAIL: second dump returned %d, lo seen %d times, socket %d -> %d\n", n,
                        after.times, first, nl);
                return 1;
        }
        if (after.rx_packets < before.rx_packets + 10) {
                fprintf(stderr, "FAIL: lo rx_packets %llu -> %llu after 10 datagrams\n",
                        (unsigned long long)before.rx_packets,
                        (unsigned long long)after.rx_packets);
                return 1;
        }
        close(nl);

        /* A failed dump closes the socket and says so. */
        nl = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        first = nl;
        int bad = canring_if_stats_dump(&nl, on_stats, &after);
        if (bad >= 0 || nl != -1 || fcntl(first, F_GETFD) != -1) {
                fprintf(stderr, "FAIL: dump on a unix socket returned %d, socket %d -> %d\n", bad,
                        first, nl);
                return 1;
        }
        printf("PASS: %d interfaces; lo rx_packets %llu -> %llu\n", n,
               (unsigned long long)before.rx_packets, (unsigned long long)after.rx_packets);
        return 0;
}
