/* SPDX-License-Identifier: MIT */
/*
 * canring's candump text against can-utils itself (Debian 12: can-utils 2020.11, whose
 * log2long/log2asc/asc2log share lib.c's printing and parsing with candump):
 *  1. our log lines -> log2long == our long form (VIEW_INDENT_SFF | VIEW_ASCII, as log2long);
 *  2. asc2log lines -> our parser -> our log printer == asc2log's line, byte for byte;
 *  3. our log lines (with R/T) -> log2asc: same ids, directions, lengths and bytes.
 * Exits 77 when the tools are not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/can/error.h>

#include "canring/text.h"

#define NFRAMES 3000

static int failures;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return (uint32_t)(rng >> 11);
}

static const char *const ifnames[] = {"vcan0", "can1", "longname12"};

/* A random frame of any kind candump can log. */
static void random_frame(struct canfd_frame *f, size_t *mtu, bool classic_data_only)
{
        static const uint8_t fdlen[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};
        uint32_t kind = classic_data_only ? rnd() % 2 : rnd() % 6, i;

        memset(f, 0, sizeof(*f));
        *mtu = CAN_MTU;
        f->can_id = rnd() & CAN_SFF_MASK;
        if (kind == 1 || kind == 3 || (kind == 4 && rnd() % 2))
                f->can_id = (rnd() & CAN_EFF_MASK) | CAN_EFF_FLAG;
        f->len = (uint8_t)(rnd() % 9);
        if (kind == 2 || kind == 3) {
                f->can_id |= CAN_RTR_FLAG;
                return;
        }
        if (kind == 4) {
                *mtu = CANFD_MTU;
                f->len = fdlen[rnd() % 16];
                f->flags = (uint8_t)(rnd() % 4);
        }
        if (kind == 5) {
                f->can_id = CAN_ERR_FLAG | (rnd() & 0x1ff);
                f->len = CAN_ERR_DLC;
        }
        for (i = 0; i < f->len; i++)
                f->data[i] = (uint8_t)(rnd() % 4 == 0 ? 0x20 + rnd() % 0x60 : rnd());
}

static bool have(const char *tool)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
        return system(cmd) == 0;
}

static FILE *tmpfile_named(char *path, size_t len)
{
        int fd;

        snprintf(path, len, "%s/canring-oracle-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        fd = mkstemp(path);
        return fd < 0 ? NULL : fdopen(fd, "w");
}

static void oracle_log2long(void)
{
        static struct canfd_frame frames[NFRAMES];
        static size_t mtus[NFRAMES];
        static uint64_t ts[NFRAMES];
        static int ifn[NFRAMES];
        char path[256], cmd[512], line[CANRING_LOG_LINE_MAX], got[2048], want[2048];
        char lng[CANRING_FRAME_LONG_MAX];
        FILE *f, *p;
        int i;

        f = tmpfile_named(path, sizeof(path));
        if (!f) {
                printf("FAIL: temp file\n");
                failures++;
                return;
        }
        for (i = 0; i < NFRAMES; i++) {
                random_frame(&frames[i], &mtus[i], false);
                ts[i] = (uint64_t)1600000000 * 1000000000u + (uint64_t)i * 1234567u;
                ifn[i] = (int)(rnd() % 3);
                canring_log_line_print(line, sizeof(line), ts[i], ifnames[ifn[i]], 0, &frames[i],
                                       mtus[i], (enum canring_dir) "\0RT"[rnd() % 3], 0);
                fputs(line, f);
        }
        fclose(f);

        snprintf(cmd, sizeof(cmd), "log2long < '%s'", path);
        p = popen(cmd, "r");
        for (i = 0; p && i < NFRAMES; i++) {
                if (!fgets(got, sizeof(got), p)) {
                        printf("FAIL: log2long stopped after %d lines\n", i);
                        failures++;
                        break;
                }
                got[strcspn(got, "\n")] = '\0';
                canring_frame_print_long(lng, sizeof(lng), &frames[i], mtus[i],
                                         CANRING_VIEW_INDENT_SFF | CANRING_VIEW_ASCII);
                snprintf(want, sizeof(want), "(%010llu.%06llu)  %s  %s",
                         (unsigned long long)(ts[i] / 1000000000u),
                         (unsigned long long)(ts[i] % 1000000000u / 1000u), ifnames[ifn[i]], lng);
                if (strcmp(got, want) != 0) {
                        if (failures++ < 10)
                                printf("FAIL log2long line %d:\n  got  '%s'\n  want '%s'\n", i, got,
                                       want);
                }
        }
        if (!p || pclose(p) != 0) {
                printf("FAIL: log2long did not run cleanly\n");
                failures++;
        }
        unlink(path);
}

static void oracle_asc2log(void)
{
        char path[256], cmd[512], got[CANRING_LOG_LINE_MAX], again[CANRING_LOG_LINE_MAX];
        char err[160];
        struct canring_log_entry e;
        struct canfd_frame fr;
        size_t mtu;
        FILE *f, *p;
        int i, j, lines = 0;

        f = tmpfile_named(path, sizeof(path));
        if (!f) {
                failures++;
                return;
        }
        fprintf(f, "date Sun Sep 13 12:26:40 2020\nbase hex  timestamps absolute\n"
                   "no internal events logged\n");
        for (i = 0; i < 500; i++) {
                random_frame(&fr, &mtu, true);
                fprintf(f, "%4d.%06d %d  ", i / 7, (int)(rnd() % 1000000), 1 + (int)(rnd() % 4));
                if (fr.can_id & CAN_EFF_FLAG)
                        fprintf(f, "%Xx", fr.can_id & CAN_EFF_MASK);
                else
                        fprintf(f, "%X", fr.can_id);
                fprintf(f, "   %s   d %d", rnd() % 2 ? "Rx" : "Tx", fr.len);
                for (j = 0; j < fr.len; j++)
                        fprintf(f, " %02X", fr.data[j]);
                fprintf(f, "\n");
        }
        fclose(f);

        snprintf(cmd, sizeof(cmd), "asc2log -I '%s' 2>/dev/null", path);
        p = popen(cmd, "r");
        while (p && fgets(got, sizeof(got), p)) {
                lines++;
                if (canring_log_line_parse(got, &e, err, sizeof(err)) != 0) {
                        printf("FAIL: cannot parse asc2log line '%s': %s\n", got, err);
                        failures++;
                        continue;
                }
                canring_log_line_print(again, sizeof(again), e.ts_ns, e.ifname, 0, &e.frame, e.mtu,
                                       e.dir, 0);
                if (strcmp(got, again) != 0 && failures++ < 10)
                        printf("FAIL asc2log round trip:\n  got  '%s'  ours '%s'", got, again);
        }
        if (!p || pclose(p) != 0 || lines != 500) {
                printf("FAIL: asc2log gave %d lines\n", lines);
                failures++;
        }
        unlink(path);
}

static void oracle_log2asc(void)
{
        static struct canfd_frame frames[500];
        static enum canring_dir dirs[500];
        char path[256], cmd[512], line[CANRING_LOG_LINE_MAX], got[1024], want[1024];
        size_t mtu, pos;
        FILE *f, *p;
        int i, j, n = 0;

        f = tmpfile_named(path, sizeof(path));
        if (!f) {
                failures++;
                return;
        }
        for (i = 0; i < 500; i++) {
                random_frame(&frames[i], &mtu, true);
                dirs[i] = rnd() % 2 ? CANRING_DIR_TX : CANRING_DIR_RX;
                canring_log_line_print(line, sizeof(line), 1600000000000000000ull + i * 1000ull,
                                       "can0", 0, &frames[i], mtu, dirs[i], 0);
                fputs(line, f);
        }
        fclose(f);

        snprintf(cmd, sizeof(cmd), "log2asc -I '%s' can0 2>/dev/null", path);
        p = popen(cmd, "r");
        while (p && fgets(got, sizeof(got), p)) {
                if (strncmp(got, "date", 4) == 0 || strncmp(got, "base", 4) == 0 ||
                    strncmp(got, "no internal", 11) == 0)
                        continue;
                if (n >= 500)
                        break;
                /* "   0.000000 1  123             Rx   d 4 DE AD BE EF" */
                const struct canfd_frame *fr = &frames[n];
                char id[16];

                if (fr->can_id & CAN_EFF_FLAG)
                        snprintf(id, sizeof(id), "%Xx", fr->can_id & CAN_EFF_MASK);
                else
                        snprintf(id, sizeof(id), "%X", fr->can_id & CAN_SFF_MASK);
                pos = (size_t)snprintf(want, sizeof(want), "%-15s %s   d %d", id,
                                       dirs[n] == CANRING_DIR_TX ? "Tx" : "Rx", fr->len);
                for (j = 0; j < fr->len; j++)
                        pos +=
                            (size_t)snprintf(want + pos, sizeof(want) - pos, " %02X", fr->data[j]);
                got[strcspn(got, "\n")] = '\0';
                if (!strstr(got, want) && failures++ < 10)
                        printf("FAIL log2asc line %d:\n  got  '%s'\n  want '...%s'\n", n, got,
                               want);
                n++;
        }
        if (!p || pclose(p) != 0 || n != 500) {
                printf("FAIL: log2asc gave %d frame lines\n", n);
                failures++;
        }
        unlink(path);
}

int main(void)
{
        if (!have("log2long") || !have("asc2log") || !have("log2asc")) {
                printf("SKIP: can-utils log2long/asc2log/log2asc not installed\n");
                return 77;
        }
        oracle_log2long();
        oracle_asc2log();
        oracle_log2asc();
        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
