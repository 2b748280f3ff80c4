/* SPDX-License-Identifier: MIT */
/*
 * Decoded error frame text as candump -e prints it (can-utils 2020.11 snprintf_can_error_frame).
 * The tables are in bit order of <linux/can/error.h>; the names are candump's, taken from the
 * installed binary so that the text is byte-identical.
 */
#include <linux/can/error.h>

#include "canring/text.h"
#include "text_priv.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Bits of the CAN_ERR_* class in can_id, from CAN_ERR_TX_TIMEOUT up. */
static const char *const error_classes[] = {
    "tx-timeout",
    "lost-arbitration",
    "controller-problem",
    "protocol-violation",
    "transceiver-status",
    "no-acknowledgement-on-tx",
    "bus-off",
    "bus-error",
    "restarted-after-bus-off",
};

/* data[1] bits, CAN_ERR_CRTL_*. */
static const char *const controller_problems[] = {
    "rx-overflow",      "tx-overflow",      "rx-error-warning",     "tx-error-warning",
    "rx-error-passive", "tx-error-passive", "back-to-error-active",
};

/* data[2] bits, CAN_ERR_PROT_*. */
static const char *const protocol_violation_types[] = {
    "single-bit-error",       "frame-format-error", "bit-stuffing-error", "tx-dominant-bit-error",
    "tx-recessive-bit-error", "bus-overload",       "active-error",       "error-on-tx",
};

/* data[3] values, CAN_ERR_PROT_LOC_*. */
static const char *const protocol_violation_locations[] = {
    "unspecified",   "unspecified",       "id.28-to-id.21",     "start-of-frame",
    "bit-srtr",      "bit-ide",           "id.20-to-id.18",     "id.17-to-id.13",
    "crc-sequence",  "reserved-bit-0",    "data-field",         "data-length-code",
    "bit-rtr",       "reserved-bit-1",    "id.4-to-id.0",       "id.12-to-id.5",
    "unspecified",   "active-error-flag", "intermission",       "tolerate-dominant-bits",
    "unspecified",   "unspecified",       "passive-error-flag", "error-delimiter",
    "crc-delimiter", "acknowledge-slot",  "end-of-frame",       "acknowledge-delimiter",
    "overload-flag", "unspecified",       "unspecified",        "unspecified",
};

static void append_bit_names(char *buf, size_t len, size_t *pos, uint8_t bits,
                             const char *const *names, size_t count)
{
        size_t i, n = 0;

        for (i = 0; i < count; i++) {
                if (!(bits & (1u << i)))
                        continue;
                text_append(buf, len, pos, "%s%s", n++ ? "," : "", names[i]);
        }
}

int canring_error_frame_print(char *buf, size_t len, const struct canfd_frame *frame,
                              const char *sep)
{
        canid_t class = frame->can_id & CAN_EFF_MASK;
        size_t pos = 0, i, classes = 0;

        if (len)
                buf[0] = '\0';
        if (!(frame->can_id & CAN_ERR_FLAG))
                return 0;
        /* candump rejects classes above this bound (it complains on stderr and prints nothing). */
        if (class > (1u << ARRAY_SIZE(error_classes)))
                return 0;
        if (!sep)
                sep = ",";

        for (i = 0; i < ARRAY_SIZE(error_classes); i++) {
                canid_t mask = 1u << i;

                if (!(class & mask))
                        continue;
                text_append(buf, len, &pos, "%s%s", classes++ ? sep : "", error_classes[i]);
                if (mask == CAN_ERR_LOSTARB) {
                        text_append(buf, len, &pos, "{at bit %d}", frame->data[0]);
                } else if (mask == CAN_ERR_CRTL) {
                        text_append(buf, len, &pos, "{");
                        append_bit_names(buf, len, &pos, frame->data[1], controller_problems,
                                         ARRAY_SIZE(controller_problems));
                        text_append(buf, len, &pos, "}");
                } else if (mask == CAN_ERR_PROT) {
                        text_append(buf, len, &pos, "{{");
                        append_bit_names(buf, len, &pos, frame->data[2], protocol_violation_types,
                                         ARRAY_SIZE(protocol_violation_types));
                        text_append(buf, len, &pos, "}{");
                        if (frame->data[3] > 0 &&
                            frame->data[3] < ARRAY_SIZE(protocol_violation_locations))
                                text_append(buf, len, &pos, "%s",
                                            protocol_violation_locations[frame->data[3]]);
                        text_append(buf, len, &pos, "}}");
                }
        }
        /* candump puts the separator here even when no class was printed. */
        if (frame->data[6] || frame->data[7])
                text_append(buf, len, &pos, "%serror-counter-tx-rx{{%d}{%d}}", sep, frame->data[6],
                            frame->data[7]);
        return (int)pos;
}
