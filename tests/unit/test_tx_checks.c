/* SPDX-License-Identifier: MIT */
/* Transmit-side checks that need no CAN: interface lookup errors and frame validation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canring/tx.h"

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
        struct canring_tx tx;
        struct canfd_frame f;
        char err[256];

        /* No such interface, not a CAN interface, a name too long: clear errors, fd stays -1. */
        CHECK(canring_tx_open(&tx, "nocan-xyz9", 0, err, sizeof(err)) == -ENODEV);
        CHECK(strstr(err, "nocan-xyz9") && strstr(err, "no such interface"));
        CHECK(tx.fd == -1);
        CHECK(canring_tx_open(&tx, "lo", 0, err, sizeof(err)) == -ENOTTY);
        CHECK(strstr(err, "lo is not a CAN interface") != NULL);
        CHECK(canring_tx_open(&tx, "a-name-longer-than-ifnamsiz", 0, err, sizeof(err)) ==
              -ENAMETOOLONG);
        CHECK(canring_tx_open(&tx, "", 0, err, sizeof(err)) == -EINVAL);
        canring_tx_close(&tx); /* harmless on a handle that never opened */

        memset(&f, 0, sizeof(f));
        f.can_id = 0x123;
        f.len = 8;
        CHECK(canring_tx_check_frame(&f, CAN_MTU, false, err, sizeof(err)) == 0);
        f.len = 9;
        CHECK(canring_tx_check_frame(&f, CAN_MTU, true, err, sizeof(err)) == -EINVAL);
        f.len = 64;
        CHECK(canring_tx_check_frame(&f, CANFD_MTU, true, err, sizeof(err)) == 0);
        CHECK(canring_tx_check_frame(&f, CANFD_MTU, false, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strstr(err, "classic") != NULL);
        f.len = 13;
        CHECK(canring_tx_check_frame(&f, CANFD_MTU, true, err, sizeof(err)) == -EINVAL);
        f.len = 12;
        CHECK(canring_tx_check_frame(&f, CANFD_MTU, true, err, sizeof(err)) == 0);
        CHECK(canring_tx_check_frame(&f, 20, true, err, sizeof(err)) == -EINVAL);

        /* canring_tx_send() refuses an FD frame on a classic socket before any system call. */
        tx = (struct canring_tx){.fd = -1, .fd_frames = false};
        CHECK(canring_tx_send(&tx, &f, CANFD_MTU, 0) == -EOPNOTSUPP);
        size_t sent = 99;
        size_t mtus[1] = {CANFD_MTU};
        CHECK(canring_tx_send_many(&tx, &f, mtus, 1, 0, &sent) == -EOPNOTSUPP && sent == 0);

        return failures ? 1 : 0;
}
