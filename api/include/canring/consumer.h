/* SPDX-License-Identifier: MIT */
/*
 * Consumer side of the canring rings. Any number of processes attach to a segment by name; each
 * has its own cursor in every ring (broadcast). Records are read in place, without copying, from
 * a read-only mapping: read a batch, use it, release it. Release tells whether the producer
 * overwrote the batch while it was held (lossy consumers only); then the batch must be discarded
 * and its records are counted as lost.
 */
#ifndef CANRING_CONSUMER_H
#define CANRING_CONSUMER_H

#include <stdint.h>

#include "canring/record.h"
#include "canring/shm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct canring_consumer;
struct canring_shm_ring;
struct canring_shm_slot_ring;

/* Options of canring_consumer_attach(). */
#define CANRING_CONSUMER_TETHERED  0x01 /* the producer may not overwrite what this one holds */
#define CANRING_CONSUMER_BUSY_POLL 0x02 /* canring_consumer_wait() spins instead of sleeping */
#define CANRING_CONSUMER_OLDEST    0x04 /* start at the oldest record still in the ring */

struct canring_consumer_options {
        uint64_t rings; /* bit i set: read ring i; 0 means every ring */
        uint32_t flags; /* CANRING_CONSUMER_* */
};

/*
 * Attaches to the segment `name` (NULL: the default). opt may be NULL (lossy, every ring, start
 * at the newest records). Failure touches nothing; see canring/error.h for the errno values.
 */
int canring_consumer_attach(const char *name, const struct canring_consumer_options *opt,
                            struct canring_consumer **out);

/* Releases the consumer slot and unmaps the segment. */
void canring_consumer_detach(struct canring_consumer *c);

/*
 * The consumer's per-ring state in this process (private memory). Public only so that read and
 * release can be inline (as liburing does with its rings): use the functions, never the fields;
 * they may change with any release.
 */
struct canring_consumer_ring {
        const uint8_t *data; /* the ring's data area (read-only mapping) */
        uint64_t mask, cap;  /* slots - 1, slots */
        uint64_t head;       /* next position to read */
        uint64_t tail_seen;  /* the producer's tail when we last loaded it (only grows) */
        uint64_t next_seq;   /* sequence number of the record at head */
        uint64_t lost, read;
        const uint64_t *shm_tail;   /* in the segment: the ring's tail and intent */
        const uint64_t *shm_intent; /* (docs/shm-layout.md, ring control block) */
        uint64_t *slot_head;        /* in the segment: our cursor and read counter */
        uint64_t *slot_read;
        const struct canring_shm_ring *shm; /* the ring's control block */
        struct canring_shm_slot_ring *slot; /* our cursor in the consumer slot */
        struct canring_consumer_ring *next; /* the ring read after this one (itself if alone) */
        uint32_t index;                     /* ring index in the segment */
        uint8_t __pad[4];                   /* 128 bytes: finding a ring's state is a shift */
};

/* The start of every struct canring_consumer (same caveat as struct canring_consumer_ring). */
struct canring_consumer_hot {
        struct canring_consumer_ring *ring;  /* nr entries */
        struct canring_consumer_ring *cur;   /* the ring to look at first */
        struct canring_consumer_ring *bring; /* the held batch (from bring->head): its ring, */
        uint64_t bslots;                     /* its slots, */
        uint32_t bcount;                     /* and its records; 0: no batch is held */
        uint32_t nr;                         /* rings read */
        uint32_t flags;                      /* CANRING_CONSUMER_* */
};

/* Internal: how far ahead of a batch read prefetches (slots). */
#define CANRING_PREFETCH_SLOTS 16

/* Internal: the out-of-line parts of read and release. */
int canring_consumer_read_slow(struct canring_consumer *c, const struct canring_record **recs,
                               unsigned max);
int canring_consumer_release_slow(struct canring_consumer *c);

/*
 * Takes a batch of up to max records from one ring (rings are served in turn) and stores
 * pointers to them in recs. Returns the number of records (0: none available), or -EALREADY if a
 * batch is still held. The pointers are valid until canring_consumer_release().
 *
 * Inline (C99 inline definition; the library holds the external one): the common case touches
 * this process's state, the records, and the producer's tail only once it has caught up with
 * the tail it loaded last.
 */
CANRING_INLINE int canring_consumer_read(struct canring_consumer *c,
                                         const struct canring_record **recs, unsigned max)
{
        struct canring_consumer_hot *h = (struct canring_consumer_hot *)(void *)c;
        struct canring_consumer_ring *cr = h->cur;
        uint64_t head = cr->head, tail = cr->tail_seen, pos = head;
        unsigned n = 0;

        if (__builtin_expect(h->bcount || !recs || !max, 0))
                return canring_consumer_read_slow(c, recs, max); /* the errors */
        /* A tail loaded earlier still guards complete records (tail only grows): load the shared
         * line again only when we have caught up with it, as a plain SPSC ring caches the
         * opposite index. A lapped reader learns it at release. */
        if (tail <= head) {
                /* Acquire: partner of the release store of tail in commit; the records below
                 * tail are complete. */
                tail = __atomic_load_n(cr->shm_tail, __ATOMIC_ACQUIRE);
                cr->tail_seen = tail;
                if (tail == head && h->nr == 1)
                        return 0;
        }
        /* Nothing in this ring (several rings), or lapped before we even looked: the slow
         * path's. One comparison for both: tail == head wraps to the largest value. */
        if (__builtin_expect(tail - head - 1 >= cr->cap, 0))
                return canring_consumer_read_slow(c, recs, max);
        /* data and mask in locals: the stores into recs (pointers) could alias them. */
        const uint8_t *data = cr->data;
        uint64_t mask = cr->mask;

        while (pos < tail && n < max) {
                const struct canring_record *r =
                    (const struct canring_record *)(data + (pos & mask) * CANRING_SLOT_SIZE);
                unsigned ns = __atomic_load_n(&r->nslots, __ATOMIC_RELAXED);

                /* Branches rather than pos += ns: the position then advances by a predicted
                 * constant instead of waiting for the record's line (batch 1's critical path). */
                if (__builtin_expect(ns == 1, 1)) {
                        if (__builtin_expect(
                                __atomic_load_n(&r->kind, __ATOMIC_RELAXED) != CANRING_KIND_PAD, 1))
                                recs[n++] = r;
                        pos++;
                } else if (ns == 2 && !(pos & 1)) {
                        recs[n++] = r;
                        pos += 2;
                } else {
                        break; /* torn by a lapping producer: release will reject the batch */
                }
        }
        if (__builtin_expect(!n, 0)) /* only padding, or torn at the first record */
                return canring_consumer_read_slow(c, recs, max);
        /* Prefetch the published slot CANRING_PREFETCH_SLOTS ahead (successive batches walk the
         * window forward): a reader that lags the producer reads lines the producer's core
         * wrote, and fetching them early overlaps those misses. Never at or above tail: those
         * lines are the producer's to write. */
        if (pos + CANRING_PREFETCH_SLOTS < tail)
                __builtin_prefetch(data +
                                   ((pos + CANRING_PREFETCH_SLOTS) & mask) * CANRING_SLOT_SIZE);
        h->bring = cr;
        h->bslots = pos - head;
        h->bcount = n;
        h->cur = cr->next; /* rings are served in turn (no branch for a single ring) */
        return (int)n;
}

/* The ring index of the batch last returned by canring_consumer_read(). */
unsigned canring_consumer_batch_ring(const struct canring_consumer *c);

/*
 * Gives the held batch back. 0: the records were intact while held. -ESTALE: the producer
 * overwrote them (the reader was lapped); discard what was read, they are counted as lost and the
 * cursor has moved to the oldest valid record. 0 as well when no batch is held. Inline, as read.
 */
CANRING_INLINE int canring_consumer_release(struct canring_consumer *c)
{
        struct canring_consumer_hot *h = (struct canring_consumer_hot *)(void *)c;
        struct canring_consumer_ring *cr = h->bring;

        if (!h->bcount)
                return 0;
        /* A tethered reader's slots are never overwritten while it holds them (the producer stops
         * at its head), so it skips the check. */
        if (!(h->flags & CANRING_CONSUMER_TETHERED)) {
                /* Acquire fence: our reads of the slots are ordered before the intent load;
                 * partner: the release fence after the producer's intent store in reserve. */
                CANRING_FENCE_ACQUIRE();
                if (__atomic_load_n(cr->shm_intent, __ATOMIC_RELAXED) - cr->head > cr->cap)
                        return canring_consumer_release_slow(c); /* overwritten: resync */
        }
        /* head += slots, not head = end: the slot count does not depend on the loads of head
         * that produced the batch, so one store-to-load forwarding per batch is the loop-carried
         * chain, not two. */
        cr->head += h->bslots;
        cr->next_seq += h->bcount;
        cr->read += h->bcount;
        h->bcount = 0;
        __atomic_store_n(cr->slot_read, cr->read, __ATOMIC_RELAXED); /* statistics */
        /* Release: our reads of everything below head are done; partner: the producer's
         * load-acquire of head before it overwrites those slots (refresh_limit). */
        __atomic_store_n(cr->slot_head, cr->head, __ATOMIC_RELEASE);
        return 0;
}

/*
 * Waits until a record is available in one of the consumer's rings. timeout_ms < 0 waits without
 * limit. 0 when a record is available; -ETIMEDOUT; when nothing is left to read: -EPIPE (stream
 * ended), -EOWNERDEAD (producer died), -ECONNRESET (producer died and another owns the name).
 * A dead producer is noticed within CANRING_LIVENESS_MS even when waiting without limit.
 */
#define CANRING_LIVENESS_MS 100
int canring_consumer_wait(struct canring_consumer *c, int timeout_ms);

/*
 * Wake-up coalescing for sleeping waits. A consumer that sleeps in canring_consumer_wait() is
 * woken by the first record the producer commits; at a high frame rate that is one wake-up (two
 * system calls and a scheduler round trip) per record or two. With USEC > 0, a wait that had to
 * sleep lingers USEC microseconds after it is woken before it returns, so one wake-up collects a
 * batch: less CPU per record, at most USEC more latency. A consumer that finds records waiting
 * does not linger, nor does one woken to find CANRING_COALESCE_BATCH_SLOTS slots or more
 * committed (the producer batched already), nor any on a segment whose producer batches its
 * wake-ups itself (CANRING_PRODUCER_BATCHED_WAKE, as canring run). 0 (the default) turns it off;
 * USEC must be below 1,000,000. Returns 0 or -EINVAL.
 */
#define CANRING_COALESCE_BATCH_SLOTS 64
int canring_consumer_set_coalesce(struct canring_consumer *c, unsigned usec);

enum canring_producer_state {
        CANRING_PRODUCER_ALIVE = 0,     /* producing */
        CANRING_PRODUCER_ENDED = 1,     /* ended the stream cleanly */
        CANRING_PRODUCER_DEAD = 2,      /* gone without ending the stream */
        CANRING_PRODUCER_RESTARTED = 3, /* gone, and a new producer owns the name (re-attach) */
};

/* The producer's state (a system call: checks the producer's lock on the segment). */
int canring_consumer_producer_state(struct canring_consumer *c);

/* The producer instance id: changes with every producer that creates the segment. */
uint64_t canring_consumer_instance(const struct canring_consumer *c);

struct canring_consumer_ring_stats {
        uint64_t read;         /* records this consumer read and released intact */
        uint64_t lost;         /* records this consumer lost to overrun (lapped) */
        uint64_t published;    /* records the producer has published in the ring */
        uint64_t backpressure; /* producer reserve calls refused by tethered consumers */
};

/* Per-ring counters; ring must be one the consumer reads. */
int canring_consumer_ring_stats(const struct canring_consumer *c, unsigned ring,
                                struct canring_consumer_ring_stats *st);

/* Records lost to overrun in all of the consumer's rings. */
uint64_t canring_consumer_lost(const struct canring_consumer *c);

/* One consumer attached to the segment, as canring_consumer_list() reports it. */
struct canring_consumer_info {
        int32_t pid;        /* the consumer's process */
        uint32_t flags;     /* CANRING_CONSUMER_TETHERED when it holds the producer back */
        uint64_t attach_ns; /* CLOCK_REALTIME ns of its attach */
        uint64_t read;      /* records it read intact, over all its rings */
        uint64_t lost;      /* records it lost to overrun, over all its rings */
};

/*
 * The consumers attached to c's segment, c itself included (so `canring stat` can show every
 * reader's losses). Fills up to max entries of out and returns how many consumers are attached
 * (which may be more than max). The counters are statistics: each is read atomically, not all
 * of them at one instant.
 */
int canring_consumer_list(const struct canring_consumer *c, struct canring_consumer_info *out,
                          unsigned max);

unsigned canring_consumer_nrings(const struct canring_consumer *c);
unsigned canring_consumer_nchannels(const struct canring_consumer *c);

/* Copies a channel's metadata and/or counters (either pointer may be NULL). */
int canring_consumer_channel(const struct canring_consumer *c, unsigned channel,
                             struct canring_channel_info *info,
                             struct canring_channel_counters *counters);

#ifdef __cplusplus
}
#endif

#endif
