/* SPDX-License-Identifier: MIT */
/*
 * The text formats of can-utils, as a library: the cansend frame syntax, the candump channel and
 * filter syntax (with a user-space matcher that has the kernel's semantics), the candump output
 * forms (compact, long, decoded error frames, timestamp prefixes) and the candump log line, in
 * both directions. docs/formats.md describes every format and where canring departs from
 * can-utils.
 *
 * Frames are struct canfd_frame plus the frame's MTU: with CAN_MTU (16) the first 16 bytes are a
 * struct can_frame (len8_dlc shares its offset with canfd_frame's __res1, and can_frame's __pad
 * with canfd_frame's flags), with CANFD_MTU (72) a CAN FD frame.
 *
 * Printers work like snprintf(): they write at most LEN bytes including the terminating NUL and
 * return the length the full text has (excluding the NUL), so a return value >= LEN means the
 * text was cut. The *_MAX constants below are always large enough.
 *
 * Parsers return 0 or a negative errno (-EINVAL for malformed text) and put a one-line human
 * reason into ERR (which may be NULL; ERRLEN bytes including the NUL).
 */
#ifndef CANRING_TEXT_H
#define CANRING_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/can.h>
#include <linux/can/raw.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- DLC helpers ---------------------------------------------------------------------------- */

/* Payload length (bytes) of a CAN FD data length code 0..15; only the low nibble is used. */
uint8_t canring_can_dlc2len(uint8_t dlc);

/* Smallest CAN FD data length code whose payload holds LEN bytes (LEN > 64 gives 15). */
uint8_t canring_can_len2dlc(uint8_t len);

/* ---- cansend frame syntax ------------------------------------------------------------------- */

/*
 * Parses one frame in cansend syntax (can-utils lib.c parse_canframe), strictly:
 *   <id>#{data}            classic data frame, 0..8 bytes
 *   <id>#{data}_<dlc>      classic frame with 8 bytes and a raw DLC 9..F (len8_dlc)
 *   <id>#R{len}{_<dlc>}    classic remote frame, optional length 0..8 (and len8_dlc with 8)
 *   <id>##<flags>{data}    CAN FD frame, flags one hex nibble (CANFD_BRS 1, CANFD_ESI 2),
 *                          payload one of 0..8,12,16,20,24,32,48,64 bytes
 * <id> is 3 hex digits (standard, <= 7FF) or 8 hex digits (extended: CAN_EFF_FLAG is set; if the
 * value has CAN_ERR_FLAG set it is an error frame instead, as candump logs them). {data} is pairs
 * of hex digits, each pair optionally preceded by one '.', and one trailing '.' is accepted.
 * Returns 0 and sets *MTU to CAN_MTU or CANFD_MTU; -EINVAL with the reason in ERR.
 */
int canring_frame_parse(const char *text, struct canfd_frame *frame, size_t *mtu, char *err,
                        size_t errlen);

/* ---- candump channel and filter syntax ------------------------------------------------------ */

#define CANRING_FILTER_MAX CAN_RAW_FILTER_MAX /* filters per channel: the kernel's own limit */

/*
 * One candump command-line channel argument: <ifname>[,filter]*. Filters are
 *   <id>:<mask>   matches when received_id & mask == id & mask
 *   <id>~<mask>   inverted (CAN_INV_FILTER): matches when they differ
 *   #<err_mask>   error frame classes to receive (CAN_RAW_ERR_FILTER)
 *   j or J        all filters must match (CAN_RAW_JOIN_FILTERS)
 * with 1..8 hex digits per number. As in candump, an <id> of exactly 8 digits sets CAN_EFF_FLAG
 * in the filter's id, and CAN_ERR_FLAG is cleared from every mask.
 */
struct canring_channel_spec {
        char ifname[IFNAMSIZ]; /* NUL-terminated interface name; "any" for all interfaces */
        bool any;              /* ifname is "any": bind to ifindex 0 */
        bool join;             /* 'j'/'J' given: CAN_RAW_JOIN_FILTERS */
        uint16_t nfilters; /* 0: none given, the kernel default applies (0:0, all data frames) */
        can_err_mask_t err_mask; /* '#' value (last one wins); 0: no error frames */
        struct can_filter filters[CANRING_FILTER_MAX]; /* the first NFILTERS are valid */
};

/* Parses "can0,123:7FF,400~700,#FFFFFFFF,j" into SPEC. Returns 0 or -EINVAL with ERR set. */
int canring_channel_spec_parse(const char *text, struct canring_channel_spec *spec, char *err,
                               size_t errlen);

/*
 * Parses only the filter part ("123:7FF,400~700,#FF,j", no interface name; "" is no filters)
 * into SPEC's filters, join and err_mask; SPEC's interface fields are left alone.
 */
int canring_filter_list_parse(const char *text, struct canring_channel_spec *spec, char *err,
                              size_t errlen);

/* python-can's "extended" key of a filter dict: absent, False or True. */
enum canring_py_extended {
        CANRING_PY_EXTENDED_ABSENT = -1, /* matches standard and extended frames */
        CANRING_PY_EXTENDED_FALSE = 0,   /* only standard (11-bit) frames */
        CANRING_PY_EXTENDED_TRUE = 1,    /* only extended (29-bit) frames */
};

/*
 * Converts one python-can filter ({"can_id", "can_mask", "extended"}) to a struct can_filter the
 * way python-can's socketcan backend does: with "extended" present CAN_EFF_FLAG joins the mask,
 * and with extended=True also the id.
 */
struct can_filter canring_filter_from_python(uint32_t can_id, uint32_t can_mask,
                                             enum canring_py_extended extended);

/*
 * Whether a CAN_RAW socket with these settings would deliver a frame with CAN_ID, with the
 * kernel's semantics (net/can/af_can.c, net/can/raw.c): error frames only go through filters with
 * CAN_ERR_FLAG in the mask and through ERR_MASK; data frames through the others, compared after
 * the kernel's mask normalisation, inverted with CAN_INV_FILTER; with JOIN the frame must match
 * as many filter registrations as there are filters. COUNT 0 is an explicitly empty filter list
 * (no data frames); use canring_channel_spec_match() for candump's "no filter given" default.
 */
bool canring_filter_match(const struct can_filter *filters, size_t count, bool join,
                          can_err_mask_t err_mask, canid_t can_id);

/* canring_filter_match() for a parsed channel spec (NFILTERS 0: the kernel default 0:0). */
bool canring_channel_spec_match(const struct canring_channel_spec *spec, canid_t can_id);

/* ---- candump output ------------------------------------------------------------------------- */

/* View flags for the long form, equal to can-utils' CANLIB_VIEW_* values. */
#define CANRING_VIEW_ASCII      0x01u /* -a: ASCII column behind the data (payloads <= 8 bytes) */
#define CANRING_VIEW_BINARY     0x02u /* -i: data bytes as bits */
#define CANRING_VIEW_SWAP       0x04u /* -S: bytes in reverse order, marked with '`' */
#define CANRING_VIEW_ERROR      0x08u /* -e: decoded error frame text on following lines */
#define CANRING_VIEW_INDENT_SFF 0x10u /* standard ids aligned with extended ones (log2long) */

/* Compact-form flags. */
#define CANRING_PRINT_SEP      0x01u /* '.' between data bytes (cansend accepts either) */
#define CANRING_PRINT_LEN8_DLC 0x02u /* append "_<dlc>" for len8_dlc 9..15 (newer can-utils) */

#define CANRING_FRAME_TEXT_MAX 256  /* compact form incl. NUL */
#define CANRING_FRAME_LONG_MAX 768  /* long form incl. NUL (64 bytes in binary view) */
#define CANRING_ERROR_TEXT_MAX 1024 /* decoded error text incl. NUL */
#define CANRING_DUMP_LINE_MAX  2048 /* one candump line (with error text) incl. NUL */
#define CANRING_LOG_LINE_MAX   320  /* one log line incl. NUL */

/* Compact form "123#DEADBEEF" as can-utils sprint_canframe; MTU selects classic or FD form. */
int canring_frame_print(char *buf, size_t len, const struct canfd_frame *frame, size_t mtu,
                        unsigned flags);

/*
 * Long form "123   [4]  DE AD BE EF" as can-utils sprint_long_canframe with VIEW flags (without
 * the error text of CANRING_VIEW_ERROR; see canring_error_frame_print()).
 */
int canring_frame_print_long(char *buf, size_t len, const struct canfd_frame *frame, size_t mtu,
                             unsigned view);

/*
 * Decoded error frame text, e.g. "controller-problem{rx-error-warning}" with SEP between the
 * classes (NULL: ","), as can-utils snprintf_can_error_frame. Empty for non-error frames and for
 * error classes beyond the known ones.
 */
int canring_error_frame_print(char *buf, size_t len, const struct canfd_frame *frame,
                              const char *sep);

/* candump -t modes. */
enum canring_ts_mode {
        CANRING_TS_NONE = 0,       /* no timestamp */
        CANRING_TS_ABSOLUTE = 'a', /* "(1600000000.123456) " */
        CANRING_TS_DATE = 'A',     /* "(2020-09-13 12:26:40.123456) ", local time */
        CANRING_TS_DELTA = 'd',    /* "(000.001000) " since the previous frame */
        CANRING_TS_ZERO = 'z',     /* "(012.345678) " since the first frame */
};

/* Direction of a frame, as candump -x and the log line suffix show it. */
enum canring_dir {
        CANRING_DIR_NONE = 0, /* not recorded: no suffix */
        CANRING_DIR_RX = 'R', /* received from the bus */
        CANRING_DIR_TX = 'T', /* sent by this host (MSG_DONTROUTE on recvmsg) */
};

/* State and options of one candump-style output stream. Zero-initialise, then set the options. */
struct canring_dump_fmt {
        enum canring_ts_mode ts_mode; /* -t */
        unsigned view;                /* CANRING_VIEW_* (-a -i -S -e) */
        bool extra;                   /* -x: "  RX B E" direction and BRS/ESI column */
        int ifname_width;             /* names are right-aligned to this width (candump: longest) */
        int64_t last_sec;             /* -t d/z state: previous or first timestamp, 0 = none yet */
        int64_t last_usec;
};

/*
 * The timestamp prefix candump -t prints, from a ns timestamp (truncated to microseconds like
 * SO_TIMESTAMP). Updates FMT's delta state. Empty for CANRING_TS_NONE.
 */
int canring_dump_timestamp_print(char *buf, size_t len, struct canring_dump_fmt *fmt,
                                 uint64_t ts_ns);

/*
 * One line of candump's default output including the trailing "\n":
 * " " ts " " ifname [extra] "  " long-frame [ "\n\t" error text ] "\n".
 * DIR is used only with FMT->extra (CANRING_DIR_NONE prints as RX).
 */
int canring_dump_line_print(char *buf, size_t len, struct canring_dump_fmt *fmt, uint64_t ts_ns,
                            const char *ifname, const struct canfd_frame *frame, size_t mtu,
                            enum canring_dir dir);

/* ---- candump log lines ---------------------------------------------------------------------- */

#define CANRING_LOG_NS 0x01u /* nine fraction digits (canring's ns log) instead of six */

/*
 * One log line "(1600000000.123456) can0 123#DEADBEEF\n" as candump -l/-L writes it, with
 * " R"/" T" appended for CANRING_DIR_RX/TX (candump -x) and IFNAME right-aligned to
 * IFNAME_WIDTH (candump pads to its longest name; 0 for none). FLAGS: CANRING_LOG_NS,
 * CANRING_PRINT_LEN8_DLC.
 */
int canring_log_line_print(char *buf, size_t len, uint64_t ts_ns, const char *ifname,
                           int ifname_width, const struct canfd_frame *frame, size_t mtu,
                           enum canring_dir dir, unsigned flags);

struct canring_log_entry {
        uint64_t ts_ns; /* timestamp, ns since the epoch (6-digit logs: a multiple of 1000) */
        char ifname[IFNAMSIZ];    /* NUL-terminated interface name as logged */
        struct canfd_frame frame; /* the frame, as canring_frame_parse() gives it */
        size_t mtu;               /* CAN_MTU or CANFD_MTU */
        enum canring_dir dir;     /* from the " R"/" T" suffix, CANRING_DIR_NONE without one */
};

/*
 * Parses one log line (a trailing "\n" or "\r\n" is allowed). The timestamp may have 1..9
 * fraction digits. Returns 0; -ENODATA for lines that carry no frame and that log readers skip
 * (empty, '#' comments, candump's "DROPCOUNT:" notes); -EINVAL with the reason in ERR.
 */
int canring_log_line_parse(const char *line, struct canring_log_entry *entry, char *err,
                           size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
