/* SPDX-License-Identifier: MIT */
/*
 * Bad input to dump/log/stat: a missing segment, an unknown channel, malformed filters and
 * options, a directory that cannot be written, and a full disk (simulated with RLIMIT_FSIZE,
 * which makes writes fail part-way as ENOSPC does) each give a message that names the problem
 * and a non-zero exit; the file written up to the failure holds whole lines only.
 */
#include "tools_test.h"

static const char *const names[] = {"can0"};

static void expect(int status, const char *want, char *const args[])
{
        int st = th_run(args);
        char *err = th_slurp(th_path("err"), NULL);

        if (st != status || !strstr(err, want))
                FAIL("%s %s: exit %d (want %d), stderr:\n%s(want '%s')", args[0], args[1], st,
                     status, err, want);
}

int main(void)
{
        struct canring_producer *p;

        th_setup();
        expect(1, "no segment 'nosuch'", (char *const[]){"dump", "--segment", "nosuch", NULL});
        expect(1, "no segment 'nosuch'", (char *const[]){"log", "--segment", "nosuch", NULL});
        expect(1, "no segment 'nosuch'", (char *const[]){"stat", "--segment", "nosuch", NULL});
        expect(2, "bad segment name", (char *const[]){"dump", "--segment", "a/b", NULL});

        p = th_producer(names, 1, 1 << 20, 0);
        expect(1, "has no channel 'can9'",
               (char *const[]){"dump", "--segment", "seg", "can9", NULL});
        expect(1, "has no channel 'can9'",
               (char *const[]){"log", "--segment", "seg", "can9", NULL});
        expect(2, "bad channel argument 'can0,12x:7FF'",
               (char *const[]){"dump", "--segment", "seg", "can0,12x:7FF", NULL});
        expect(2, "bad channel argument 'can0,123'",
               (char *const[]){"log", "--segment", "seg", "can0,123", NULL});
        expect(2, "unknown timestamp mode 'q'", (char *const[]){"dump", "-t", "q", NULL});
        expect(2, "Please disable", (char *const[]){"dump", "-L", "-a", NULL});
        expect(2, "bad -n '0'", (char *const[]){"dump", "-n", "0", NULL});
        expect(2, "bad --format 'csv'", (char *const[]){"log", "--format", "csv", NULL});
        expect(2, "bad --rotate-size 'lots'",
               (char *const[]){"log", "--rotate-size", "lots", NULL});
        expect(2, "bad --flush 'never'", (char *const[]){"log", "--flush", "never", NULL});
        expect(2, "bad --interval '-1'", (char *const[]){"stat", "--interval", "-1", NULL});
        expect(1, "cannot create /nonexistent/dir/",
               (char *const[]){"log", "--segment", "seg", "--dir", "/nonexistent/dir", NULL});
        expect(1, "bad --name pattern",
               (char *const[]){"log", "--segment", "seg", "--dir", th_dir, "--name", "a/b", NULL});

        /* An idle live stream: -T ends dump without output, exit 0. */
        CHECK_EQ(th_run((char *const[]){"dump", "--segment", "seg", "-T", "100", NULL}), 0);
        CHECK_EQ(th_slurp(th_path("out"), NULL)[0], '\0');

        /* Existing files are never overwritten: the same name gets a ".1" suffix. */
        FILE *f = fopen(th_path("keep.log"), "w");
        CHECK(f != NULL);
        fputs("precious\n", f);
        fclose(f);
        for (int i = 0; i < 2000; i++) {
                struct canring_record r =
                    th_classic(0, 0x123, "0011223344556677", TS0 + i * 1000ull);
                th_publish(p, &r);
        }
        CHECK_EQ(canring_producer_end(p), 0);
        CHECK_EQ(th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                        "--name", "keep.log", NULL}),
                 0);
        CHECK_STR(th_slurp(th_path("keep.log"), NULL), "precious\n");
        CHECK(strstr(th_slurp(th_path("keep.log.1"), NULL), "(1600000000.123456) can0 123#") !=
              NULL);

        /* "Disk full" after 10000 bytes: clear error, exit 1, the file holds whole lines. */
        pid_t pid = th_spawn(th_path("out"), th_path("err"), 10000,
                             (char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                             "--name", "full.log", NULL});
        CHECK_EQ(th_wait(pid), 1);
        char *err = th_slurp(th_path("err"), NULL);
        CHECK(strstr(err, "full.log") && strstr(err, "File too large") &&
              strstr(err, "last complete record"));
        size_t size;
        char *text = th_slurp(th_path("full.log"), &size);
        CHECK(size > 9000 && size <= 10000 && text[size - 1] == '\n');
        uint64_t i = 0;
        char *save = NULL;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save), i++) {
                struct canring_log_entry e;
                CHECK_EQ(canring_log_line_parse(l, &e, NULL, 0), 0);
                CHECK_EQ(e.ts_ns, TS0 / 1000 * 1000 + i * 1000);
        }
        /* pcap: the same, packet-wise. */
        pid = th_spawn(th_path("out"), th_path("err"), 10000,
                       (char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                       "--format", "pcap", "--name", "full.pcap", NULL});
        CHECK_EQ(th_wait(pid), 1);
        text = th_slurp(th_path("full.pcap"), &size);
        CHECK(size > 9000 && size <= 10000);
        CHECK_EQ((size - 24) % 32, 0); /* 16-byte record header + 16-byte classic frame */
        canring_producer_destroy(p);
        return 0;
}
