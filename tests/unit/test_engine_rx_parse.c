/* SPDX-License-Identifier: MIT */
/*
 * The recvmsg buffer parser on buffers laid out the way the kernel fills them, for what AF_UNIX
 * stand-ins cannot produce: SO_TIMESTAMPING with a hardware stamp, SO_RXQ_OVFL, MSG_CONFIRM and
 * MSG_DONTROUTE, the sockaddr_can source interface; and the rejection of bad sizes.
 */
#include "test_engine_harness.h"

#include <linux/net_tstamp.h>

static struct msghdr mh = {.msg_namelen = ENGINE_RX_NAME_SIZE,
                           .msg_controllen = ENGINE_RX_CTRL_SIZE};
static unsigned char buf[ENGINE_RX_BUF_SIZE] __attribute__((aligned(8)));

struct cmsg_spec {
        int type;
        const void *data;
        size_t len;
};

/* Lays out header, name, control and payload as io_uring does; returns the CQE res. */
static unsigned build(unsigned msg_flags, int ifindex, const struct cmsg_spec *cm, unsigned ncm,
                      const void *payload, unsigned plen, unsigned real_plen)
{
        memset(buf, 0, sizeof(buf));
        struct io_uring_recvmsg_out *o = (void *)buf;
        struct sockaddr_can *sa = (void *)(o + 1);
        unsigned char *ctl = (unsigned char *)sa + ENGINE_RX_NAME_SIZE;
        unsigned clen = 0;

        sa->can_family = AF_CAN;
        sa->can_ifindex = ifindex;
        o->namelen = sizeof(*sa);
        for (unsigned i = 0; i < ncm; i++) {
                struct cmsghdr *c = (void *)(ctl + clen);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = cm[i].type;
                c->cmsg_len = CMSG_LEN(cm[i].len);
                memcpy(CMSG_DATA(c), cm[i].data, cm[i].len);
                clen += CMSG_SPACE(cm[i].len);
        }
        CHECK(clen <= ENGINE_RX_CTRL_SIZE);
        o->controllen = clen;
        o->payloadlen = real_plen;
        o->flags = msg_flags;
        memcpy(buf + ENGINE_RX_PAYLOAD_OFFSET, payload, plen);
        return ENGINE_RX_PAYLOAD_OFFSET + plen;
}

int main(void)
{
        struct engine_rx_frame f;
        struct engine_rx_meta m;
        struct canfd_frame fd;
        struct can_frame cf;
        unsigned len;

        memset(&cf, 0, sizeof(cf));
        cf.can_id = 0x123;
        cf.len = 2;
        cf.data[0] = 0xde;
        cf.data[1] = 0xad;

        /* SO_TIMESTAMPING (sw + raw hw), SO_RXQ_OVFL, own message, source interface. */
        struct timespec ts3[3] = {{100, 5}, {0, 0}, {200, 7}};
        uint32_t ovfl = 42;
        struct cmsg_spec cm[] = {{SO_TIMESTAMPING, ts3, sizeof(ts3)},
                                 {SO_RXQ_OVFL, &ovfl, sizeof(ovfl)}};
        len = build(MSG_CONFIRM | MSG_DONTROUTE, 7, cm, 2, &cf, CAN_MTU, CAN_MTU);
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == 0);
        CHECK(f.mtu == CAN_MTU);
        CHECK(memcmp(f.frame, &cf, CAN_MTU) == 0);
        CHECK(f.sw_ts_ns == 100000000005ull);
        CHECK(f.hw_ts_ns == 200000000007ull);
        CHECK(f.flags == (ENGINE_RX_F_OWN | ENGINE_RX_F_LOCAL));
        CHECK(f.ifindex == 7);
        CHECK(m.has_ovfl && m.ovfl == 42);

        /* SO_TIMESTAMPNS alone, CAN FD, looped back from another local socket, no drop counter. */
        memset(&fd, 0, sizeof(fd));
        fd.can_id = 0x7ff;
        fd.len = 64;
        fd.flags = CANFD_BRS | CANFD_ESI;
        memset(fd.data, 0x55, 64);
        struct timespec tsn = {1700000000, 999999999};
        struct cmsg_spec cm2[] = {{SO_TIMESTAMPNS, &tsn, sizeof(tsn)}};
        len = build(MSG_DONTROUTE, 3, cm2, 1, &fd, CANFD_MTU, CANFD_MTU);
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == 0);
        CHECK(f.mtu == CANFD_MTU && memcmp(f.frame, &fd, CANFD_MTU) == 0);
        CHECK(f.sw_ts_ns == 1700000000999999999ull);
        CHECK(f.hw_ts_ns == 0);
        CHECK(f.flags == ENGINE_RX_F_LOCAL);
        CHECK(!m.has_ovfl);

        /* Both software stamps: SO_TIMESTAMPING's ts[0] wins; a zero hw stamp stays 0. */
        struct timespec ts3b[3] = {{5, 1}, {0, 0}, {0, 0}};
        struct cmsg_spec cm3[] = {{SO_TIMESTAMPNS, &tsn, sizeof(tsn)},
                                  {SO_TIMESTAMPING, ts3b, sizeof(ts3b)}};
        len = build(0, 0, cm3, 2, &cf, CAN_MTU, CAN_MTU);
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == 0);
        CHECK(f.sw_ts_ns == 5000000001ull && f.hw_ts_ns == 0 && f.flags == 0);

        /* No address (AF_UNIX stand-in): ifindex 0. */
        len = build(0, 9, NULL, 0, &cf, CAN_MTU, CAN_MTU);
        ((struct sockaddr_can *)(buf + sizeof(struct io_uring_recvmsg_out)))->can_family = AF_UNIX;
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == 0);
        CHECK(f.ifindex == 0 && f.sw_ts_ns == 0);

        /* Rejected: sizes other than the two MTUs, truncation, a buffer shorter than its header. */
        static const unsigned bad[] = {0, 1, 15, 17, 71, 73};
        static unsigned char junk[80];
        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                len = build(0, 1, NULL, 0, junk, bad[i], bad[i]);
                CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == -EBADMSG);
        }
        len = build(MSG_TRUNC, 1, NULL, 0, &fd, CANFD_MTU, 100);
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == -EBADMSG);
        len = build(0, 1, NULL, 0, &fd, CANFD_MTU, 100); /* payloadlen says more than arrived */
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == -EBADMSG);
        CHECK(engine_rx_parse(buf, ENGINE_RX_PAYLOAD_OFFSET - 1, &mh, &f, &m) == -EBADMSG);

        /* Rejected: control lengths that would lead the walk out of the control area. */
        len = build(0, 1, cm, 2, &cf, CAN_MTU, CAN_MTU);
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == 0);
        ((struct io_uring_recvmsg_out *)buf)->controllen = ENGINE_RX_CTRL_SIZE + 8; /* > reserved */
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == -EBADMSG);
        struct cmsghdr *first =
            (void *)(buf + sizeof(struct io_uring_recvmsg_out) + ENGINE_RX_NAME_SIZE);
        static const size_t bad_cmsg_len[] = {0, CMSG_LEN(0) - 1, CMSG_LEN(sizeof(ts3)) + 200};
        for (unsigned i = 0; i < sizeof(bad_cmsg_len) / sizeof(bad_cmsg_len[0]); i++) {
                len = build(0, 1, cm, 2, &cf, CAN_MTU, CAN_MTU);
                first->cmsg_len = bad_cmsg_len[i]; /* the first message: liburing does not check */
                CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == -EBADMSG);
        }
        /* The kernel's own truncation (MSG_CTRUNC, control cut to what fitted) is not corruption.
         */
        len = build(MSG_CTRUNC, 1, cm, 1, &cf, CAN_MTU, CAN_MTU);
        CHECK(engine_rx_parse(buf, len, &mh, &f, &m) == 0 && m.ctrunc);
        printf("parser: all cases pass\n");
        return 0;
}
