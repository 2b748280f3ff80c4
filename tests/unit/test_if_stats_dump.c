/* SPDX-License-Identifier: MIT */
/*
 * canring_if_stats_dump() reads every interface's counters in one netlink dump: the loopback
 * interface is in it with its ifindex, and its rx_packets grow by what we send through it (a
 * datagram to 127.0.0.1 is one packet received on lo). The service's IF_DROP events use the
 * drop fields of the same dump.
 */
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
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

int main(void)
{
        struct lo_seen before = {.ifindex = (int)if_nametoindex("lo")}, after = before;
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
        int n, fd;

        if (before.ifindex == 0) {
                printf("SKIP: no loopback interface\n");
                return 77;
        }
        n = canring_if_stats_dump(on_stats, &before);
        if (n < 1 || before.times != 1) {
                fprintf(stderr, "FAIL: dump returned %d, lo seen %d times\n", n, before.times);
                return 1;
        }
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_DGRAM, 0);
        for (int i = 0; i < 10; i++)
                if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1) {
                        perror("sendto");
                        return 1;
                }
        close(fd);
        canring_if_stats_dump(on_stats, &after);
        if (after.rx_packets < before.rx_packets + 10) {
                fprintf(stderr, "FAIL: lo rx_packets %llu -> %llu after 10 datagrams\n",
                        (unsigned long long)before.rx_packets,
                        (unsigned long long)after.rx_packets);
                return 1;
        }
        printf("PASS: %d interfaces; lo rx_packets %llu -> %llu\n", n,
               (unsigned long long)before.rx_packets, (unsigned long long)after.rx_packets);
        return 0;
}
