/* SPDX-License-Identifier: MIT */
/* canring_bcm_encode(): the bcm_msg_head and frames, byte by byte, as the kernel reads them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/can/bcm.h>

#include "canring/bcm.h"

static int failures;
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);                    \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static void put32(unsigned char *p, uint32_t v)
{
        memcpy(p, &v, 4); /* host order, as the kernel reads it */
}

static void put64(unsigned char *p, uint64_t v)
{
        memcpy(p, &v, 8);
}

int main(void)
{
        unsigned char buf[4096], want[4096];
        struct canfd_frame f[2];

        if (sizeof(long) != 8) {
                fprintf(stderr, "the hand-written layout below is LP64's\n");
                return 77;
        }
        /* The layout the kernel expects on LP64: 56-byte head, frames 8-aligned right after. */
        CHECK(sizeof(struct bcm_msg_head) == 56);

        memset(f, 0, sizeof(f));
        f[0].can_id = 0x123;
        f[0].len = 2;
        f[0].data[0] = 0xAA;
        f[0].data[1] = 0xBB;
        f[1].can_id = 0x123;
        f[1].len = 8;
        f[1].__res1 = 0; /* len8_dlc for classic */
        for (int i = 0; i < 8; i++)
                f[1].data[i] = (uint8_t)(i + 1);

        /* TX_SETUP, counted: count 5 at ival1 = 1.25 s, ival2 0. */
        struct canring_bcm_msg m = {
            .opcode = TX_SETUP,
            .flags = SETTIMER | STARTTIMER | TX_COUNTEVT,
            .count = 5,
            .nframes = 2,
            .ival1_us = 1250000,
            .ival2_us = 0,
            .can_id = 0x123,
            .fd = false,
            .frames = f,
        };
        memset(buf, 0xEE, sizeof(buf));
        ssize_t n = canring_bcm_encode(buf, sizeof(buf), &m);
        CHECK(n == 56 + 2 * 16);
        CHECK((size_t)n == canring_bcm_encoded_size(2, false));
        memset(want, 0, sizeof(want));
        put32(want + 0, TX_SETUP);
        put32(want + 4, SETTIMER | STARTTIMER | TX_COUNTEVT);
        put32(want + 8, 5);
        /* 12..15: padding, zero */
        put64(want + 16, 1);      /* ival1.tv_sec */
        put64(want + 24, 250000); /* ival1.tv_usec */
        put64(want + 32, 0);      /* ival2.tv_sec */
        put64(want + 40, 0);      /* ival2.tv_usec */
        put32(want + 48, 0x123);  /* can_id */
        put32(want + 52, 2);      /* nframes */
        put32(want + 56, 0x123);  /* frame 0: can_id */
        want[60] = 2;             /* len */
        want[64] = 0xAA;
        want[65] = 0xBB;
        put32(want + 72, 0x123); /* frame 1 */
        want[76] = 8;
        for (int i = 0; i < 8; i++)
                want[80 + i] = (unsigned char)(i + 1);
        CHECK(n > 0 && memcmp(buf, want, (size_t)n) == 0);
        CHECK(buf[n] == 0xEE); /* nothing written past the end */

        /* CAN FD: CAN_FD_FRAME is added to the flags and frames are 72 bytes. */
        memset(f, 0, sizeof(f));
        f[0].can_id = CAN_EFF_FLAG | 0x1ABCDEF0;
        f[0].len = 12;
        f[0].flags = CANFD_BRS;
        f[0].data[11] = 0x5A;
        m = (struct canring_bcm_msg){.opcode = TX_SETUP,
                                     .flags = SETTIMER | STARTTIMER,
                                     .nframes = 1,
                                     .ival2_us = 10000,
                                     .can_id = CAN_EFF_FLAG | 0x1ABCDEF0,
                                     .fd = true,
                                     .frames = f};
        n = canring_bcm_encode(buf, sizeof(buf), &m);
        CHECK(n == 56 + 72);
        memset(want, 0, sizeof(want));
        put32(want + 0, TX_SETUP);
        put32(want + 4, SETTIMER | STARTTIMER | CAN_FD_FRAME);
        put64(want + 40, 10000); /* ival2.tv_usec */
        put32(want + 48, CAN_EFF_FLAG | 0x1ABCDEF0);
        put32(want + 52, 1);
        put32(want + 56, CAN_EFF_FLAG | 0x1ABCDEF0);
        want[60] = 12;
        want[61] = CANFD_BRS;
        want[64 + 11] = 0x5A;
        CHECK(n > 0 && memcmp(buf, want, (size_t)n) == 0);

        /* TX_DELETE: the head only. */
        m = (struct canring_bcm_msg){.opcode = TX_DELETE, .can_id = 0x7FF};
        n = canring_bcm_encode(buf, sizeof(buf), &m);
        CHECK(n == 56);
        memset(want, 0, 56);
        put32(want + 0, TX_DELETE);
        put32(want + 48, 0x7FF);
        CHECK(memcmp(buf, want, 56) == 0);

        /* Limits. */
        m = (struct canring_bcm_msg){.opcode = TX_SETUP, .nframes = 2, .frames = f};
        CHECK(canring_bcm_encode(buf, 56 + 31, &m) == -ENOSPC);
        m.nframes = 257;
        CHECK(canring_bcm_encode(buf, sizeof(buf), &m) == -EINVAL);
        CHECK(canring_bcm_encoded_size(256, true) == 56 + 256 * 72);

        return failures ? 1 : 0;
}
