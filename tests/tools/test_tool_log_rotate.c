/* SPDX-License-Identifier: MIT */
/*
 * Rotation by size loses nothing across file boundaries: every file is at most the limit, ends
 * with a whole line, and the files in order hold every record once, in order. Same for pcap.
 */
#include <dirent.h>

#include "tools_test.h"

#define N 3000
static const char *const names[] = {"can0", "can1"};

static int cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of files starting with PREFIX in th_dir. */
static int list(const char *prefix, char **out, int max)
{
        DIR *d = opendir(th_dir);
        struct dirent *e;
        int n = 0;

        CHECK(d != NULL);
        while ((e = readdir(d)) && n < max)
                if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
                        out[n++] = strdup(e->d_name);
        closedir(d);
        qsort(out, (size_t)n, sizeof(*out), cmp);
        return n;
}

int main(void)
{
        struct canring_producer *p;
        char *files[256];
        uint64_t next = 0;
        int nfiles;

        th_setup();
        p = th_producer(names, 2, 1 << 20, 0);
        for (int i = 0; i < N; i++) {
                struct canring_record r =
                    th_classic(i % 2, (canid_t)(i & 0x7ff), i % 3 ? "0011223344556677" : "",
                               TS0 + i * 1000ull);
                th_publish(p, &r);
        }
        CHECK_EQ(canring_producer_end(p), 0);

        CHECK_EQ(th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                        "--name", "rot-%i.log", "--rotate-size", "8k", NULL}),
                 0);
        nfiles = list("rot-", files, 256);
        CHECK(nfiles > 5);
        for (int f = 0; f < nfiles; f++) {
                size_t size;
                char *text = th_slurp(th_path(files[f]), &size);
                char *save = NULL;

                CHECK(size <= 8192 && size > 0 && text[size - 1] == '\n');
                for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        struct canring_log_entry e;

                        if (l[0] == '#')
                                continue;
                        CHECK_EQ(canring_log_line_parse(l, &e, NULL, 0), 0);
                        CHECK_EQ(e.ts_ns, TS0 / 1000 * 1000 + next * 1000);
                        CHECK_EQ(e.frame.can_id, next & 0x7ff);
                        next++;
                }
                free(files[f]);
        }
        CHECK_EQ(next, N);

        /* pcap: each file is a valid capture of whole packets, together all frames in order. */
        CHECK_EQ(th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                        "--format", "pcap", "--name", "rot-%i.pcap",
                                        "--rotate-size", "10000", NULL}),
                 0);
        nfiles = list("rot-", files, 256);
        next = 0;
        for (int f = 0; f < nfiles; f++) {
                size_t size, off = 24;
                uint8_t *b;

                if (!strstr(files[f], ".pcap")) {
                        free(files[f]);
                        continue;
                }
                b = (uint8_t *)th_slurp(th_path(files[f]), &size);
                CHECK(size <= 10000);
                uint32_t magic;
                memcpy(&magic, b, 4);
                CHECK_EQ(magic, CANRING_PCAP_MAGIC_US);
                while (off < size) {
                        uint32_t incl, id;

                        CHECK(off + 16 <= size);
                        memcpy(&incl, b + off + 8, 4);
                        CHECK(off + 16 + incl <= size);
                        memcpy(&id, b + off + 16, 4);
                        CHECK_EQ(__builtin_bswap32(id), next & 0x7ff);
                        next++;
                        off += 16 + incl;
                }
                free(files[f]);
        }
        CHECK_EQ(next, N);
        canring_producer_destroy(p);
        return 0;
}
