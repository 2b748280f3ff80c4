/* SPDX-License-Identifier: MIT */
/*
 * The rtnetlink parsers (engine/src/nl_parse.c) on arbitrary datagrams. The kernel is the only
 * sender the service reads, but no length in a datagram is trusted: no read may leave the bytes
 * received, every event must carry a terminated, non-empty name, and the return value must count
 * exactly the calls made (or be an error).
 *
 * Input: byte 0 picks the parser (even: link notifications, odd: a statistics dump); the rest is
 * the datagram, exactly as long as recv() would have said.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_link(void *ctx, const struct canring_if_event *ev)
{
        size_t n = strnlen(ev->name, IFNAMSIZ);

        if (n == 0 || n >= IFNAMSIZ)
                abort();
        if (ev->change != CANRING_IF_PRESENT && ev->change != CANRING_IF_GONE)
                abort();
        ++*(int *)ctx;
}

static void on_stats(void *ctx, int ifindex, const struct rtnl_link_stats64 *st)
{
        volatile uint64_t sum = st->rx_packets + st->rx_dropped + (uint64_t)ifindex;

        (void)sum;
        ++*(int *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        unsigned char *buf;
        size_t len;
        int calls = 0, ret;
        bool done;

        if (size < 1 || size - 1 > 65536)
                return 0;
        len = size - 1;
        /* Exactly len bytes, so that AddressSanitizer sees any read past what was received. */
        buf = malloc(len ? len : 1);
        if (!buf)
                return 0;
        memcpy(buf, data + 1, len);
        if (data[0] % 2 == 0) {
                ret = canring_nl_parse_links(buf, len, on_link, &calls);
                if (ret != -EBADMSG && ret != calls)
                        abort();
        } else {
                ret = canring_nl_parse_stats(buf, len, on_stats, &calls, &done);
                if (ret >= 0 ? ret != calls : ret <= -4096)
                        abort();
                if (done && ret < 0)
                        abort();
        }
        free(buf);
        return 0;
}
