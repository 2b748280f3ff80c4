/* SPDX-License-Identifier: MIT */
/*
 * On-wire length of CAN frames in bits, for bus load figures (canring stat, like canbusload).
 * A frame's bits are split by the rate they travel at: the nominal (arbitration) bit rate, and
 * for CAN FD frames with BRS the data bit rate. Bus load over an interval is then
 * sum(nominal) / nominal_bitrate + sum(data) / data_bitrate, divided by the interval.
 *
 * Counted: SOF through EOF plus the 3-bit intermission (IFS), as can-utils canframelen.c does;
 * docs/formats.md has the field-by-field layout and where canring departs from canframelen.
 */
#ifndef CANRING_BUSLOAD_H
#define CANRING_BUSLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <linux/can.h>

#ifdef __cplusplus
extern "C" {
#endif

enum canring_bits_mode {
        /* The frame's real stuff bits, computed from its id, data and CRC (canframelen CFL_EXACT).
         */
        CANRING_BITS_EXACT = 0,
        /* No stuff bits at all: the least a frame of this shape can take (CFL_NO_BITSTUFFING). */
        CANRING_BITS_NO_STUFFING,
        /* The most stuff bits any frame of this shape can need: one after the first 5 stuffable
         * bits and one per 4 after that (classic); FD adds its worst dynamic stuffing. */
        CANRING_BITS_WORST,
        /* canbusload's default estimate, one stuff bit per 5 stuffable bits (CFL_WORSTCASE);
         * classic frames only, FD frames get CANRING_BITS_WORST. */
        CANRING_BITS_CANFRAMELEN_WORST,
};

struct canring_frame_bits {
        uint32_t nominal; /* bits sent at the nominal bit rate */
        uint32_t data;    /* bits sent at the data bit rate (CAN FD with CANFD_BRS), else 0 */
};

/*
 * Bits FRAME (MTU CAN_MTU or CANFD_MTU) occupies on the bus. Returns 0, or -EINVAL for a bad
 * MTU, a length the frame type cannot have, or an error frame (error frames are not frames on
 * the wire: the controller reports them).
 */
int canring_frame_bits(const struct canfd_frame *frame, size_t mtu, enum canring_bits_mode mode,
                       struct canring_frame_bits *bits);

#ifdef __cplusplus
}
#endif

#endif
