/* SPDX-License-Identifier: MIT */
/*
 * canring_log_line_parse() on arbitrary text; an accepted line must print back (ns variant, no
 * padding) to a line that parses to the same entry.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canring/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char text[1024], out[CANRING_LOG_LINE_MAX], err[160];
        struct canring_log_entry a, b;
        int ret;

        if (size >= sizeof(text))
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        ret = canring_log_line_parse(text, &a, err, sizeof(err));
        if (ret != 0) {
                if (ret == -EINVAL && err[0] == '\0')
                        abort();
                return 0;
        }
        if (canring_log_line_print(out, sizeof(out), a.ts_ns, a.ifname, 0, &a.frame, a.mtu, a.dir,
                                   CANRING_LOG_NS | CANRING_PRINT_LEN8_DLC) >= (int)sizeof(out))
                abort();
        if (canring_log_line_parse(out, &b, err, sizeof(err)) != 0 ||
            memcmp(&a, &b, sizeof(a)) != 0)
                abort();
        return 0;
}
