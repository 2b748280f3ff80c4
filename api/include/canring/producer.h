/* SPDX-License-Identifier: MIT */
/*
 * Producer side of the canring rings (used by the engine). One producer per segment name; each
 * ring has exactly one writing thread. Publishing is reserve / fill / commit: one release store
 * publishes a whole batch, and no system call is made unless a consumer sleeps in a wait.
 */
#ifndef CANRING_PRODUCER_H
#define CANRING_PRODUCER_H

#include <stdint.h>
#include <sys/types.h>

#include "canring/record.h"
#include "canring/shm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct canring_producer;

struct canring_producer_config {
        const char *name;       /* segment name, NULL for CANRING_DEFAULT_NAME */
        uint32_t nrings;        /* rings, 1..CANRING_MAX_RINGS */
        uint32_t ring_size;     /* bytes of data per ring, power of two */
        uint32_t nchannels;     /* channels, 1..CANRING_MAX_CHANNELS */
        uint32_t max_consumers; /* consumer slots, 1..CANRING_MAX_CONSUMERS */
        mode_t mode;            /* file mode of the segment, 0 for 0660 */
};

/*
 * Creates the segment and takes ownership of the name. A stale segment of a dead producer is
 * replaced; a live producer's is not (-EBUSY). Bad arguments touch nothing.
 */
int canring_producer_create(const struct canring_producer_config *cfg,
                            struct canring_producer **out);

/* Ends the stream if not already ended, unlinks the segment and frees the producer. */
void canring_producer_destroy(struct canring_producer *p);

/* Writes end-of-stream records into every ring and marks the segment ended; wakes all waiters. */
int canring_producer_end(struct canring_producer *p);

int canring_producer_set_channel(struct canring_producer *p, unsigned channel,
                                 const struct canring_channel_info *info);
int canring_producer_set_counters(struct canring_producer *p, unsigned channel,
                                  const struct canring_channel_counters *c);

/* Consumers attached (attach finished: their cursors are set) and not known dead. */
int canring_producer_consumers(struct canring_producer *p);

/*
 * A reservation in one ring. The fields are this process's view, not shared memory; they are
 * public only so that canring_batch_add() can be inline.
 */
struct canring_batch {
        uint8_t *data;  /* the ring's data area in the producer's mapping */
        uint64_t mask;  /* slots in the ring - 1 */
        uint64_t pos;   /* next free slot position (free-running) */
        uint64_t end;   /* end of the reservation (slot position) */
        uint64_t seq;   /* sequence number of the next record */
        uint32_t ring;  /* ring index */
        uint32_t count; /* records added so far */
};

/*
 * Reserves nslots slots in a ring (a classic record takes 1, an FD record 2, plus 1 of alignment
 * padding at most per FD record). -EAGAIN when a tethered consumer holds the space (counted as
 * back-pressure), -EMSGSIZE when nslots is more than half a ring.
 */
int canring_producer_reserve(struct canring_producer *p, unsigned ring, unsigned nslots,
                             struct canring_batch *b);

/*
 * Adds a record of this kind to the batch and returns it for the caller to fill (everything but
 * seq, kind and nslots, which are set); NULL when the reservation is full.
 */
static inline struct canring_record *canring_batch_add(struct canring_batch *b, unsigned kind)
{
        unsigned ns = canring_kind_slots(kind);
        uint64_t pos = b->pos;
        struct canring_record *r;

        if (ns == 2 && (pos & 1)) {
                /* FD records start at even positions so a lapped reader can resync at any even one.
                 */
                if (pos + 3 > b->end)
                        return NULL;
                r = (struct canring_record *)(b->data + (pos & b->mask) * CANRING_SLOT_SIZE);
                /* Relaxed: published by the release store in commit. A pad carries the next seq. */
                __atomic_store_n(&r->seq, b->seq, __ATOMIC_RELAXED);
                __atomic_store_n(&r->kind, (uint8_t)CANRING_KIND_PAD, __ATOMIC_RELAXED);
                __atomic_store_n(&r->nslots, (uint8_t)1, __ATOMIC_RELAXED);
                pos++;
        } else if (pos + ns > b->end) {
                return NULL;
        }
        r = (struct canring_record *)(b->data + (pos & b->mask) * CANRING_SLOT_SIZE);
        __atomic_store_n(&r->seq, b->seq, __ATOMIC_RELAXED);
        __atomic_store_n(&r->kind, (uint8_t)kind, __ATOMIC_RELAXED);
        __atomic_store_n(&r->nslots, (uint8_t)ns, __ATOMIC_RELAXED);
        b->pos = pos + ns;
        b->seq++;
        b->count++;
        return r;
}

/* Publishes every record added to the batch with one release store; wakes sleeping consumers. */
int canring_producer_commit(struct canring_producer *p, struct canring_batch *b);

/* Reserves, writes and commits one event record. -EAGAIN on back-pressure as for reserve. */
int canring_producer_event(struct canring_producer *p, unsigned ring, unsigned channel,
                           const struct canring_event *ev, uint64_t sw_ts_ns);

/* Reserve calls refused with -EAGAIN in this ring so far (also visible to consumers). */
uint64_t canring_producer_backpressure(struct canring_producer *p, unsigned ring);

#ifdef __cplusplus
}
#endif

#endif
