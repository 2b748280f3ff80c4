/* SPDX-License-Identifier: MIT */
/* CAN FD data length code <-> payload length (ISO 11898-1:2015, table 5). */
#include "canring/text.h"

static const uint8_t dlc_len[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};

uint8_t canring_can_dlc2len(uint8_t dlc)
{
        return dlc_len[dlc & 0x0f];
}

uint8_t canring_can_len2dlc(uint8_t len)
{
        uint8_t dlc = 0;

        if (len > 64)
                return 15;
        while (dlc_len[dlc] < len)
                dlc++;
        return dlc;
}
