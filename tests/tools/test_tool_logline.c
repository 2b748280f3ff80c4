/* SPDX-License-Identifier: MIT */
/*
 * The logger's hand-written log line formatter gives exactly the bytes of the library's
 * canring_log_line_print() (width 0, len8_dlc suffix), for every frame shape: standard,
 * extended, error, remote with and without length, raw DLC 9..15, CAN FD of every length and
 * flag nibble, both directions and none, us and ns timestamps, out-of-range lengths.
 */
#include "tool_logline.h"
#include "tools_test.h"

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
        rnd_state ^= rnd_state << 13;
        rnd_state ^= rnd_state >> 7;
        rnd_state ^= rnd_state << 17;
        return rnd_state;
}

int main(void)
{
        static const uint8_t fd_lens[] = {0, 1, 5, 8, 12, 16, 20, 24, 32, 48, 64, 70};
        static const char *const ifnames[] = {"can0", "vcan15", "x", "abcdefghijklmno"};
        char want[CANRING_LOG_LINE_MAX], got[CANRING_LOG_LINE_MAX];
        unsigned checked = 0;

        for (int i = 0; i < 200000; i++) {
                struct canfd_frame f;
                uint64_t r = rnd();
                size_t mtu = r & 1 ? CANFD_MTU : CAN_MTU;
                enum canring_dir dir = (r >> 1) % 3 == 0   ? CANRING_DIR_NONE
                                       : (r >> 1) % 3 == 1 ? CANRING_DIR_RX
                                                           : CANRING_DIR_TX;
                bool ns = r >> 3 & 1;
                uint64_t ts = rnd() % 4000000000000000000ull;
                const char *ifname = ifnames[(r >> 4) % 4];

                memset(&f, 0, sizeof(f));
                f.can_id = (canid_t)rnd();
                switch ((r >> 8) % 4) { /* favour the common shapes */
                case 0:
                        f.can_id &= CAN_SFF_MASK;
                        break;
                case 1:
                        f.can_id = (f.can_id & CAN_EFF_MASK) | CAN_EFF_FLAG;
                        break;
                default:
                        break; /* any flag combination */
                }
                if (mtu == CANFD_MTU) {
                        f.len = fd_lens[(r >> 12) % sizeof(fd_lens)];
                        f.flags = (uint8_t)(r >> 20);
                } else {
                        f.len = (uint8_t)((r >> 12) % 11);    /* 9, 10: out of range */
                        f.__res1 = (uint8_t)((r >> 20) % 17); /* len8_dlc */
                }
                for (int b = 0; b < 64; b++)
                        f.data[b] = (uint8_t)rnd();
                int n1 = canring_log_line_print(want, sizeof(want), ts, ifname, 0, &f, mtu, dir,
                                                CANRING_PRINT_LEN8_DLC | (ns ? CANRING_LOG_NS : 0));
                int n2 = tool_log_line(got, ts, ifname, &f, mtu, dir, ns);
                CHECK(n1 > 0 && n1 < (int)sizeof(want));
                CHECK(n2 >= 0 && n2 < (int)sizeof(got));
                got[n2] = '\0';
                CHECK_STR(got, want);
                checked++;
        }
        CHECK_EQ(checked, 200000);
        /* A name longer than an interface name is refused rather than overflowing. */
        struct canfd_frame f;
        memset(&f, 0, sizeof(f));
        CHECK_EQ(tool_log_line(got, 0, "abcdefghijklmnopq", &f, CAN_MTU, CANRING_DIR_RX, false),
                 -1);
        return 0;
}
