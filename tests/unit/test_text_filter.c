/* SPDX-License-Identifier: MIT */
/*
 * candump channel/filter syntax, python-can filter conversion, and the user-space matcher
 * against the kernel's CAN_RAW filter semantics.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/can/error.h>

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

static struct canring_channel_spec spec;

static void test_parse_good(void)
{
        char err[160];
        int ret;

        ret =
            canring_channel_spec_parse("can1,123:7FF,400~700,#FFFFFFFF,j", &spec, err, sizeof(err));
        CHECK(ret == 0, "ret %d (%s)", ret, err);
        CHECK(strcmp(spec.ifname, "can1") == 0 && !spec.any, "ifname '%s'", spec.ifname);
        CHECK(spec.nfilters == 2, "nfilters %u", spec.nfilters);
        CHECK(spec.filters[0].can_id == 0x123 && spec.filters[0].can_mask == 0x7ff, "filter 0");
        CHECK(spec.filters[1].can_id == (0x400 | CAN_INV_FILTER) &&
                  spec.filters[1].can_mask == 0x700,
              "filter 1 %08X:%08X", spec.filters[1].can_id, spec.filters[1].can_mask);
        CHECK(spec.err_mask == 0xffffffff, "err_mask %08X", spec.err_mask);
        CHECK(spec.join, "join");

        /* candump: 8-digit ids are 29-bit filters; CAN_ERR_FLAG never stays in a mask. */
        ret = canring_channel_spec_parse("vcan2,12345678:DFFFFFFF,00000123~3FFFFFFF", &spec, err,
                                         sizeof(err));
        CHECK(ret == 0, "ret %d (%s)", ret, err);
        CHECK(spec.filters[0].can_id == (0x12345678 | CAN_EFF_FLAG) &&
                  spec.filters[0].can_mask == 0xDFFFFFFF,
              "eff filter %08X:%08X", spec.filters[0].can_id, spec.filters[0].can_mask);
        CHECK(spec.filters[1].can_id == (0x123 | CAN_EFF_FLAG | CAN_INV_FILTER) &&
                  spec.filters[1].can_mask == 0x1FFFFFFF,
              "inv eff filter %08X:%08X", spec.filters[1].can_id, spec.filters[1].can_mask);

        ret = canring_channel_spec_parse("any", &spec, err, sizeof(err));
        CHECK(ret == 0 && spec.any && spec.nfilters == 0 && !spec.join && spec.err_mask == 0,
              "any");
        ret = canring_channel_spec_parse("vcan0,123:C00007FF,J,#4", &spec, err, sizeof(err));
        CHECK(ret == 0 && spec.join && spec.err_mask == 4 && spec.nfilters == 1, "J");
        ret = canring_channel_spec_parse("can0,#1,#2", &spec, err, sizeof(err));
        CHECK(ret == 0 && spec.err_mask == 2 && spec.nfilters == 0, "last # wins");
        ret = canring_channel_spec_parse("abcdefghijklmno", &spec, err, sizeof(err));
        CHECK(ret == 0, "15-character name");

        ret = canring_filter_list_parse("1:0,2:0", &spec, err, sizeof(err));
        CHECK(ret == 0 && spec.nfilters == 2, "filter list");
        ret = canring_filter_list_parse("", &spec, err, sizeof(err));
        CHECK(ret == 0 && spec.nfilters == 0, "empty filter list");
}

static void test_parse_bad(void)
{
        static const struct {
                const char *text, *reason;
        } bads[] = {
            {"", "empty channel"},
            {",123:7FF", "missing interface name"},
            {"abcdefghijklmnop", "too long"},
            {"can 0", "invalid character"},
            {"can0,", "trailing ','"},
            {"can0,,123:7FF", "empty filter item"},
            {"can0,123:7FF,", "empty filter item"},
            {"can0,123", "expected <id>:<mask>"},
            {"can0,123=7FF", "expected <id>:<mask>"},
            {"can0,123:", "can_mask must have 1..8 hex digits"},
            {"can0,:7FF", "can_id must have 1..8 hex digits"},
            {"can0,123456789:7FF", "can_id must have 1..8"},
            {"can0,123:7FFFFFFFF", "can_mask must have 1..8"},
            {"can0,123:7FFx", "unexpected text after can_mask"},
            {"can0,0x123:7FF", "expected <id>:<mask>"},
            {"can0,-1:7FF", "can_id must have"},
            {"can0,#", "error mask must have"},
            {"can0,#FFx", "unexpected text after error mask"},
            {"can0,jj", "can_id must have"},
            {"can0,k", "can_id must have"},
        };
        char err[160];
        size_t i;

        for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
                int ret = canring_channel_spec_parse(bads[i].text, &spec, err, sizeof(err));

                CHECK(ret == -EINVAL, "'%s' accepted", bads[i].text);
                CHECK(strstr(err, bads[i].reason), "'%s': '%s', want '%s'", bads[i].text, err,
                      bads[i].reason);
        }
}

static void test_filter_count_bound(void)
{
        static char text[16 * (CANRING_FILTER_MAX + 2)];
        char err[160];
        size_t pos = 0;
        int i, ret;

        pos += (size_t)sprintf(text, "can0");
        for (i = 0; i < CANRING_FILTER_MAX; i++)
                pos += (size_t)sprintf(text + pos, ",%X:7FF", i & 0x7ff);
        ret = canring_channel_spec_parse(text, &spec, err, sizeof(err));
        CHECK(ret == 0 && spec.nfilters == CANRING_FILTER_MAX, "max filters: %d %s", ret, err);
        sprintf(text + pos, ",1:1");
        ret = canring_channel_spec_parse(text, &spec, err, sizeof(err));
        CHECK(ret == -EINVAL && strstr(err, "too many filters"), "one too many: %s", err);
}

static void test_python(void)
{
        struct can_filter f;

        f = canring_filter_from_python(0x123, 0x7ff, CANRING_PY_EXTENDED_ABSENT);
        CHECK(f.can_id == 0x123 && f.can_mask == 0x7ff, "absent");
        f = canring_filter_from_python(0x123, 0x7ff, CANRING_PY_EXTENDED_FALSE);
        CHECK(f.can_id == 0x123 && f.can_mask == (0x7ff | CAN_EFF_FLAG), "false");
        f = canring_filter_from_python(0x1234567, 0x1fffffff, CANRING_PY_EXTENDED_TRUE);
        CHECK(f.can_id == (0x1234567 | CAN_EFF_FLAG) && f.can_mask == (0x1fffffff | CAN_EFF_FLAG),
              "true");
        /* extended=False must not match the 29-bit frame with the same low bits. */
        f = canring_filter_from_python(0x123, 0x7ff, CANRING_PY_EXTENDED_FALSE);
        CHECK(canring_filter_match(&f, 1, false, 0, 0x123), "sff passes");
        CHECK(!canring_filter_match(&f, 1, false, 0, 0x123 | CAN_EFF_FLAG), "eff blocked");
}

/*
 * The kernel's own filter test matrix (LTP can_filter / kselftest test_raw_filter): frames with
 * id 0x123 as SFF, SFF+RTR, EFF, EFF+RTR; each filter case expects a bit set of deliveries
 * (bit 0 SFF, bit 4 SFF RTR, bit 8 EFF, bit 12 EFF RTR).
 */
static void test_kernel_matrix(void)
{
        static const int expect[18] = {4369, 4369, 4369, 4369, 17,  4352, 17,   4352, 257,
                                       257,  4112, 4112, 1,    256, 16,   4096, 1,    256};
        int tc, fr;

        for (tc = 0; tc < 18; tc++) {
                struct can_filter f;
                int got = 0;

                f.can_id = 0x123;
                if (tc & 1)
                        f.can_id |= CAN_EFF_FLAG;
                if (tc & 2)
                        f.can_id |= CAN_RTR_FLAG;
                if (tc > 15) {
                        f.can_mask = CAN_EFF_MASK | CAN_EFF_FLAG | CAN_RTR_FLAG;
                } else {
                        f.can_mask = CAN_SFF_MASK;
                        if (tc & 4)
                                f.can_mask |= CAN_EFF_FLAG;
                        if (tc & 8)
                                f.can_mask |= CAN_RTR_FLAG;
                }
                for (fr = 0; fr < 4; fr++) {
                        canid_t id = 0x123;

                        if (fr & 1)
                                id |= CAN_RTR_FLAG;
                        if (fr & 2)
                                id |= CAN_EFF_FLAG;
                        if (canring_filter_match(&f, 1, false, 0, id))
                                got |= 1 << (4 * fr); /* fr = RTR + 2 * EFF */
                }
                CHECK(got == expect[tc], "kernel case %d: got %d want %d", tc, got, expect[tc]);
        }
}

static void test_semantics(void)
{
        struct can_filter f[3];
        canid_t err_busoff = CAN_ERR_FLAG | CAN_ERR_BUSOFF;

        /* Inverted: everything but the id, and 0~0 matches nothing. */
        f[0] = (struct can_filter){0x123 | CAN_INV_FILTER, 0x7ff};
        CHECK(!canring_filter_match(f, 1, false, 0, 0x123), "inv hit");
        CHECK(canring_filter_match(f, 1, false, 0, 0x124), "inv miss");
        f[0] = (struct can_filter){CAN_INV_FILTER, 0};
        CHECK(!canring_filter_match(f, 1, false, 0, 0x124), "0~0");

        /* Error frames: only through the error mask, never through data filters. */
        f[0] = (struct can_filter){0, 0};
        CHECK(!canring_filter_match(f, 1, false, 0, err_busoff), "0:0 takes no error frames");
        CHECK(canring_filter_match(f, 1, false, CAN_ERR_BUSOFF, err_busoff), "err mask hit");
        CHECK(!canring_filter_match(f, 1, false, CAN_ERR_CRTL, err_busoff), "err mask miss");
        CHECK(!canring_filter_match(f, 0, false, 0, 0x100), "explicit empty list: nothing");
        CHECK(canring_filter_match(f, 0, false, CAN_ERR_MASK, err_busoff), "only errors");
        /* A filter with CAN_ERR_FLAG in its mask is an error-class filter. */
        f[0] = (struct can_filter){0, CAN_ERR_FLAG | CAN_ERR_BUSOFF};
        CHECK(canring_filter_match(f, 1, false, 0, err_busoff), "err-class filter");
        CHECK(!canring_filter_match(f, 1, false, 0, 0x000), "err-class filter vs data");

        /* Join: all filters must match; without join any one does. */
        f[0] = (struct can_filter){0x100, 0x700};
        f[1] = (struct can_filter){0x020, 0x0f0};
        CHECK(canring_filter_match(f, 2, false, 0, 0x1f0), "or");
        CHECK(!canring_filter_match(f, 2, true, 0, 0x1f0), "and: one of two");
        CHECK(canring_filter_match(f, 2, true, 0, 0x123), "and: both");
        f[2] = (struct can_filter){0x003, 0x00f};
        CHECK(!canring_filter_match(f, 3, true, 0, 0x124), "and: two of three");
        CHECK(canring_filter_match(f, 3, true, 0, 0x123), "and: three of three");
        /* Join with one filter behaves like no join. */
        CHECK(canring_filter_match(f, 1, true, 0, 0x1ff), "join, one filter");
        /* Join: an error frame hitting only the error registration is dropped with 2+ filters. */
        CHECK(!canring_filter_match(f, 2, true, CAN_ERR_BUSOFF, err_busoff), "join drops errors");

        /* candump's defaults: no filter = all data frames; "any,0~0,#FFFFFFFF" = only errors. */
        char err[64];
        CHECK(canring_channel_spec_parse("can0", &spec, err, sizeof(err)) == 0, "parse");
        CHECK(canring_channel_spec_match(&spec, 0x7ff) &&
                  canring_channel_spec_match(&spec, 0x1 | CAN_EFF_FLAG),
              "default passes data");
        CHECK(!canring_channel_spec_match(&spec, err_busoff), "default blocks errors");
        CHECK(canring_channel_spec_parse("any,0~0,#FFFFFFFF", &spec, err, sizeof(err)) == 0, "p");
        CHECK(!canring_channel_spec_match(&spec, 0x123) &&
                  canring_channel_spec_match(&spec, err_busoff),
              "errors only");
        CHECK(canring_channel_spec_parse("any,0:0,#FFFFFFFF", &spec, err, sizeof(err)) == 0, "p");
        CHECK(canring_channel_spec_match(&spec, 0x123) &&
                  canring_channel_spec_match(&spec, err_busoff),
              "both");
        /* candump's examples: 123:7FF takes EFF and RTR too; 123:C00007FF only SFF data. */
        CHECK(canring_channel_spec_parse("v,123:7FF", &spec, err, sizeof(err)) == 0, "p");
        CHECK(canring_channel_spec_match(&spec, 0x123 | CAN_EFF_FLAG) &&
                  canring_channel_spec_match(&spec, 0x123 | CAN_RTR_FLAG),
              "123:7FF");
        CHECK(canring_channel_spec_parse("v,123:C00007FF", &spec, err, sizeof(err)) == 0, "p");
        CHECK(canring_channel_spec_match(&spec, 0x123) &&
                  !canring_channel_spec_match(&spec, 0x123 | CAN_EFF_FLAG) &&
                  !canring_channel_spec_match(&spec, 0x123 | CAN_RTR_FLAG),
              "123:C00007FF");
        CHECK(canring_channel_spec_parse("v,12345678:DFFFFFFF", &spec, err, sizeof(err)) == 0, "p");
        CHECK(canring_channel_spec_match(&spec, 0x12345678 | CAN_EFF_FLAG) &&
                  !canring_channel_spec_match(&spec, 0x678) &&
                  !canring_channel_spec_match(&spec, 0x12345679 | CAN_EFF_FLAG),
              "12345678:DFFFFFFF");
}

int main(void)
{
        test_parse_good();
        test_parse_bad();
        test_filter_count_bound();
        test_python();
        test_kernel_matrix();
        test_semantics();
        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
