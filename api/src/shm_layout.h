/* SPDX-License-Identifier: MIT */
/*
 * Private: the byte layout of a canring segment, as specified in docs/shm-layout.md. Only
 * fixed-width integers and offsets; no pointers. Every field shared between processes is accessed
 * with __atomic builtins, and each access names its ordering and its partner in a comment.
 */
#ifndef CANRING_SHM_LAYOUT_H
#define CANRING_SHM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "canring/record.h"
#include "canring/shm.h"

#define CANRING_MAGIC     0x00474e49524e4143ull /* "CANRING\0" read as a little-endian u64 */
#define CANRING_LINE      64                    /* cache line */
#define CANRING_HDR_SIZE  1024                  /* bytes of struct canring_shm_header */
#define CANRING_CHAN_SIZE 128                   /* bytes of one channel table entry */
#define CANRING_CTRL_SIZE 256                   /* bytes of a ring's control block */

/* CANRING_FENCE_ACQUIRE() and CANRING_FENCE_RELEASE() are in canring/record.h (the inline
 * fast paths of the public headers need them too). */

/* Header flags (header.flags). */
/*
 * The producer registered for membarrier(GLOBAL_EXPEDITED): a consumer about to sleep issues the
 * barrier for both sides, and commit needs no fence of its own.
 */
#define CANRING_HDR_MEMBARRIER 0x1
/*
 * The producer allocated every page of the segment at creation (CANRING_PRODUCER_PREFAULT): a
 * consumer maps the pages of its rings when it attaches instead of taking a page fault per 4 KiB
 * on its first pass through them.
 */
#define CANRING_HDR_PREFAULTED 0x2
/*
 * The producer batches its consumers' wake-ups (CANRING_PRODUCER_BATCHED_WAKE): a consumer woken
 * from a sleep does not linger for more (canring_consumer_set_coalesce()).
 */
#define CANRING_HDR_BATCHED_WAKE 0x4

/* Producer state (header.state). */
#define CANRING_STATE_INIT    0
#define CANRING_STATE_RUNNING 1
#define CANRING_STATE_ENDED   2

struct canring_shm_header {
        /* Line 0-1: identity and geometry. Written before the segment file is renamed into place
         * (see docs/shm-layout.md, creation); never written after. */
        uint64_t magic;          /* CANRING_MAGIC */
        uint32_t layout_version; /* CANRING_LAYOUT_VERSION */
        uint32_t header_size;    /* CANRING_HDR_SIZE */
        uint64_t segment_size;   /* bytes of the whole segment */
        uint32_t page_size;      /* bytes; offsets of mapped regions are multiples of it */
        uint32_t nrings;         /* rings */
        uint32_t ring_size;      /* bytes of data per ring, power of two */
        uint32_t nchannels;      /* channel table entries */
        uint32_t max_consumers;  /* consumer slots */
        uint32_t slot_size;      /* bytes per consumer slot */
        uint64_t channels_off;   /* offset of the channel table */
        uint64_t rings_off;      /* offset of ring 0's control block */
        uint64_t ring_stride;    /* bytes from one ring's control block to the next */
        uint64_t consumers_off; /* offset of the consumer region (cctl, then slots); page aligned */
        uint8_t __pad0[128 - 80];

        /* Line 2: producer identity (immutable) and state. */
        uint64_t instance_id; /* random per producer instance: tells a restart */
        uint64_t created_ns;  /* CLOCK_REALTIME of creation */
        int32_t producer_pid; /* informational; liveness is the lock, not the pid */
        uint32_t state; /* CANRING_STATE_*; store-release by producer, load-acquire by consumers */
        uint32_t flags; /* CANRING_HDR_*; immutable */
        uint8_t __pad1[64 - 28];

        /* Line 3: wake-up. Written by the producer only when a consumer sleeps. */
        uint32_t doorbell; /* futex word: the producer increments it to wake sleepers */
        uint8_t __pad2[CANRING_HDR_SIZE - 192 - 4];
};
_Static_assert(sizeof(struct canring_shm_header) == CANRING_HDR_SIZE, "header size");
_Static_assert(offsetof(struct canring_shm_header, instance_id) == 128, "line 2");
_Static_assert(offsetof(struct canring_shm_header, doorbell) == 192, "line 3");

struct canring_shm_channel {
        struct canring_channel_info info; /* 32 bytes, written under info_seq */
        uint32_t info_seq;                /* seqlock: odd while info is being written */
        uint8_t __pad[32 - 4];
        struct canring_channel_counters counters; /* 64 bytes, each u64 atomic relaxed */
};
_Static_assert(sizeof(struct canring_shm_channel) == CANRING_CHAN_SIZE, "channel entry");

struct canring_shm_ring {
        /* Line 0: producer positions, written once per reserve/commit. */
        uint64_t
            tail; /* committed slot position; store-release in commit, load-acquire by readers */
        uint64_t intent; /* slots below this may be being written; store before writing (see doc) */
        uint64_t records; /* records committed (next seq); relaxed, for statistics */
        uint8_t __pad0[64 - 24];
        /* Line 1: producer statistics, relaxed. */
        uint64_t backpressure; /* reserve calls refused by tethered consumers */
        uint8_t __pad1[CANRING_CTRL_SIZE - 64 - 8];
        /* The data area (ring_size bytes of 64-byte slots) follows. */
};
_Static_assert(sizeof(struct canring_shm_ring) == CANRING_CTRL_SIZE, "ring control block");

/*
 * Start of the consumer region (consumers_off): the words that consumers write and the producer
 * reads. It is page aligned because consumers map it read-write and everything before it
 * read-only.
 */
struct canring_shm_cctl {
        uint32_t waiters; /* consumers inside a futex wait; seq_cst RMW by consumers */
        uint8_t __pad0[64 - 4];
        uint32_t tethered_gen; /* bumped (seq_cst RMW) when a tethered consumer attaches: the
                                * producer then rescans the slots (seq_cst load in reserve) */
        uint8_t __pad1[64 - 4];
};
#define CANRING_CCTL_SIZE 128
_Static_assert(sizeof(struct canring_shm_cctl) == CANRING_CCTL_SIZE, "consumer control");

/* Consumer slot flags. */
#define CANRING_SLOT_TETHERED 0x1
#define CANRING_SLOT_READY    0x2 /* attach finished: the consumer's cursors are set */

struct canring_shm_slot_ring {
        uint64_t
            head; /* released position; store-release by the consumer, load-acquire by producer */
        uint64_t lost; /* records lost to overrun; relaxed, for statistics */
        uint64_t read; /* records read intact; relaxed, for statistics */
        uint8_t __pad[64 - 24];
};

struct canring_shm_slot {
        int32_t pid;        /* owner; 0 free. Claimed by CAS, freed by store-release */
        uint32_t flags;     /* CANRING_SLOT_*; written before the owner takes part */
        uint64_t rings;     /* bit mask of the rings it reads */
        uint64_t attach_ns; /* CLOCK_REALTIME of attach */
        uint8_t __pad[64 - 24];
        struct canring_shm_slot_ring ring[]; /* nrings entries */
};

/* Geometry derived from the creation parameters. */
struct canring_geometry {
        uint32_t page_size, nrings, ring_size, nchannels, max_consumers, slot_size;
        uint64_t channels_off, rings_off, ring_stride, consumers_off, segment_size;
};

/* Fills g from the parameters; returns 0, or -EDOM / -ERANGE for bad ones. */
int canring_geometry(struct canring_geometry *g, uint32_t nrings, uint32_t ring_size,
                     uint32_t nchannels, uint32_t max_consumers);

/* Same computation from an existing header; -EBADMSG/-EPROTO/-ENODATA if it does not hold up. */
int canring_header_check(const struct canring_shm_header *h, uint64_t file_size);

static inline struct canring_shm_ring *canring_ring_at(void *base, uint64_t rings_off,
                                                       uint64_t stride, unsigned i)
{
        return (struct canring_shm_ring *)((uint8_t *)base + rings_off + stride * i);
}

static inline uint8_t *canring_ring_data(struct canring_shm_ring *r)
{
        return (uint8_t *)r + CANRING_CTRL_SIZE;
}

/*
 * The producer's and consumers' private state (struct canring_producer, struct canring_consumer)
 * is written on every batch. A producer and a consumer in one process (threads) must not share
 * cache lines of it, nor the pairs of lines that the adjacent-line prefetcher fetches together:
 * the state is allocated zeroed, aligned to CANRING_PRIVATE_ALIGN bytes and rounded up to a
 * multiple of it, so no other allocation lies in those lines. Free with free(). NULL on failure.
 */
#define CANRING_PRIVATE_ALIGN 128
void *canring_alloc_private(size_t size);

/* Producer liveness: the producer holds an OFD write lock on byte 0 of the segment file. */
int canring_lock_take(int fd); /* 0 or -EBUSY (held by someone else) or -errno */
int canring_lock_held(int fd); /* 1 held, 0 free, -errno */
int canring_futex_wait(uint32_t *addr, uint32_t val, int timeout_ms); /* 0, -ETIMEDOUT, -EAGAIN */
void canring_futex_wake(uint32_t *addr);
uint64_t canring_now_ns(int clock);
int canring_membarrier_register(void); /* 0 or -errno */
void canring_membarrier(void);         /* the heavy side of an asymmetric fence */

#endif
