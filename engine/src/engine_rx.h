/* SPDX-License-Identifier: MIT */
/*
 * What the receive loop hands its sink: parsed frames, and the parser that makes them out of one
 * provided buffer filled by a multishot IORING_OP_RECVMSG.
 *
 * Layout of a provided buffer (fixed by the msghdr the loop arms every channel with):
 *
 *   struct io_uring_recvmsg_out   16 bytes  (real name/control/payload lengths, msg_flags)
 *   struct sockaddr_can           ENGINE_RX_NAME_SIZE bytes (source interface for "any" sockets)
 *   control messages              ENGINE_RX_CTRL_SIZE bytes (timestamps, SO_RXQ_OVFL)
 *   payload                       CAN_MTU or CANFD_MTU bytes (the rest is unused)
 */
#ifndef CANRING_ENGINE_RX_H
#define CANRING_ENGINE_RX_H

#include <liburing.h>
#include <linux/can.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define ENGINE_RX_NAME_SIZE 24u /* bytes reserved for the source address: sizeof(sockaddr_can) */
/*
 * Bytes reserved for control messages: SCM_TIMESTAMPNS (CMSG_SPACE(16) = 32) + SCM_TIMESTAMPING
 * (CMSG_SPACE(48) = 64) + SO_RXQ_OVFL (CMSG_SPACE(4) = 24) = 120 on LP64, rounded up so the payload
 * that follows stays 8-byte aligned for struct can_frame.
 */
#define ENGINE_RX_CTRL_SIZE 128u
#define ENGINE_RX_PAYLOAD_OFFSET                                                                   \
        (sizeof(struct io_uring_recvmsg_out) + ENGINE_RX_NAME_SIZE + ENGINE_RX_CTRL_SIZE)
#define ENGINE_RX_BUF_SIZE                                                                         \
        256u /* bytes per provided buffer: header + name + control + CANFD_MTU                     \
              */

_Static_assert(ENGINE_RX_NAME_SIZE == sizeof(struct sockaddr_can), "name area holds sockaddr_can");
_Static_assert(ENGINE_RX_PAYLOAD_OFFSET % 8 == 0, "payload aligned for struct canfd_frame");
_Static_assert(ENGINE_RX_PAYLOAD_OFFSET + CANFD_MTU <= ENGINE_RX_BUF_SIZE, "CAN FD frame fits");

/* engine_rx_frame.flags */
#define ENGINE_RX_F_OWN   0x01 /* MSG_CONFIRM: sent by this very socket (CAN_RAW_RECV_OWN_MSGS) */
#define ENGINE_RX_F_LOCAL 0x02 /* MSG_DONTROUTE: sent by some socket on this host (loopback) */

#define ENGINE_RX_NO_BUFFER 0xffffu /* bid of a drop notice */

/*
 * One received frame as handed to the sink. An entry whose frame is NULL is a drop notice: the
 * socket's drop counter grew by rxq_ovfl_delta since the channel's last frame, and no frame
 * followed yet (see poll_drops() in rx_loop.c); only channel and rxq_ovfl_delta are set.
 */
struct engine_rx_frame {
        /* struct can_frame (mtu == CAN_MTU) or struct canfd_frame (mtu == CANFD_MTU), pointing into
         * the provided buffer: valid until the sink accepts the frame, then the buffer is recycled.
         */
        const void *frame;
        uint64_t sw_ts_ns;       /* software receive time, CLOCK_REALTIME ns; 0 if none came */
        uint64_t hw_ts_ns;       /* hardware receive time in ns (SO_TIMESTAMPING raw), 0 if none */
        uint32_t rxq_ovfl_delta; /* frames the kernel dropped on this socket since its last frame */
        int32_t ifindex;         /* interface the frame came from (sockaddr_can), 0 if unknown */
        uint16_t channel;        /* channel index (socket position in the loop) */
        uint8_t mtu;             /* CAN_MTU or CANFD_MTU */
        uint8_t flags;           /* ENGINE_RX_F_* */
        uint16_t bid;            /* provided buffer id (the loop's bookkeeping; sinks ignore it) */
        uint16_t __pad;
};

/* Parser result flags beyond the frame itself. */
struct engine_rx_meta {
        bool has_ovfl; /* an SO_RXQ_OVFL control message was present */
        uint32_t ovfl; /* its value: the socket's cumulative drop counter */
        bool ctrunc;   /* the kernel truncated the control messages (MSG_CTRUNC) */
};

/*
 * Parses one provided buffer of len bytes (the CQE's res) received with msghdr mh. Fills f (except
 * channel, bid and rxq_ovfl_delta, which the loop owns) and meta. Returns 0, or -EBADMSG when the
 * buffer is not one well-formed CAN or CAN FD frame (short buffer, truncated datagram, size neither
 * CAN_MTU nor CANFD_MTU, control lengths that overrun the control area): the caller counts it as
 * malformed and publishes nothing. No length inside the buffer is trusted to stay inside it.
 */
int engine_rx_parse(void *buf, unsigned len, struct msghdr *mh, struct engine_rx_frame *f,
                    struct engine_rx_meta *meta);

#endif
