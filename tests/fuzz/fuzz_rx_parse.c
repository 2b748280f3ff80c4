/* SPDX-License-Identifier: MIT */
/*
 * engine_rx_parse() on arbitrary provided-buffer contents. The kernel fills these buffers, but the
 * parser must not trust their inner lengths (name, control, each cmsg) to stay inside the buffer:
 * a length that lies is rejected or ignored, never followed out of bounds. On success the frame
 * must be one of the two MTUs and lie wholly inside the bytes received.
 *
 * Input: byte 0 picks the msghdr's name size (0, 8, 16 or 24 bytes; multiples of 8 as the loop's
 * is, so that the cmsg headers after it stay aligned), byte 1 its control size (0 to 128 bytes in
 * steps of 8), the rest is the buffer, exactly as long as the completion said.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_rx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct msghdr mh;
        struct engine_rx_frame f;
        struct engine_rx_meta m;
        unsigned char *buf;
        size_t len;
        int ret;

        if (size < 2 || size - 2 > 2 * ENGINE_RX_BUF_SIZE)
                return 0;
        memset(&mh, 0, sizeof(mh));
        mh.msg_namelen = (data[0] % 4u) * 8u;
        mh.msg_controllen = (data[1] % (ENGINE_RX_CTRL_SIZE / 8u + 1u)) * 8u;
        len = size - 2;
        /* Exactly len bytes, so that AddressSanitizer sees any read past what was received. */
        buf = malloc(len ? len : 1);
        if (!buf)
                return 0;
        memcpy(buf, data + 2, len);
        ret = engine_rx_parse(buf, (unsigned)len, &mh, &f, &m);
        if (ret != 0 && ret != -EBADMSG)
                abort();
        if (ret == 0) {
                const unsigned char *p = f.frame;
                unsigned sum = 0;

                if (f.mtu != CAN_MTU && f.mtu != CANFD_MTU)
                        abort();
                if (p < buf + sizeof(struct io_uring_recvmsg_out) || p + f.mtu > buf + len)
                        abort();
                for (unsigned i = 0; i < f.mtu; i++) /* touch it all, as the sink's copy will */
                        sum += p[i];
                if (f.flags & ~(unsigned)(ENGINE_RX_F_OWN | ENGINE_RX_F_LOCAL))
                        abort();
                (void)sum;
        }
        free(buf);
        return 0;
}
