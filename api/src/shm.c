/* SPDX-License-Identifier: MIT */
/* Segment naming, geometry and validation, the producer's liveness lock, futex helpers. */
#define _GNU_SOURCE /* OFD locks, O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "canring/error.h"
#include "shm_layout.h"

int canring_name_check(const char *name)
{
        size_t n;

        if (!name)
                return 0; /* the default name */
        n = strnlen(name, CANRING_NAME_MAX + 1);
        if (n == 0)
                return -EINVAL;
        if (n > CANRING_NAME_MAX)
                return -ENAMETOOLONG;
        /* One path component, printable, not "." or "..": the name can never escape the directory.
         */
        for (size_t i = 0; i < n; i++)
                if (name[i] == '/' || (unsigned char)name[i] < 0x21 || name[i] == 0x7f)
                        return -EINVAL;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return -EINVAL;
        return 0;
}

int canring_shm_path(const char *name, char *buf, unsigned size)
{
        const char *dir = getenv("CANRING_SHM_DIR");
        int ret = canring_name_check(name);
        int n;

        if (ret)
                return ret;
        if (!name)
                name = CANRING_DEFAULT_NAME;
        if (!dir || !*dir)
                dir = "/dev/shm";
        n = snprintf(buf, size, "%s/canring.%s", dir, name);
        if (n < 0 || (unsigned)n >= size)
                return -ENOSPC;
        return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
        return (v + a - 1) & ~(a - 1);
}

int canring_geometry(struct canring_geometry *g, uint32_t nrings, uint32_t ring_size,
                     uint32_t nchannels, uint32_t max_consumers)
{
        long page = sysconf(_SC_PAGESIZE);

        if (ring_size < CANRING_RING_MIN || ring_size > CANRING_RING_MAX ||
            (ring_size & (ring_size - 1)))
                return -EDOM;
        if (nrings < 1 || nrings > CANRING_MAX_RINGS || nchannels < 1 ||
            nchannels > CANRING_MAX_CHANNELS || max_consumers < 1 ||
            max_consumers > CANRING_MAX_CONSUMERS)
                return -ERANGE;
        if (page <= 0)
                page = 4096;
        g->page_size = (uint32_t)page;
        g->nrings = nrings;
        g->ring_size = ring_size;
        g->nchannels = nchannels;
        g->max_consumers = max_consumers;
        /* Two lines per slot header so that neighbouring slots' heads never share a line pair. */
        g->slot_size = (uint32_t)align_up(CANRING_LINE * (1 + nrings), 2 * CANRING_LINE);
        g->channels_off = CANRING_HDR_SIZE;
        g->rings_off = align_up(g->channels_off + (uint64_t)nchannels * CANRING_CHAN_SIZE, page);
        g->ring_stride = align_up(CANRING_CTRL_SIZE + (uint64_t)ring_size, page);
        g->consumers_off = g->rings_off + g->ring_stride * nrings;
        g->segment_size = align_up(
            g->consumers_off + CANRING_CCTL_SIZE + (uint64_t)g->slot_size * max_consumers, page);
        return 0;
}

int canring_header_check(const struct canring_shm_header *h, uint64_t file_size)
{
        struct canring_geometry g;

        /* Acquire: pairs with the release store of magic at creation (belt and braces: the file
         * is renamed into place only once complete). */
        if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != CANRING_MAGIC)
                return -EBADMSG;
        if (h->layout_version != CANRING_LAYOUT_VERSION || h->header_size != CANRING_HDR_SIZE)
                return -EPROTO;
        if (canring_geometry(&g, h->nrings, h->ring_size, h->nchannels, h->max_consumers))
                return -EBADMSG;
        if (g.page_size != h->page_size || g.slot_size != h->slot_size ||
            g.channels_off != h->channels_off || g.rings_off != h->rings_off ||
            g.ring_stride != h->ring_stride || g.consumers_off != h->consumers_off ||
            g.segment_size != h->segment_size)
                return -EBADMSG;
        if (file_size < h->segment_size)
                return -ENODATA;
        return 0;
}

/*
 * Open file description locks rather than flock(): a consumer can ask whether the producer's lock
 * is held (F_OFD_GETLK) without taking a lock itself, so probing never blocks a restarting
 * producer. Like flock(), the lock dies with the last descriptor, i.e. on SIGKILL too.
 */
int canring_lock_take(int fd)
{
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};

        if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
                return 0;
        return (errno == EAGAIN || errno == EACCES) ? -EBUSY : -errno;
}

int canring_lock_held(int fd)
{
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};

        if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
                return -errno;
        return fl.l_type != F_UNLCK;
}

int canring_futex_wait(uint32_t *addr, uint32_t val, int timeout_ms)
{
        struct timespec ts = {.tv_sec = timeout_ms / 1000,
                              .tv_nsec = (timeout_ms % 1000) * 1000000L};

        /* Not FUTEX_PRIVATE: the word is shared between processes. */
        if (syscall(SYS_futex, addr, FUTEX_WAIT, val, timeout_ms < 0 ? NULL : &ts, NULL, 0) == 0)
                return 0;
        if (errno == ETIMEDOUT)
                return -ETIMEDOUT;
        return errno == EINTR ? 0 : -EAGAIN;
}

void canring_futex_wake(uint32_t *addr)
{
        syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

uint64_t canring_now_ns(int clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Asymmetric fence (as in userspace RCU): the producer's commit, on the hot path, has only a
 * compiler barrier between its tail store and its waiters load; a consumer about to sleep, on the
 * slow path, makes the kernel run a full barrier on every CPU running a registered process.
 */
int canring_membarrier_register(void)
{
        if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0) < 0)
                return -errno;
        return 0;
}

void canring_membarrier(void)
{
        syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0);
}

void *canring_alloc_private(size_t size)
{
        size_t rounded = (size + CANRING_PRIVATE_ALIGN - 1) & ~(size_t)(CANRING_PRIVATE_ALIGN - 1);
        void *p = aligned_alloc(CANRING_PRIVATE_ALIGN, rounded);

        if (p)
                memset(p, 0, rounded);
        return p;
}
