/* SPDX-License-Identifier: MIT */
#include "nl_walk.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

int canring__nl_msg_next(const void *buf, size_t len, size_t *off, struct canring__nl_msg *msg)
{
        const unsigned char *b = buf;
        size_t left = len - *off;

        if (left == 0)
                return 0;
        if (left < sizeof(msg->nh))
                return -EBADMSG;
        memcpy(&msg->nh, b + *off, sizeof(msg->nh));
        if (msg->nh.nlmsg_len < sizeof(msg->nh) || msg->nh.nlmsg_len > left)
                return -EBADMSG;
        msg->start = b + *off;
        msg->payload = msg->start + NLMSG_HDRLEN;
        msg->payload_len = msg->nh.nlmsg_len - NLMSG_HDRLEN;
        size_t step = NLMSG_ALIGN(msg->nh.nlmsg_len);
        *off += step < left ? step : left;
        return 1;
}

bool canring__nl_attr_next(const void *p, size_t len, size_t *off, struct canring__nl_attr *a)
{
        const unsigned char *b = p;
        struct rtattr h;
        size_t left = *off < len ? len - *off : 0;

        if (left < sizeof(h))
                return false;
        memcpy(&h, b + *off, sizeof(h));
        if (h.rta_len < sizeof(h) || h.rta_len > left)
                return false;
        a->type = h.rta_type & NLA_TYPE_MASK;
        a->data = b + *off + RTA_LENGTH(0);
        a->len = h.rta_len - RTA_LENGTH(0);
        size_t step = RTA_ALIGN(h.rta_len);
        *off += step < left ? step : left;
        return true;
}

int canring__nl_error(const struct canring__nl_msg *msg)
{
        int error;

        if (msg->payload_len < sizeof(error))
                return -EIO;
        memcpy(&error, msg->payload, sizeof(error)); /* nlmsgerr.error comes first */
        return error <= 0 && error > -4096 ? error : -EIO;
}
