/* SPDX-License-Identifier: MIT */
/*
 * User-space replica of CAN_RAW receive filtering, for consumers that filter a shared stream
 * the way their own socket would. The kernel sorts each filter into a receive list when it is
 * registered (af_can.c can_rcv_list_find) and raw_rcv() counts matches for join; this does the
 * same per frame.
 */
#include "canring/text.h"

#define EFF_RTR_FLAGS (CAN_EFF_FLAG | CAN_RTR_FLAG)

/* Whether one filter registration matches CAN_ID (one delivery to raw_rcv() in the kernel). */
static bool filter_hits(const struct can_filter *f, canid_t can_id)
{
        canid_t id = f->can_id, mask = f->can_mask;
        bool inv = id & CAN_INV_FILTER;

        /* A mask with CAN_ERR_FLAG puts the filter on the error-frame list, inversion ignored. */
        if (mask & CAN_ERR_FLAG) {
                if (!(can_id & CAN_ERR_FLAG))
                        return false;
                return (can_id & mask & CAN_ERR_MASK) != 0;
        }
        if (can_id & CAN_ERR_FLAG) /* error frames never reach the data-frame lists */
                return false;

        /* "SFF only" filters: the kernel drops the 29-bit part of the mask. */
        if ((mask & CAN_EFF_FLAG) && !(id & CAN_EFF_FLAG))
                mask &= CAN_SFF_MASK | EFF_RTR_FLAGS;
        id &= mask;
        if (inv)
                return (can_id & mask) != id;
        return (can_id & mask) == id;
}

bool canring_filter_match(const struct can_filter *filters, size_t count, bool join,
                          can_err_mask_t err_mask, canid_t can_id)
{
        size_t hits = 0, i;

        for (i = 0; i < count; i++)
                hits += filter_hits(&filters[i], can_id);
        /* raw.c registers the error mask as one more filter on the error-frame list. */
        if ((err_mask & CAN_ERR_MASK) && (can_id & CAN_ERR_FLAG) &&
            (can_id & err_mask & CAN_ERR_MASK))
                hits++;
        if (hits == 0)
                return false;
        /*
         * raw_rcv() with join: the first hit is dropped unless there is at most one filter, and the
         * frame goes up when the hit count reaches the number of filters.
         */
        if (join && count > 1)
                return hits >= count;
        return true;
}

bool canring_channel_spec_match(const struct canring_channel_spec *spec, canid_t can_id)
{
        static const struct can_filter all = {0, 0};

        if (spec->nfilters == 0)
                return canring_filter_match(&all, 1, spec->join, spec->err_mask, can_id);
        return canring_filter_match(spec->filters, spec->nfilters, spec->join, spec->err_mask,
                                    can_id);
}
