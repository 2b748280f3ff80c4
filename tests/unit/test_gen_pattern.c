/* SPDX-License-Identifier: MIT */
/*
 * `canring gen`'s frame patterns (tools/gen_pattern.c): -I i -D i is cangen's sequence (the one
 * tests/integration/canring_check.c verifies), -L i walks cangen's length codes, fixed values
 * and 'x' nibbles, random values stay inside the id width and the frame kind, mix produces every
 * kind, seeds reproduce, and bad mode arguments and contradicting options are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../tools/gen_pattern.c"

static int failures;

#define CHECK(cond, ...)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                            \
                        fprintf(stderr, __VA_ARGS__);                                              \
                        fprintf(stderr, "\n");                                                     \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static struct gen_config config(const char *id, const char *len, const char *data)
{
        struct gen_config cfg = {.seed = 42};
        char err[256];
        if (id && gen_mode_parse(&cfg, 'I', id, err, sizeof(err)) < 0)
                CHECK(0, "-I %s: %s", id, err);
        if (len && gen_mode_parse(&cfg, 'L', len, err, sizeof(err)) < 0)
                CHECK(0, "-L %s: %s", len, err);
        if (data && gen_mode_parse(&cfg, 'D', data, err, sizeof(err)) < 0)
                CHECK(0, "-D %s: %s", data, err);
        return cfg;
}

static void start(struct gen_state *st, struct gen_config *cfg)
{
        char err[256];
        if (gen_config_check(cfg, err, sizeof(err)) < 0)
                CHECK(0, "config refused: %s", err);
        gen_init(st, cfg);
}

static uint64_t counter_of(const struct canfd_frame *f)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < f->len && i < 8; i++)
                v |= (uint64_t)f->data[i] << (8 * i);
        return v;
}

static bool tail_zero(const struct canfd_frame *f)
{
        for (unsigned i = f->len; i < CANFD_MAX_DLEN; i++)
                if (f->data[i])
                        return false;
        return true;
}

/* cangen -I i -D i -L 8: id k mod 2^11, data = k little-endian, for 5000 frames (wraps twice). */
static void test_increment_sff(void)
{
        struct gen_config cfg = config("i", "8", "i");
        struct gen_state st;
        start(&st, &cfg);
        for (uint64_t k = 0; k < 5000; k++) {
                struct canfd_frame f;
                size_t mtu;
                gen_next(&st, &f, &mtu);
                CHECK(mtu == CAN_MTU && f.can_id == (k & CAN_SFF_MASK) && f.len == 8 &&
                          counter_of(&f) == k && f.flags == 0 && f.__res0 == 0 && f.__res1 == 0,
                      "frame %llu: id %x len %u counter %llu mtu %zu", (unsigned long long)k,
                      f.can_id, f.len, (unsigned long long)counter_of(&f), mtu);
        }
}

/* -e: the id carries CAN_EFF_FLAG and wraps at 29 bits. */
static void test_increment_eff_wrap(void)
{
        struct gen_config cfg = config("i", "4", "i");
        cfg.extended = true;
        struct gen_state st;
        start(&st, &cfg);
        st.id = CAN_EFF_MASK - 1;
        st.counter = 0xFFFFFFFEull;
        canid_t want[] = {CAN_EFF_MASK - 1, CAN_EFF_MASK, 0, 1};
        for (unsigned k = 0; k < 4; k++) {
                struct canfd_frame f;
                size_t mtu;
                gen_next(&st, &f, &mtu);
                CHECK(f.can_id == (want[k] | CAN_EFF_FLAG), "eff frame %u: id %x", k, f.can_id);
                /* 4 bytes of the counter: wraps with them, as canring-check expects */
                CHECK(counter_of(&f) == ((0xFFFFFFFEull + k) & 0xFFFFFFFFull) && tail_zero(&f),
                      "eff frame %u: counter %llx", k, (unsigned long long)counter_of(&f));
        }
}

/* -L 0 -D i: the counter needs a byte, so the length becomes 1 (cangen). */
static void test_increment_len0(void)
{
        struct gen_config cfg = config("i", "0", "i");
        struct gen_state st;
        start(&st, &cfg);
        for (unsigned k = 0; k < 300; k++) {
                struct canfd_frame f;
                size_t mtu;
                gen_next(&st, &f, &mtu);
                CHECK(f.len == 1 && f.data[0] == (uint8_t)k && tail_zero(&f), "len0 frame %u", k);
        }
}

/* -L i: cangen's length walk, classic (0..8) and FD (DLC 0..15); 0 becomes 1 with -D i. */
static void test_increment_len(void)
{
        static const uint8_t classic[] = {1, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 2};
        static const uint8_t classic_r[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2};
        static const uint8_t fd[] = {1, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64, 1, 1};
        struct gen_state st;
        struct canfd_frame f;
        size_t mtu;

        struct gen_config cfg = config("i", "i", "i");
        start(&st, &cfg);
        for (unsigned k = 0; k < sizeof(classic); k++) {
                gen_next(&st, &f, &mtu);
                CHECK(f.len == classic[k] &&
                          counter_of(&f) == (f.len >= 8 ? k : k & ((1ull << (8 * f.len)) - 1)),
                      "classic -L i frame %u: len %u", k, f.len);
        }
        cfg = config("i", "i", "r");
        start(&st, &cfg);
        for (unsigned k = 0; k < sizeof(classic_r); k++) {
                gen_next(&st, &f, &mtu);
                CHECK(f.len == classic_r[k] && tail_zero(&f), "classic -L i -D r frame %u: len %u",
                      k, f.len);
        }
        cfg = config("i", "i", "i");
        cfg.fd = true;
        start(&st, &cfg);
        for (unsigned k = 0; k < sizeof(fd); k++) {
                gen_next(&st, &f, &mtu);
                CHECK(mtu == CANFD_MTU && f.len == fd[k] && tail_zero(&f),
                      "fd -L i frame %u: len %u", k, f.len);
                for (unsigned i = 8; i < f.len; i++)
                        CHECK(f.data[i] == 0, "fd frame %u: byte %u past the counter", k, i);
        }
        /* -8: classic lengths run up to the raw DLC 15 on 8-byte frames */
        cfg = config("i", "i", "r");
        cfg.len8_dlc = true;
        start(&st, &cfg);
        for (unsigned k = 0; k < 17; k++) {
                gen_next(&st, &f, &mtu);
                unsigned want = k % 16;
                CHECK(mtu == CAN_MTU && f.len == (want > 8 ? 8 : want) &&
                          f.__res1 == (want > 8 ? want : 0),
                      "-8 -L i frame %u: len %u len8_dlc %u", k, f.len, f.__res1);
        }
}

/* Fixed id, length and data; 'x' nibbles random, the rest fixed; FD lengths round up. */
static void test_fixed(void)
{
        struct gen_state st;
        struct canfd_frame f;
        size_t mtu;
        bool low_varied = false;

        struct gen_config cfg = config("42A", "3", "11x2334455");
        start(&st, &cfg);
        uint8_t first = 0;
        for (unsigned k = 0; k < 64; k++) {
                gen_next(&st, &f, &mtu);
                CHECK(f.can_id == 0x42A && f.len == 3 && f.data[0] == 0x11 &&
                          (f.data[1] & 0x0F) == 0x02 && f.data[2] == 0x33 && tail_zero(&f),
                      "fixed frame %u: %x [%u] %02x %02x %02x", k, f.can_id, f.len, f.data[0],
                      f.data[1], f.data[2]);
                if (k == 0)
                        first = f.data[1];
                else if (f.data[1] != first)
                        low_varied = true;
        }
        CHECK(low_varied, "the 'x' nibble never changed in 64 frames");

        cfg = config("1ABCDEF0", "9", "DEADBEEF");
        cfg.extended = true;
        cfg.fd = true;
        cfg.brs = true;
        start(&st, &cfg);
        gen_next(&st, &f, &mtu);
        CHECK(mtu == CANFD_MTU && f.can_id == (0x1ABCDEF0 | CAN_EFF_FLAG) && f.len == 12 &&
                  f.flags == CANFD_BRS && f.data[0] == 0xDE && f.data[3] == 0xEF &&
                  f.data[4] == 0 && tail_zero(&f),
              "fixed FD frame: %x len %u flags %x", f.can_id, f.len, f.flags);

        cfg = config("123", "9", NULL);
        cfg.len8_dlc = true;
        start(&st, &cfg);
        gen_next(&st, &f, &mtu);
        CHECK(f.len == 8 && f.__res1 == 9, "-L 9 -8: len %u len8_dlc %u", f.len, f.__res1);
}

/* Random ids stay in the width, lengths are valid for the kind, RTR frames carry no data. */
static void test_random(void)
{
        struct gen_state st;
        struct canfd_frame f;
        size_t mtu;
        bool big_id = false;

        struct gen_config cfg = config(NULL, NULL, NULL);
        start(&st, &cfg);
        for (unsigned k = 0; k < 2000; k++) {
                gen_next(&st, &f, &mtu);
                CHECK(mtu == CAN_MTU && !(f.can_id & ~CAN_SFF_MASK) && f.len <= 8 &&
                          f.__res1 == 0 && tail_zero(&f),
                      "random classic frame %u: %x len %u", k, f.can_id, f.len);
        }
        cfg.extended = true;
        cfg.fd = true;
        start(&st, &cfg);
        for (unsigned k = 0; k < 2000; k++) {
                gen_next(&st, &f, &mtu);
                CHECK(mtu == CANFD_MTU && (f.can_id & CAN_EFF_FLAG) &&
                          !(f.can_id & (CAN_RTR_FLAG | CAN_ERR_FLAG)) &&
                          canring_can_dlc2len(canring_can_len2dlc(f.len)) == f.len && tail_zero(&f),
                      "random FD frame %u: %x len %u", k, f.can_id, f.len);
                big_id |= (f.can_id & CAN_EFF_MASK) > CAN_SFF_MASK;
        }
        CHECK(big_id, "no random extended id above 7FF in 2000 frames");
        cfg = config(NULL, "8", NULL);
        cfg.rtr = true;
        start(&st, &cfg);
        for (unsigned k = 0; k < 10; k++) {
                gen_next(&st, &f, &mtu);
                CHECK((f.can_id & CAN_RTR_FLAG) && f.len == 8 && counter_of(&f) == 0,
                      "RTR frame %u: %x len %u", k, f.can_id, f.len);
        }
}

/* -m: every kind appears, every frame is valid for its kind; the same seed repeats it. */
static void test_mix(void)
{
        struct gen_config cfg = config("i", NULL, "i");
        cfg.mix = true;
        struct gen_state a, b;
        unsigned seen_eff = 0, seen_fd = 0, seen_classic = 0, seen_rtr = 0, seen_brs = 0;
        start(&a, &cfg);
        start(&b, &cfg);
        for (unsigned k = 0; k < 4000; k++) {
                struct canfd_frame f, g;
                size_t mf, mg;
                gen_next(&a, &f, &mf);
                gen_next(&b, &g, &mg);
                CHECK(mf == mg && memcmp(&f, &g, sizeof(f)) == 0, "same seed, frame %u differs", k);
                if (mf == CANFD_MTU) {
                        seen_fd++;
                        seen_brs += !!(f.flags & CANFD_BRS);
                        CHECK(!(f.can_id & CAN_RTR_FLAG) &&
                                  canring_can_dlc2len(canring_can_len2dlc(f.len)) == f.len,
                              "mix FD frame %u: %x len %u", k, f.can_id, f.len);
                } else {
                        seen_classic++;
                        seen_rtr += !!(f.can_id & CAN_RTR_FLAG);
                        CHECK(f.len <= 8 && f.flags == 0, "mix classic frame %u: len %u", k, f.len);
                }
                seen_eff += !!(f.can_id & CAN_EFF_FLAG);
                CHECK((f.can_id & (f.can_id & CAN_EFF_FLAG ? CAN_EFF_MASK : CAN_SFF_MASK)) ==
                          (k & (f.can_id & CAN_EFF_FLAG ? CAN_EFF_MASK : CAN_SFF_MASK)),
                      "mix frame %u: id %x does not increment", k, f.can_id);
        }
        CHECK(seen_eff && seen_fd && seen_classic && seen_rtr && seen_brs,
              "mix: eff %u fd %u classic %u rtr %u brs %u", seen_eff, seen_fd, seen_classic,
              seen_rtr, seen_brs);
        /* another seed, another stream */
        cfg.seed = 43;
        start(&b, &cfg);
        start(&a, &(struct gen_config){.mix = true, .seed = 42});
        bool differ = false;
        for (unsigned k = 0; k < 64; k++) {
                struct canfd_frame f, g;
                size_t mf, mg;
                gen_next(&a, &f, &mf);
                gen_next(&b, &g, &mg);
                differ |= mf != mg || memcmp(&f, &g, sizeof(f)) != 0;
        }
        CHECK(differ, "seeds 42 and 43 gave the same 64 frames");
}

static void expect_refused(struct gen_config cfg, int which, const char *arg, const char *want)
{
        char err[256] = "";
        int ret = which ? gen_mode_parse(&cfg, which, arg, err, sizeof(err))
                        : gen_config_check(&cfg, err, sizeof(err));
        CHECK(ret == -EINVAL && strstr(err, want), "-%c '%s': ret %d, err '%s' (want '%s')",
              which ? which : '?', arg ? arg : "", ret, err, want);
}

static void test_refused(void)
{
        struct gen_config cfg = {0};
        expect_refused(cfg, 'I', "", "bad -I");
        expect_refused(cfg, 'I', "12G", "no 'G'");
        expect_refused(cfg, 'I', "123456789", "bad -I");
        expect_refused(cfg, 'I', "20000000", "29 bits");
        expect_refused(cfg, 'L', "65", "bad -L");
        expect_refused(cfg, 'L', "-1", "bad -L");
        expect_refused(cfg, 'L', "8x", "bad -L");
        expect_refused(cfg, 'D', "123", "even number");
        expect_refused(cfg, 'D', "zz", "'z' is not a hex digit");
        expect_refused(cfg, 'D', "", "bad -D");

        cfg = config("800", NULL, NULL);
        expect_refused(cfg, 0, NULL, "give -e");
        cfg = config(NULL, "9", NULL);
        expect_refused(cfg, 0, NULL, "at most 8 bytes");
        cfg = config(NULL, "16", NULL);
        cfg.len8_dlc = true;
        expect_refused(cfg, 0, NULL, "at most 8 bytes");
        cfg = (struct gen_config){.rtr = true, .brs = true};
        expect_refused(cfg, 0, NULL, "remote frames are classic");
        cfg = (struct gen_config){.len8_dlc = true, .fd = true};
        expect_refused(cfg, 0, NULL, "classic CAN only");
}

int main(void)
{
        test_increment_sff();
        test_increment_eff_wrap();
        test_increment_len0();
        test_increment_len();
        test_fixed();
        test_random();
        test_mix();
        test_refused();
        if (failures)
                fprintf(stderr, "%d failures\n", failures);
        return failures ? 1 : 0;
}
