/* SPDX-License-Identifier: MIT */
/* canring_if_check_config(): what can be set where, with the messages users see. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canring/ifctl.h"

static int failures;
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);                    \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

int main(void)
{
        char err[256];
        struct canring_ifinfo vcan = {.name = "vcan0", .kind = "vcan", .up = true, .mtu = 72};
        struct canring_ifinfo can = {.name = "can0",
                                     .kind = "can",
                                     .has_bittiming = true,
                                     .mtu = 16,
                                     .state = CAN_STATE_STOPPED};
        struct canring_if_config cfg = {.set = CANRING_IF_SET_BITRATE, .bitrate = 250000};

        CHECK(canring_if_check_config(&vcan, &cfg, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strcmp(err, "vcan0 has no bit timing (virtual interface)") == 0);
        struct canring_if_config rms = {.set = CANRING_IF_SET_RESTART_MS, .restart_ms = 100};
        CHECK(canring_if_check_config(&vcan, &rms, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strstr(err, "restart-ms") != NULL);

        CHECK(canring_if_check_config(&can, &cfg, err, sizeof(err)) == 0);
        cfg.set |= CANRING_IF_SET_RESTART_MS | CANRING_IF_SET_SAMPLE_POINT;
        cfg.restart_ms = 100;
        cfg.sample_point = 875;
        CHECK(canring_if_check_config(&can, &cfg, err, sizeof(err)) == 0);

        can.up = true;
        CHECK(canring_if_check_config(&can, &cfg, err, sizeof(err)) == -EBUSY);
        CHECK(strstr(err, "can0 is up") != NULL);
        CHECK(canring_if_check_config(&can, &rms, err, sizeof(err)) == -EBUSY);
        can.up = false;

        struct canring_if_config bad = {.set = CANRING_IF_SET_SAMPLE_POINT, .sample_point = 875};
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL);
        bad =
            (struct canring_if_config){.set = CANRING_IF_SET_BITRATE | CANRING_IF_SET_SAMPLE_POINT,
                                       .bitrate = 500000,
                                       .sample_point = 1000};
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL);
        bad = (struct canring_if_config){.set = CANRING_IF_SET_BITRATE, .bitrate = 0};
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL);
        bad = (struct canring_if_config){.set = CANRING_IF_SET_DBITRATE, .dbitrate = 2000000};
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL); /* no bitrate */
        can.bitrate = 500000;
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == 0);
        bad = (struct canring_if_config){.set = CANRING_IF_SET_DSAMPLE_POINT, .dsample_point = 700};
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL);
        bad = (struct canring_if_config){0};
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL);
        bad.set = 1u << 20;
        CHECK(canring_if_check_config(&can, &bad, err, sizeof(err)) == -EINVAL);

        CHECK(strcmp(canring_if_state_name(CAN_STATE_BUS_OFF), "BUS-OFF") == 0);
        CHECK(strcmp(canring_if_state_name(-1), "unknown") == 0);
        return failures ? 1 : 0;
}
