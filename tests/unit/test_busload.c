/* SPDX-License-Identifier: MIT */
/*
 * Frame bit lengths. Exact classic values were computed independently of this code (bit string
 * written out by hand per ISO 11898-1, CRC-15 by GF(2) polynomial division, checked against the
 * CRC-15/CAN check value 0x059E for "123456789", stuffing by counting runs); formula modes by
 * hand from the field widths.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canring/busload.h"
#include "canring/text.h"

static int failures;

static void expect(const char *text, enum canring_bits_mode mode, uint32_t nominal, uint32_t data)
{
        struct canring_frame_bits bits;
        struct canfd_frame f;
        char err[128];
        size_t mtu;
        int ret;

        if (canring_frame_parse(text, &f, &mtu, err, sizeof(err))) {
                printf("FAIL: parse '%s': %s\n", text, err);
                failures++;
                return;
        }
        ret = canring_frame_bits(&f, mtu, mode, &bits);
        if (ret || bits.nominal != nominal || bits.data != data) {
                printf("FAIL '%s' mode %d: ret %d bits %u+%u, want %u+%u\n", text, mode, ret,
                       bits.nominal, bits.data, nominal, data);
                failures++;
        }
}

int main(void)
{
        struct canring_frame_bits bits;
        struct canfd_frame f;
        size_t mtu, n;
        char text[64];

        /* Exact, classic. 000#: 34 dominant bits from SOF to CRC end -> 6 stuff bits. */
        expect("000#", CANRING_BITS_EXACT, 53, 0);
        expect("123#DEADBEEF", CANRING_BITS_EXACT, 81, 0);
        expect("7FF#FFFFFFFFFFFFFFFF", CANRING_BITS_EXACT, 126, 0);
        expect("12345678#1122", CANRING_BITS_EXACT, 84, 0);
        expect("00000000#0000000000000000", CANRING_BITS_EXACT, 150, 0);
        /* Remote frames carry a DLC but no data field (canframelen counts the data; we do not). */
        expect("123#R4", CANRING_BITS_EXACT, 47, 0);

        /* No stuffing: 47 + 8n standard, 67 + 8n extended; remote frames 47 / 67. */
        expect("123#", CANRING_BITS_NO_STUFFING, 47, 0);
        expect("123#1122334455667788", CANRING_BITS_NO_STUFFING, 111, 0);
        expect("12345678#1122334455667788", CANRING_BITS_NO_STUFFING, 131, 0);
        expect("123#R8", CANRING_BITS_NO_STUFFING, 47, 0);
        /* len8_dlc changes the DLC bits, not the length. */
        expect("123#1122334455667788_F", CANRING_BITS_NO_STUFFING, 111, 0);

        /* Worst: floor((stuffable - 1) / 4) more; stuffable = 34 + 8n (std), 54 + 8n (ext). */
        expect("123#", CANRING_BITS_WORST, 47 + 8, 0);
        expect("123#1122334455667788", CANRING_BITS_WORST, 111 + 24, 0);
        expect("12345678#1122334455667788", CANRING_BITS_WORST, 131 + 29, 0);

        /* canbusload's estimate: (269 + 48n) / 5 and (389 + 48n) / 5. */
        expect("123#1122334455667788", CANRING_BITS_CANFRAMELEN_WORST, 130, 0);
        expect("12345678#", CANRING_BITS_CANFRAMELEN_WORST, 77, 0);
        expect("123#R8", CANRING_BITS_CANFRAMELEN_WORST, 130, 0);

        /*
         * CAN FD. Without stuffing, base format: 22 header bits (SOF, 11 id, RRS, IDE, FDF, res,
         * BRS, ESI, 4 DLC), data, CRC field 27 (<= 16 bytes) or 32, tail 13. With BRS the nominal
         * part is SOF..BRS (17, extended 36) plus the tail.
         */
        expect("123##0", CANRING_BITS_NO_STUFFING, 22 + 27 + 13, 0);
        expect("123##0" /* 64 bytes */
               "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
               "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",
               CANRING_BITS_NO_STUFFING, 22 + 512 + 32 + 13, 0);
        expect("123##1" /* 64 bytes */
               "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
               "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",
               CANRING_BITS_NO_STUFFING, 17 + 13, 5 + 512 + 32);
        expect("12345678##1", CANRING_BITS_NO_STUFFING, 36 + 13, 5 + 27);
        /* Exact FD (dynamic stuffing up to the data end, the last position covered by the FSB). */
        expect("123##1DEADBEEF", CANRING_BITS_EXACT, 30, 65);
        expect("123##0DEADBEEF", CANRING_BITS_EXACT, 95, 0);
        expect("12345678##3FFFFFFFFFFFFFFFFFFFFFFFF", CANRING_BITS_EXACT, 49, 147);

        /* Invariant over many frames: no stuffing <= exact <= worst. */
        for (n = 0; n < 2048; n++) {
                struct canring_frame_bits lo, ex, hi;
                unsigned i, len = n % 9;

                snprintf(text, sizeof(text), n & 1 ? "%08zX#" : "%03zX#",
                         n & 1 ? (n * 2654435761u) & CAN_EFF_MASK : (n * 40503u) & 0x7ff);
                for (i = 0; i < len; i++)
                        snprintf(text + strlen(text), 3, "%02X",
                                 (unsigned)((n * 31 + i * 7) & 0xff));
                if (canring_frame_parse(text, &f, &mtu, NULL, 0) ||
                    canring_frame_bits(&f, mtu, CANRING_BITS_NO_STUFFING, &lo) ||
                    canring_frame_bits(&f, mtu, CANRING_BITS_EXACT, &ex) ||
                    canring_frame_bits(&f, mtu, CANRING_BITS_WORST, &hi) ||
                    lo.nominal > ex.nominal || ex.nominal > hi.nominal) {
                        printf("FAIL: ordering for '%s': %u %u %u\n", text, lo.nominal, ex.nominal,
                               hi.nominal);
                        failures++;
                        break;
                }
        }

        /* Rejected: error frames, bad MTU, impossible lengths. */
        canring_frame_parse("20000004#0004000000000000", &f, &mtu, NULL, 0);
        if (canring_frame_bits(&f, mtu, CANRING_BITS_EXACT, &bits) != -EINVAL)
                failures++, printf("FAIL: error frame accepted\n");
        canring_frame_parse("123#11", &f, &mtu, NULL, 0);
        if (canring_frame_bits(&f, 17, CANRING_BITS_EXACT, &bits) != -EINVAL)
                failures++, printf("FAIL: bad mtu accepted\n");
        f.len = 9;
        if (canring_frame_bits(&f, CAN_MTU, CANRING_BITS_EXACT, &bits) != -EINVAL)
                failures++, printf("FAIL: classic len 9 accepted\n");
        if (canring_frame_bits(&f, CANFD_MTU, CANRING_BITS_EXACT, &bits) != -EINVAL)
                failures++, printf("FAIL: FD len 9 accepted\n");

        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
