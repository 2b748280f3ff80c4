/* SPDX-License-Identifier: MIT */
/*
 * pcap encoding: header bytes checked directly, then files written through the API and decoded
 * by tshark (ids, extended/RTR flags, lengths, FD/BRS/ESI, data, timestamps). The tshark part
 * exits 77 when tshark is not installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canring/pcap.h"
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

static const char *const frames[] = {
    "123#DEADBEEF",
    "12345678#1122",
    "00000001#",
    "7FF#R",
    "1FFFFFFF#R3",
    "000#",
    "123##1DEADBEEF",
    "456##2",
    "1ABCDEF0##3001122334455667788990011",
    "123#1122334455667788_C",
    "321##0" /* 64 bytes */
    "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
    "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",
};
#define NFRAMES (sizeof(frames) / sizeof(frames[0]))

static uint32_t get32(const uint8_t *p)
{
        uint32_t v;

        memcpy(&v, p, 4);
        return v;
}

static void test_bytes(void)
{
        uint8_t buf[CANRING_PCAP_RECORD_MAX];
        struct canfd_frame f;
        size_t mtu;
        int n;

        CHECK(canring_pcap_file_header(buf, 23, 0) == -ENOSPC, "short header buffer");
        CHECK(canring_pcap_file_header(buf, sizeof(buf), 0) == 24, "header length");
        CHECK(get32(buf) == 0xa1b2c3d4 && get32(buf + 20) == 227 && get32(buf + 16) == 72,
              "us header");
        CHECK(buf[4] == 2 && buf[6] == 4, "version 2.4");
        canring_pcap_file_header(buf, sizeof(buf), CANRING_PCAP_NS);
        CHECK(get32(buf) == 0xa1b23c4d, "ns magic");

        canring_frame_parse("12345678#AABB", &f, &mtu, NULL, 0);
        n = canring_pcap_record(buf, sizeof(buf), 0, 1600000000123456789ull, &f, mtu);
        CHECK(n == 16 + 16, "classic record length %d", n);
        CHECK(get32(buf) == 1600000000u && get32(buf + 4) == 123456 && get32(buf + 8) == 16 &&
                  get32(buf + 12) == 16,
              "us record header");
        /* Big-endian id with CAN_EFF_FLAG, then len, flags, res, len8_dlc, data, zero padding. */
        static const uint8_t want[16] = {0x92, 0x34, 0x56, 0x78, 2, 0, 0, 0, 0xaa, 0xbb};
        CHECK(memcmp(buf + 16, want, 16) == 0, "classic packet bytes");
        n = canring_pcap_record(buf, sizeof(buf), CANRING_PCAP_NS | CANRING_PCAP_COMPACT,
                                1600000000123456789ull, &f, mtu);
        CHECK(n == 16 + 10 && get32(buf + 4) == 123456789 && get32(buf + 8) == 10,
              "compact ns record");
        canring_frame_parse("123##3AA", &f, &mtu, NULL, 0);
        n = canring_pcap_record(buf, sizeof(buf), 0, 0, &f, mtu);
        CHECK(n == 16 + 72 && buf[16 + 5] == (0x04 | 0x01 | 0x02), "FD record: %d flags %02X", n,
              buf[21]);
        canring_frame_parse("123#1122334455667788_C", &f, &mtu, NULL, 0);
        canring_pcap_record(buf, sizeof(buf), 0, 0, &f, mtu);
        CHECK(buf[16 + 7] == 0xc && buf[16 + 5] == 0, "len8_dlc byte");
        CHECK(canring_pcap_record(buf, 16 + 15, 0, 0, &f, mtu) == -ENOSPC, "short record buffer");
        CHECK(canring_pcap_record(buf, sizeof(buf), 0, 0, &f, 17) == -EINVAL, "bad mtu");
        f.len = 9;
        CHECK(canring_pcap_record(buf, sizeof(buf), 0, 0, &f, CAN_MTU) == -EINVAL, "bad len");
}

/* Writes all frames to a file with FLAGS and compares tshark's decoding line by line. */
static void test_tshark(unsigned flags)
{
        char path[256], cmd[512], got[512], want[512], hex[160];
        uint8_t buf[CANRING_PCAP_RECORD_MAX];
        struct canfd_frame f;
        size_t mtu, i;
        FILE *fp, *p;
        int fd, n, j;

        snprintf(path, sizeof(path), "/tmp/canring-pcap-XXXXXX");
        fd = mkstemp(path);
        fp = fd < 0 ? NULL : fdopen(fd, "w");
        if (!fp) {
                CHECK(0, "temp file");
                return;
        }
        n = canring_pcap_file_header(buf, sizeof(buf), flags);
        fwrite(buf, 1, (size_t)n, fp);
        for (i = 0; i < NFRAMES; i++) {
                canring_frame_parse(frames[i], &f, &mtu, NULL, 0);
                n = canring_pcap_record(buf, sizeof(buf), flags,
                                        1600000000000000000ull + i * 1000001001ull, &f, mtu);
                CHECK(n > 0, "record %zu: %d", i, n);
                fwrite(buf, 1, (size_t)n, fp);
        }
        fclose(fp);

        snprintf(cmd, sizeof(cmd),
                 "tshark -r '%s' -T fields -E separator=, -e frame.time_epoch -e can.id "
                 "-e can.flags.xtd -e can.flags.rtr -e can.len -e canfd.flags.brs "
                 "-e canfd.flags.esi -e data 2>/dev/null",
                 path);
        p = popen(cmd, "r");
        for (i = 0; p && i < NFRAMES; i++) {
                uint64_t ts = 1600000000000000000ull + i * 1000001001ull;
                bool fd_frame, rtr;

                if (!fgets(got, sizeof(got), p)) {
                        CHECK(0, "tshark gave %zu lines", i);
                        break;
                }
                got[strcspn(got, "\n")] = '\0';
                canring_frame_parse(frames[i], &f, &mtu, NULL, 0);
                fd_frame = mtu == CANFD_MTU;
                rtr = f.can_id & CAN_RTR_FLAG;
                hex[0] = '\0';
                for (j = 0; j < f.len; j++) /* remote frames: zeros, as tshark shows */
                        sprintf(hex + 2 * j, "%02x", f.data[j]);
                if (flags & CANRING_PCAP_NS)
                        snprintf(want, sizeof(want), "%llu.%09llu",
                                 (unsigned long long)(ts / 1000000000u),
                                 (unsigned long long)(ts % 1000000000u));
                else
                        snprintf(want, sizeof(want), "%llu.%06llu000",
                                 (unsigned long long)(ts / 1000000000u),
                                 (unsigned long long)(ts % 1000000000u / 1000u));
                snprintf(want + strlen(want), sizeof(want) - strlen(want), ",%u,%d,%s,%u,%s,%s,%s",
                         f.can_id & CAN_EFF_MASK, !!(f.can_id & CAN_EFF_FLAG),
                         fd_frame ? ""
                         : rtr    ? "1"
                                  : "0",
                         f.len, fd_frame ? (f.flags & CANFD_BRS ? "1" : "0") : "",
                         fd_frame ? (f.flags & CANFD_ESI ? "1" : "0") : "", hex);
                CHECK(strcmp(got, want) == 0, "flags %u frame '%s':\n  got  '%s'\n  want '%s'",
                      flags, frames[i], got, want);
        }
        if (p)
                pclose(p);
        unlink(path);
}

int main(void)
{
        test_bytes();
        if (system("command -v tshark >/dev/null 2>&1") != 0) {
                printf("SKIP: tshark not installed (byte checks: %s)\n", failures ? "FAIL" : "ok");
                return failures ? 1 : 77;
        }
        test_tshark(0);
        test_tshark(CANRING_PCAP_NS);
        test_tshark(CANRING_PCAP_COMPACT);
        test_tshark(CANRING_PCAP_NS | CANRING_PCAP_COMPACT);
        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
