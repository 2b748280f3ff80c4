/* SPDX-License-Identifier: MIT */
/*
 * canring_channel_spec_parse() on arbitrary text; accepted specs must be in bounds and usable by
 * the matcher.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canring/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct canring_channel_spec spec;
        static char text[16384];
        char err[160];
        canid_t id = 0;

        if (size >= sizeof(text))
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (size >= 4)
                memcpy(&id, data, 4); /* the first bytes double as a frame id to match */
        if (canring_channel_spec_parse(text, &spec, err, sizeof(err)) != 0) {
                if (err[0] == '\0')
                        abort();
                return 0;
        }
        if (spec.nfilters > CANRING_FILTER_MAX || spec.ifname[0] == '\0' ||
            strlen(spec.ifname) >= IFNAMSIZ)
                abort();
        (void)canring_channel_spec_match(&spec, id);
        (void)canring_filter_match(spec.filters, spec.nfilters, true, spec.err_mask, id);
        return 0;
}
