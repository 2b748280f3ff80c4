/* SPDX-License-Identifier: MIT */
/*
 * Walking netlink replies by offsets checked against the bytes received (not installed; shared by
 * ifdiscover.c, ifctl.c and the engine's engine/src/nl_parse.c). The NLMSG_* and RTA_* macros
 * trust a length once its header fits: the payload after it is read unchecked, and a last
 * message whose length is not a multiple of four takes the remaining length below zero, which an
 * unsigned length turns into a huge one that lets the walk run on past the datagram. These
 * functions never hand out a message or attribute that does not lie wholly inside the buffer,
 * and copy headers out, so they assume no alignment of it.
 */
#ifndef CANRING_NL_WALK_H
#define CANRING_NL_WALK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * One message found in a buffer: a copy of its header, where it starts in the buffer, and its
 * payload (nlmsg_len bytes minus the header).
 */
struct canring__nl_msg {
        struct nlmsghdr nh;
        const unsigned char *start;
        const unsigned char *payload;
        size_t payload_len;
};

/*
 * Takes the message at *OFF of the LEN bytes at BUF and moves *OFF past it and its alignment
 * padding (as far as the buffer goes). Returns 1 with *MSG filled, 0 at the end of the buffer, or
 * -EBADMSG for a header that is cut short or whose length is below the header's or beyond the
 * buffer: nothing after it can be found.
 */
int canring__nl_msg_next(const void *buf, size_t len, size_t *off, struct canring__nl_msg *msg);

/* One attribute: its type (flags cleared) and its payload. */
struct canring__nl_attr {
        unsigned type;
        const unsigned char *data;
        size_t len;
};

/*
 * Takes the attribute at *OFF of the LEN bytes at P (a message's or a nested attribute's payload)
 * and moves *OFF past it. Returns whether one was there: false at the end, and for a length below
 * the header's or beyond the payload (the attributes after it cannot be found).
 */
bool canring__nl_attr_next(const void *p, size_t len, size_t *off, struct canring__nl_attr *a);

/*
 * The error an NLMSG_ERROR message reports: 0 for an acknowledgement, a negative errno, or -EIO
 * when its payload is too short to say or the value is no errno.
 */
int canring__nl_error(const struct canring__nl_msg *msg);

#endif
