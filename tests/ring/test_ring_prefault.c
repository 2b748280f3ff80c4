/* SPDX-License-Identifier: MIT */
/*
 * CANRING_PRODUCER_PREFAULT: every page of the segment is resident once creation returns (mincore
 * of the segment file); without it the rings' data is not. A consumer attached to a prefaulted
 * segment has its rings' pages mapped from the start (the resident size of its read-only mapping
 * in /proc/self/smaps); to a lazy one, not. (Creation on a file system too small for the segment,
 * -ENOSPC, is the lab case engine_bad_input: it needs a tmpfs mount.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "ring_test.h"

#define RING_BYTES (256 * 1024)

/* Resident pages of the segment file between offsets [from, to). */
static size_t resident(const char *name, size_t from, size_t to)
{
        char path[128];
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t n = (to - from + page - 1) / page, count = 0;
        unsigned char *vec = malloc(n);
        int fd;
        void *m;

        CHECK_EQ(canring_shm_path(name, path, sizeof(path)), 0);
        fd = open(path, O_RDONLY);
        CHECK(fd >= 0 && vec);
        m = mmap(NULL, to - from, PROT_READ, MAP_SHARED, fd, (off_t)from);
        CHECK(m != MAP_FAILED);
        CHECK_EQ(mincore(m, to - from, vec), 0);
        for (size_t i = 0; i < n; i++)
                count += vec[i] & 1;
        munmap(m, to - from);
        close(fd);
        free(vec);
        return count;
}

/* KiB resident in this process's read-only shared mappings of the segment (the consumer's). */
static size_t consumer_rss_kib(const char *name)
{
        char line[512], suffix[128];
        FILE *f = fopen("/proc/self/smaps", "r");
        size_t total = 0, kib;
        int in_consumer_map = 0;

        CHECK(f);
        snprintf(suffix, sizeof(suffix), "/canring.%s", name);
        while (fgets(line, sizeof(line), f)) {
                char perms[8];
                unsigned long lo, hi;

                if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
                        size_t len = strlen(line), sl = strlen(suffix);

                        while (len && line[len - 1] == '\n')
                                line[--len] = '\0';
                        in_consumer_map = strcmp(perms, "r--s") == 0 && len >= sl &&
                                          strcmp(line + len - sl, suffix) == 0;
                } else if (in_consumer_map && sscanf(line, "Rss: %zu kB", &kib) == 1) {
                        total += kib;
                }
        }
        fclose(f);
        return total;
}

/* Creates a segment with the given flags and attaches a consumer; returns the segment's resident
 * pages and (in *consumer_kib) what the consumer has mapped, then removes both. */
static size_t resident_after_create(uint32_t flags, size_t *consumer_kib)
{
        struct canring_producer_config cfg = {.name = rt_name("prefault"),
                                              .nrings = 2,
                                              .ring_size = RING_BYTES,
                                              .nchannels = 1,
                                              .max_consumers = 1,
                                              .flags = flags};
        struct canring_producer *p;
        struct canring_consumer *c;
        struct stat st;
        char path[128];
        size_t n;

        CHECK_EQ(canring_producer_create(&cfg, &p), 0);
        CHECK_EQ(canring_shm_path(cfg.name, path, sizeof(path)), 0);
        CHECK_EQ(stat(path, &st), 0);
        n = resident(cfg.name, 0, (size_t)st.st_size);
        CHECK_EQ(canring_consumer_attach(cfg.name, NULL, &c), 0);
        *consumer_kib = consumer_rss_kib(cfg.name);
        canring_consumer_detach(c);
        canring_producer_destroy(p);
        return n;
}

/* A kernel without MADV_POPULATE_WRITE (before 5.14) creates the segment lazily. */
static int populate_supported(void)
{
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        void *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        int ok;

        CHECK(m != MAP_FAILED);
        ok = madvise(m, page, MADV_POPULATE_WRITE) == 0;
        munmap(m, page);
        return ok;
}

int main(void)
{
        size_t page = (size_t)sysconf(_SC_PAGESIZE), ring_pages = RING_BYTES / page;
        size_t lazy_kib, eager_kib;
        size_t lazy = resident_after_create(0, &lazy_kib);
        size_t eager = resident_after_create(CANRING_PRODUCER_PREFAULT, &eager_kib);

        if (!populate_supported()) {
                fprintf(stderr, "skip: MADV_POPULATE_WRITE needs Linux 5.14\n");
                return 77;
        }
        /* Without the flag only the metadata written at creation is there; with it, both rings'
         * data as well. */
        CHECK(lazy < ring_pages);
        CHECK(eager >= lazy + 2 * ring_pages);
        /* The consumer: both rings mapped at attach from a prefaulted segment, not from a lazy
         * one (where it has only touched the header and the rings' control blocks). */
        printf("consumer mapped %zu KiB of a lazy segment, %zu KiB of a prefaulted one\n", lazy_kib,
               eager_kib);
        if (eager_kib == 0 && lazy_kib == 0) {
                fprintf(stderr, "skip: no Rss in /proc/self/smaps here\n");
                return 77;
        }
        CHECK(lazy_kib < RING_BYTES / 1024);
        CHECK(eager_kib >= 2 * RING_BYTES / 1024);
        return 0;
}
