/* SPDX-License-Identifier: MIT */
/* cansend frame syntax: every accepted form, every malformed class, and print/parse round trips. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canring/text.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
                        printf(__VA_ARGS__);                                                       \
                        printf("\n");                                                              \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

struct good {
        const char *text;
        canid_t id;
        size_t mtu;
        uint8_t len;
        uint8_t flags;    /* FD flags */
        uint8_t len8_dlc; /* classic */
        const char *data; /* hex of the payload */
};

static const struct good goods[] = {
    {"123#DEADBEEF", 0x123, CAN_MTU, 4, 0, 0, "DEADBEEF"},
    {"123#deadbeef", 0x123, CAN_MTU, 4, 0, 0, "DEADBEEF"},
    {"5A1#11.2233.44556677.88", 0x5a1, CAN_MTU, 8, 0, 0, "1122334455667788"},
    {"5AA#", 0x5aa, CAN_MTU, 0, 0, 0, ""},
    {"7FF#.11.22.", 0x7ff, CAN_MTU, 2, 0, 0, "1122"},
    {"000#00", 0, CAN_MTU, 1, 0, 0, "00"},
    {"12345678#11", 0x12345678 | CAN_EFF_FLAG, CAN_MTU, 1, 0, 0, "11"},
    {"1F334455#1122334455667788", 0x1f334455 | CAN_EFF_FLAG, CAN_MTU, 8, 0, 0, "1122334455667788"},
    {"00000123#", 0x123 | CAN_EFF_FLAG, CAN_MTU, 0, 0, 0, ""},
    {"123#R", 0x123 | CAN_RTR_FLAG, CAN_MTU, 0, 0, 0, ""},
    {"123#r", 0x123 | CAN_RTR_FLAG, CAN_MTU, 0, 0, 0, ""},
    {"123#R5", 0x123 | CAN_RTR_FLAG, CAN_MTU, 5, 0, 0, ""},
    {"00000123#R3", 0x123 | CAN_RTR_FLAG | CAN_EFF_FLAG, CAN_MTU, 3, 0, 0, ""},
    {"123#R8_F", 0x123 | CAN_RTR_FLAG, CAN_MTU, 8, 0, 15, ""},
    {"123#1122334455667788_E", 0x123, CAN_MTU, 8, 0, 14, "1122334455667788"},
    {"123#11.22.33.44.55.66.77.88_9", 0x123, CAN_MTU, 8, 0, 9, "1122334455667788"},
    {"123##1", 0x123, CANFD_MTU, 0, 1, 0, ""},
    {"123##1DEADBEEF", 0x123, CANFD_MTU, 4, CANFD_BRS, 0, "DEADBEEF"},
    {"213##311223344", 0x213, CANFD_MTU, 4, CANFD_BRS | CANFD_ESI, 0, "11223344"},
    {"123##0.11.22", 0x123, CANFD_MTU, 2, 0, 0, "1122"},
    {"123##0001122334455667788990011", 0x123, CANFD_MTU, 12, 0, 0, "001122334455667788990011"},
    {"20000080#0000000000000000", 0x20000080, CAN_MTU, 8, 0, 0, "0000000000000000"},
};

struct bad {
        const char *text;
        const char *reason; /* substring of the error text */
};

static const struct bad bads[] = {
    {"", "empty"},
    {"123", "missing '#'"},
    {"12#11", "3 (standard) or 8 (extended)"},
    {"1234#11", "3 (standard) or 8 (extended)"},
    {"123456789#11", "3 (standard) or 8 (extended)"},
    {"G23#11", "invalid character 'G' in CAN id"},
    {" 123#11", "invalid character ' '"},
    {"800#11", "too large"},
    {"FFF#", "too large"},
    {"80000000#", "too large"},
    {"40000123#", "too large"},
    {"123#123", "odd number of hex digits"},
    {"123#1", "odd number of hex digits"},
    {"123#11.2", "odd number of hex digits"},
    {"123#1G", "invalid character 'G' in data"},
    {"123#XY", "invalid character 'X' in data"},
    {"123#11..22", "invalid character '.' in data"},
    {"123#112233445566778899", "too many data bytes"},
    {"123##0" /* 65 bytes */
     "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
     "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00",
     "too many data bytes"},
    {"123##0112233445566778899", "not a valid FD length"},
    {"123##", "flags hex digit"},
    {"123##G11", "flags hex digit"},
    {"123#R9", "out of range 0..8"},
    {"123#RX", "out of range 0..8"},
    {"123#R5x", "unexpected text"},
    {"123#R5_9", "needs 8 data bytes"},
    {"123#1122_9", "needs 8 data bytes"},
    {"123#1122334455667788_8", "out of range 9..F"},
    {"123#1122334455667788_", "expected a hex digit"},
    {"123#1122334455667788_9x", "unexpected text"},
    {"123##01122334455667788_9", "classic frames only"},
    {"20000080#R", "error frame cannot be a remote frame"},
    {"123#11 ", "invalid character ' ' in data"},
    {"123#11\n", "invalid character"},
};

static void hex(const uint8_t *p, size_t n, char *out)
{
        size_t i;

        for (i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02X", p[i]);
        out[2 * n] = '\0';
}

int main(void)
{
        struct canfd_frame f, g;
        char err[128], buf[CANRING_FRAME_TEXT_MAX], data[2 * CANFD_MAX_DLEN + 1];
        size_t mtu, mtu2, i;
        int ret;

        for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
                const struct good *t = &goods[i];

                ret = canring_frame_parse(t->text, &f, &mtu, err, sizeof(err));
                CHECK(ret == 0, "'%s': ret %d (%s)", t->text, ret, err);
                if (ret)
                        continue;
                hex(f.data, (f.can_id & CAN_RTR_FLAG) ? 0 : f.len, data); /* remote: no payload */
                CHECK(f.can_id == t->id, "'%s': id %08X", t->text, f.can_id);
                CHECK(mtu == t->mtu, "'%s': mtu %zu", t->text, mtu);
                CHECK(f.len == t->len, "'%s': len %u", t->text, f.len);
                CHECK(strcmp(data, t->data) == 0, "'%s': data %s", t->text, data);
                if (mtu == CANFD_MTU)
                        CHECK(f.flags == t->flags, "'%s': flags %u", t->text, f.flags);
                else
                        CHECK(((struct can_frame *)&f)->len8_dlc == t->len8_dlc,
                              "'%s': len8_dlc %u", t->text, ((struct can_frame *)&f)->len8_dlc);

                /* The compact printer's output parses back to the same frame, with or without '.'.
                 */
                canring_frame_print(buf, sizeof(buf), &f, mtu, CANRING_PRINT_LEN8_DLC);
                ret = canring_frame_parse(buf, &g, &mtu2, err, sizeof(err));
                CHECK(ret == 0 && mtu2 == mtu && memcmp(&f, &g, sizeof(f)) == 0,
                      "'%s' -> '%s' does not round-trip", t->text, buf);
                canring_frame_print(buf, sizeof(buf), &f, mtu,
                                    CANRING_PRINT_SEP | CANRING_PRINT_LEN8_DLC);
                ret = canring_frame_parse(buf, &g, &mtu2, err, sizeof(err));
                CHECK(ret == 0 && mtu2 == mtu && memcmp(&f, &g, sizeof(f)) == 0,
                      "'%s' -> '%s' does not round-trip", t->text, buf);
        }

        for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
                const struct bad *t = &bads[i];

                err[0] = '\0';
                ret = canring_frame_parse(t->text, &f, &mtu, err, sizeof(err));
                CHECK(ret == -EINVAL, "'%s': accepted (ret %d)", t->text, ret);
                CHECK(strstr(err, t->reason) != NULL, "'%s': reason '%s', want '%s'", t->text, err,
                      t->reason);
        }

        /* NULL and tiny error buffers are allowed. */
        CHECK(canring_frame_parse("123#1", &f, &mtu, NULL, 0) == -EINVAL, "NULL err");
        CHECK(canring_frame_parse("123#1", &f, &mtu, err, 4) == -EINVAL && strlen(err) == 3,
              "short err buffer");
        CHECK(canring_frame_parse(NULL, &f, &mtu, err, sizeof(err)) == -EINVAL, "NULL text");

        /* DLC helpers. */
        CHECK(canring_can_dlc2len(9) == 12 && canring_can_dlc2len(15) == 64, "dlc2len");
        CHECK(canring_can_len2dlc(9) == 9 && canring_can_len2dlc(13) == 10 &&
                  canring_can_len2dlc(64) == 15 && canring_can_len2dlc(200) == 15,
              "len2dlc");

        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
