/* SPDX-License-Identifier: MIT */
/* Turns one multishot recvmsg buffer into an engine_rx_frame: payload, flags, timestamps, drops. */
#include "engine_rx.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

/*
 * SO_TIMESTAMPNS/SO_TIMESTAMPING come as the _OLD cmsg types (struct timespec) or, when a 32-bit
 * libc asked for 64-bit time, the _NEW ones (struct __kernel_timespec). Both are handled; on LP64
 * they have the same layout.
 */
#ifndef SO_TIMESTAMPNS_OLD
#define SO_TIMESTAMPNS_OLD 35
#endif
#ifndef SO_TIMESTAMPNS_NEW
#define SO_TIMESTAMPNS_NEW 64
#endif
#ifndef SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPING_OLD 37
#endif
#ifndef SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_NEW 65
#endif

static uint64_t ts_ns(int64_t sec, int64_t nsec)
{
        if (sec < 0 || nsec < 0)
                return 0;
        return (uint64_t)sec * 1000000000u + (uint64_t)nsec;
}

/* Reads the i-th timespec of a cmsg payload; memcpy because cmsg data has no alignment promise. */
static uint64_t cmsg_ts(const struct cmsghdr *c, unsigned i, bool kernel_ts)
{
        const unsigned char *d = CMSG_DATA(c);
        size_t have = c->cmsg_len - CMSG_LEN(0);

        if (kernel_ts) {
                struct __kernel_timespec t;
                if (have < (i + 1) * sizeof(t))
                        return 0;
                memcpy(&t, d + i * sizeof(t), sizeof(t));
                return ts_ns(t.tv_sec, t.tv_nsec);
        }
        struct timespec t;
        if (have < (i + 1) * sizeof(t))
                return 0;
        memcpy(&t, d + i * sizeof(t), sizeof(t));
        return ts_ns(t.tv_sec, t.tv_nsec);
}

int engine_rx_parse(void *buf, unsigned len, struct msghdr *mh, struct engine_rx_frame *f,
                    struct engine_rx_meta *meta)
{
        struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(buf, (int)len, mh);
        uint64_t sw_nsec = 0, sw_ing = 0;

        memset(meta, 0, sizeof(*meta));
        if (!o)
                return -EBADMSG;
        /* payloadlen is the datagram's real size even when it did not fit (MSG_TRUNC): an oversize
         * datagram is rejected here rather than published cut short. */
        unsigned plen = io_uring_recvmsg_payload_length(o, (int)len, mh);
        if (o->flags & MSG_TRUNC || o->payloadlen != plen || (plen != CAN_MTU && plen != CANFD_MTU))
                return -EBADMSG;

        f->frame = io_uring_recvmsg_payload(o, mh);
        f->mtu = (uint8_t)plen;
        f->flags = 0;
        if (o->flags & MSG_CONFIRM)
                f->flags |= ENGINE_RX_F_OWN;
        if (o->flags & MSG_DONTROUTE)
                f->flags |= ENGINE_RX_F_LOCAL;
        meta->ctrunc = o->flags & MSG_CTRUNC;

        f->ifindex = 0;
        const struct sockaddr_can *sa = io_uring_recvmsg_name(o);
        if (o->namelen >= offsetof(struct sockaddr_can, can_ifindex) + sizeof(sa->can_ifindex) &&
            mh->msg_namelen >= sizeof(*sa) && sa->can_family == AF_CAN)
                f->ifindex = sa->can_ifindex;

        f->hw_ts_ns = 0;
        /* The kernel never reports more control data than the msghdr reserved, nor a message
         * longer than the data left; a buffer that says otherwise is corrupt. The walk is by
         * offset rather than with liburing's cmsg helpers, which trust the first message's length
         * and do pointer arithmetic with the others' before checking them. */
        if (o->controllen > mh->msg_controllen)
                return -EBADMSG;
        const unsigned char *ctl =
            (const unsigned char *)io_uring_recvmsg_name(o) + mh->msg_namelen;
        size_t clen = o->controllen, step;

        for (size_t off = 0; clen - off >= sizeof(struct cmsghdr); off += step) {
                const struct cmsghdr *c = (const struct cmsghdr *)(const void *)(ctl + off);

                if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > clen - off)
                        return -EBADMSG;
                step = CMSG_ALIGN(c->cmsg_len);
                if (step > clen - off)
                        step = clen - off; /* the last message, unpadded: the walk ends */
                if (c->cmsg_level != SOL_SOCKET)
                        continue;
                switch (c->cmsg_type) {
                case SO_TIMESTAMPNS_OLD:
                case SO_TIMESTAMPNS_NEW:
                        sw_nsec = cmsg_ts(c, 0, c->cmsg_type == SO_TIMESTAMPNS_NEW);
                        break;
                case SO_TIMESTAMPING_OLD:
                case SO_TIMESTAMPING_NEW: {
                        /* ts[0] software, ts[1] legacy (unused), ts[2] raw hardware */
                        bool k = c->cmsg_type == SO_TIMESTAMPING_NEW;
                        sw_ing = cmsg_ts(c, 0, k);
                        f->hw_ts_ns = cmsg_ts(c, 2, k);
                        break;
                }
                case SO_RXQ_OVFL:
                        if (c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
                                memcpy(&meta->ovfl, CMSG_DATA(c), sizeof(meta->ovfl));
                                meta->has_ovfl = true;
                        }
                        break;
                default:
                        break;
                }
        }
        /* Both software stamps are the same skb time; SO_TIMESTAMPING's wins when both came. */
        f->sw_ts_ns = sw_ing ? sw_ing : sw_nsec;
        return 0;
}
