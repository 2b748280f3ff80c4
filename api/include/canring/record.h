/* SPDX-License-Identifier: MIT */
/*
 * The record: what a consumer reads from a canring ring. Fixed-width fields only, so the same bytes
 * mean the same thing to every process on the host (the layout is specified in docs/shm-layout.md).
 *
 * A ring is an array of 64-byte slots. A classic CAN frame, an error frame or an event takes one
 * slot; a CAN FD frame takes two, always starting at an even slot position (see docs/shm-layout.md
 * for why).
 */
#ifndef CANRING_RECORD_H
#define CANRING_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <linux/can.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
#define CANRING_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define CANRING_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

#define CANRING_SLOT_SIZE 64 /* bytes of ring per slot */

/*
 * Internal to the inline fast paths of producer.h and consumer.h (and the library): acquire and
 * release fences. ThreadSanitizer does not model fences (GCC rejects them under
 * -fsanitize=thread); every shared access the library races on is atomic, so TSan has nothing to
 * report about them, and a compiler barrier keeps the program order that x86 (TSO) then preserves
 * for loads-before-loads and stores-before-stores. Normal builds use the real fences.
 */
#if defined(__SANITIZE_THREAD__)
#define CANRING_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CANRING_TSAN 1
#endif
#endif
/*
 * Internal: the fast paths are always inline; their external definitions are the library's. C99
 * `inline` is an inline-only definition; under GNU89 inline semantics (-fgnu89-inline) the same
 * meaning is spelled `extern inline` with gnu_inline, so a user built that way does not define the
 * functions a second time.
 */
#if defined(__GNUC_GNU_INLINE__) && !defined(__cplusplus)
#define CANRING_INLINE extern inline __attribute__((always_inline, gnu_inline))
#else
#define CANRING_INLINE inline __attribute__((always_inline))
#endif

#ifdef CANRING_TSAN
#define CANRING_FENCE_ACQUIRE() __atomic_signal_fence(__ATOMIC_ACQUIRE)
#define CANRING_FENCE_RELEASE() __atomic_signal_fence(__ATOMIC_RELEASE)
#else
#define CANRING_FENCE_ACQUIRE() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define CANRING_FENCE_RELEASE() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

/* What a record holds (struct canring_record.kind). */
enum canring_kind {
        CANRING_KIND_PAD = 0,     /* filler that keeps FD records 2-slot aligned; never returned */
        CANRING_KIND_CLASSIC = 1, /* classic CAN data or RTR frame in .can (len8_dlc kept) */
        CANRING_KIND_FD = 2,      /* CAN FD frame in .canfd; takes two slots */
        CANRING_KIND_ERROR = 3,   /* error frame (CAN_ERR_FLAG set in can_id) in .can */
        CANRING_KIND_EVENT = 4, /* an event in .event (drops, gaps, state changes, end of stream) */
};

/* Record flags (struct canring_record.flags). */
#define CANRING_FLAG_TX    0x01 /* sent by the service's own socket (MSG_CONFIRM) */
#define CANRING_FLAG_LOCAL 0x02 /* sent by some socket on this host (MSG_DONTROUTE) */
#define CANRING_FLAG_BRS   0x04 /* CAN FD bit rate switch (copy of CANFD_BRS) */
#define CANRING_FLAG_ESI   0x08 /* CAN FD error state indicator (copy of CANFD_ESI) */

/* Event types (struct canring_event.type); the meaning of value[] is given per type. */
enum canring_event_type {
        /* The kernel dropped frames on the channel's socket (SO_RXQ_OVFL).
         * value[0] frames dropped since the previous such event, value[1] the kernel's running
         * total. */
        CANRING_EVENT_SOCKET_DROP = 1,
        /* The producer could not publish frames into the ring (tethered back-pressure).
         * value[0] frames not published since the previous such event, value[1] running total. */
        CANRING_EVENT_RING_DROP = 2,
        /* Frames may be missing here for a reason the producer knows but cannot count.
         * value[0] length of the gap in ns (0 if unknown), value[1] a producer-defined reason code.
         */
        CANRING_EVENT_GAP = 3,
        /* The channel's bus state changed. value[0] new state, value[1] old state (enum can_state
         * of <linux/can/netlink.h>), value[2] (tx error counter << 16) | rx error counter. */
        CANRING_EVENT_BUS_STATE = 4,
        /* The interface went down / came up. value[0] ifindex. */
        CANRING_EVENT_IF_DOWN = 5,
        CANRING_EVENT_IF_UP = 6,
        /* The producer ended the stream cleanly; nothing follows in this ring.
         * value[0] the number of records published in the ring before this one. */
        CANRING_EVENT_END_OF_STREAM = 7,
        /* The interface itself dropped received frames (its statistics: rx_dropped,
         * rx_over_errors, rx_fifo_errors, rx_missed_errors). value[0] frames dropped since the
         * previous such event, value[1] the interface's running total since the service began. */
        CANRING_EVENT_IF_DROP = 8,
};

struct canring_event {
        uint32_t type;     /* enum canring_event_type */
        uint32_t reserved; /* zero */
        uint64_t value[3]; /* per type, see enum canring_event_type */
};

struct canring_record {
        uint64_t seq; /* the record's index in its ring: 0, 1, 2, ... (gaps mean lost records) */
        uint64_t sw_ts_ns; /* software receive time, CLOCK_REALTIME ns (SO_TIMESTAMPING software) */
        uint64_t hw_ts_ns; /* hardware receive time in ns from the driver, 0 when there is none */
        uint16_t channel;  /* channel index in the segment's channel table */
        uint8_t kind;      /* enum canring_kind */
        uint8_t flags;     /* CANRING_FLAG_* */
        uint8_t nslots;    /* slots this record takes: 1, or 2 for CAN FD */
        uint8_t __pad[3];  /* zero */
        union {
                struct can_frame can;       /* CANRING_KIND_CLASSIC and CANRING_KIND_ERROR */
                struct canfd_frame canfd;   /* CANRING_KIND_FD */
                struct canring_event event; /* CANRING_KIND_EVENT */
        };
};

CANRING_STATIC_ASSERT(offsetof(struct canring_record, can) == 32, "record header is 32 bytes");
CANRING_STATIC_ASSERT(sizeof(struct canring_record) <= 2 * CANRING_SLOT_SIZE,
                      "FD record fits 2 slots");
CANRING_STATIC_ASSERT(offsetof(struct canring_record, can) + sizeof(struct can_frame) <=
                          CANRING_SLOT_SIZE,
                      "classic record fits one slot");
CANRING_STATIC_ASSERT(offsetof(struct canring_record, event) + sizeof(struct canring_event) <=
                          CANRING_SLOT_SIZE,
                      "event record fits one slot");

/* Slots a record of this kind takes. */
static inline unsigned canring_kind_slots(unsigned kind)
{
        return kind == CANRING_KIND_FD ? 2 : 1;
}

/*
 * The record's sequence number. Read atomically: a lossy consumer may read a record while the
 * producer overwrites it (the batch is then rejected on release), and this keeps that read defined.
 */
static inline uint64_t canring_record_seq(const struct canring_record *r)
{
        return __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
}

static inline unsigned canring_record_kind(const struct canring_record *r)
{
        return __atomic_load_n(&r->kind, __ATOMIC_RELAXED);
}

static inline int canring_record_is_frame(const struct canring_record *r)
{
        unsigned k = canring_record_kind(r);
        return k == CANRING_KIND_CLASSIC || k == CANRING_KIND_FD || k == CANRING_KIND_ERROR;
}

/* The frame's can_id (with the CAN_EFF_FLAG/CAN_RTR_FLAG/CAN_ERR_FLAG bits), or 0 for an event. */
static inline canid_t canring_record_can_id(const struct canring_record *r)
{
        return canring_record_is_frame(r) ? r->can.can_id : 0; /* can_id is at the same offset */
}

/* Number of data bytes (0..8 classic, 0..64 FD), or 0 for an event. */
static inline unsigned canring_record_len(const struct canring_record *r)
{
        return canring_record_is_frame(r) ? r->can.len : 0; /* len is at the same offset */
}

/* The frame's data bytes, or NULL for an event. */
static inline const uint8_t *canring_record_data(const struct canring_record *r)
{
        return canring_record_is_frame(r) ? r->can.data : NULL; /* data is at the same offset */
}

/* The event body, or NULL if the record is a frame. */
static inline const struct canring_event *canring_record_event(const struct canring_record *r)
{
        return canring_record_kind(r) == CANRING_KIND_EVENT ? &r->event : NULL;
}

#ifdef __cplusplus
}
#endif

#endif
