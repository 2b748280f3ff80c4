/* SPDX-License-Identifier: MIT */
/*
 * canring_frame_parse() on arbitrary text. Besides memory errors, checks that every accepted
 * frame is well-formed and that printing it gives text that parses back to the same frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canring/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char text[512], out[CANRING_FRAME_TEXT_MAX], err[128];
        char lng[CANRING_FRAME_LONG_MAX], etxt[CANRING_ERROR_TEXT_MAX];
        struct canfd_frame f, g;
        size_t mtu, mtu2;

        if (size >= sizeof(text))
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (canring_frame_parse(text, &f, &mtu, err, sizeof(err)) != 0) {
                if (err[0] == '\0') /* every rejection says why */
                        abort();
                return 0;
        }
        if (mtu != CAN_MTU && mtu != CANFD_MTU)
                abort();
        if (f.len > (mtu == CAN_MTU ? CAN_MAX_DLEN : CANFD_MAX_DLEN))
                abort();
        if (canring_frame_print(out, sizeof(out), &f, mtu, CANRING_PRINT_LEN8_DLC) >=
            (int)sizeof(out))
                abort();
        if (canring_frame_parse(out, &g, &mtu2, err, sizeof(err)) != 0 || mtu2 != mtu ||
            memcmp(&f, &g, sizeof(f)) != 0)
                abort();
        if (canring_frame_print_long(lng, sizeof(lng), &f, mtu, 0x1f) >= (int)sizeof(lng))
                abort();
        if (canring_error_frame_print(etxt, sizeof(etxt), &f, "\n\t") >= (int)sizeof(etxt))
                abort();
        return 0;
}
