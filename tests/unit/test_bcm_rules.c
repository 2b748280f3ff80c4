/* SPDX-License-Identifier: MIT */
/* The CyclicSendTask rules: canring_bcm_check_frames() and canring_bcm_check_timing(). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canring/bcm.h"

static int failures;
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);                    \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static struct canfd_frame frames[CANRING_BCM_MAX_FRAMES + 1];
static size_t mtus[CANRING_BCM_MAX_FRAMES + 1];

static void fill(canid_t id, size_t mtu)
{
        memset(frames, 0, sizeof(frames));
        for (int i = 0; i <= CANRING_BCM_MAX_FRAMES; i++) {
                frames[i].can_id = id;
                frames[i].len = 1;
                frames[i].data[0] = (uint8_t)i;
                mtus[i] = mtu;
        }
}

int main(void)
{
        char err[256];
        canid_t id = 0;
        bool fd = true;

        fill(0x123, CAN_MTU);
        CHECK(canring_bcm_check_frames(frames, mtus, 3, false, &id, &fd, err, sizeof(err)) == 0);
        CHECK(id == 0x123 && !fd);
        CHECK(canring_bcm_check_frames(frames, mtus, 256, false, &id, &fd, err, sizeof(err)) == 0);

        /* 0 and 257 frames. */
        CHECK(canring_bcm_check_frames(frames, mtus, 0, false, &id, &fd, err, sizeof(err)) ==
              -EINVAL);
        CHECK(canring_bcm_check_frames(frames, mtus, 257, false, &id, &fd, err, sizeof(err)) ==
              -EINVAL);
        CHECK(strstr(err, "256") != NULL);

        /* Another id in the sequence: named in the message. */
        frames[2].can_id = 0x124;
        id = 0;
        CHECK(canring_bcm_check_frames(frames, mtus, 3, false, &id, &fd, err, sizeof(err)) ==
              -EINVAL);
        CHECK(strstr(err, "frame 3") && strstr(err, "124") && strstr(err, "123"));
        CHECK(id == 0); /* outputs untouched on failure */

        /* Same 11-bit value but extended format is another id. */
        fill(0x123, CAN_MTU);
        frames[1].can_id = CAN_EFF_FLAG | 0x123;
        CHECK(canring_bcm_check_frames(frames, mtus, 2, false, &id, &fd, err, sizeof(err)) ==
              -EINVAL);

        /* RTR flag does not change the id. */
        fill(0x123, CAN_MTU);
        frames[1].can_id = 0x123 | CAN_RTR_FLAG;
        CHECK(canring_bcm_check_frames(frames, mtus, 2, false, &id, &fd, err, sizeof(err)) == 0);

        /* Mixed classic and FD. */
        fill(0x123, CAN_MTU);
        mtus[1] = CANFD_MTU;
        CHECK(canring_bcm_check_frames(frames, mtus, 2, true, &id, &fd, err, sizeof(err)) ==
              -EINVAL);
        CHECK(strstr(err, "all CAN FD") != NULL);

        /* FD on a classic interface; accepted on an FD one. */
        fill(CAN_EFF_FLAG | 0x18DAF110, CANFD_MTU);
        CHECK(canring_bcm_check_frames(frames, mtus, 2, false, &id, &fd, err, sizeof(err)) ==
              -EOPNOTSUPP);
        CHECK(canring_bcm_check_frames(frames, mtus, 2, true, &id, &fd, err, sizeof(err)) == 0);
        CHECK(id == (CAN_EFF_FLAG | 0x18DAF110) && fd);

        /* Lengths: classic 9 bytes, FD 13 bytes; error frames. */
        fill(0x100, CAN_MTU);
        frames[0].len = 9;
        CHECK(canring_bcm_check_frames(frames, mtus, 1, true, &id, &fd, err, sizeof(err)) ==
              -EINVAL);
        fill(0x100, CANFD_MTU);
        frames[0].len = 13;
        CHECK(canring_bcm_check_frames(frames, mtus, 1, true, &id, &fd, err, sizeof(err)) ==
              -EINVAL);
        fill(CAN_ERR_FLAG | 0x4, CAN_MTU);
        CHECK(canring_bcm_check_frames(frames, mtus, 1, true, &id, &fd, err, sizeof(err)) ==
              -EINVAL);

        /* Timing. */
        struct canring_bcm_timing t = {.period_us = 10000};
        CHECK(canring_bcm_check_timing(&t, err, sizeof(err)) == 0);
        t.period_us = 0;
        CHECK(canring_bcm_check_timing(&t, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "period") != NULL);
        t = (struct canring_bcm_timing){.period_us = 1000, .count = 3, .duration_us = 1000000};
        CHECK(canring_bcm_check_timing(&t, err, sizeof(err)) == -EINVAL);
        t = (struct canring_bcm_timing){.period_us = 1000, .duration_us = 999};
        CHECK(canring_bcm_check_timing(&t, err, sizeof(err)) == -EINVAL);
        t = (struct canring_bcm_timing){.period_us = 1000, .duration_us = 5000};
        CHECK(canring_bcm_check_timing(&t, err, sizeof(err)) == 0);
        t = (struct canring_bcm_timing){.period_us = 401ull * 24 * 3600 * 1000000};
        CHECK(canring_bcm_check_timing(&t, err, sizeof(err)) == -EINVAL);

        return failures ? 1 : 0;
}
