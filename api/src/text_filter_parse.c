/* SPDX-License-Identifier: MIT */
/*
 * candump's channel argument "<ifname>[,filter]*" and python-can's filter dicts, turned into
 * the struct can_filter list a CAN_RAW socket takes. candump reads each item with sscanf("%x"),
 * which also swallows signs, "0x" and trailing junk; here every item must be exactly one of the
 * documented forms, so a typo is an error instead of a different filter.
 */
#include <string.h>

#include "canring/text.h"
#include "text_priv.h"

/* Parses 1..8 hex digits at S into *V; returns the digit count or 0 (with ERR) on error. */
static size_t parse_hex32(const char *s, uint32_t *v, const char *what, const char *item,
                          size_t itemlen, char *err, size_t errlen)
{
        size_t n = text_hex_run(s), i;

        if (n == 0 || n > 8) {
                text_fail(err, errlen, "filter '%.*s': %s must have 1..8 hex digits", (int)itemlen,
                          item, what);
                return 0;
        }
        *v = 0;
        for (i = 0; i < n; i++)
                *v = *v << 4 | (uint32_t)text_nibble(s[i]);
        return n;
}

static int parse_item(const char *item, size_t len, struct canring_channel_spec *spec, char *err,
                      size_t errlen)
{
        struct can_filter f;
        size_t n, m;
        uint32_t v;
        char op;

        if (len == 0)
                return text_fail(err, errlen, "empty filter item (stray ',')");
        if (len == 1 && (item[0] == 'j' || item[0] == 'J')) {
                spec->join = true;
                return 0;
        }
        if (item[0] == '#') {
                n = parse_hex32(item + 1, &v, "error mask", item, len, err, errlen);
                if (!n)
                        return -EINVAL;
                if (n + 1 != len)
                        return text_fail(err, errlen,
                                         "filter '%.*s': unexpected text after error mask",
                                         (int)len, item);
                spec->err_mask = v;
                return 0;
        }

        n = parse_hex32(item, &v, "can_id", item, len, err, errlen);
        if (!n)
                return -EINVAL;
        f.can_id = v;
        op = n < len ? item[n] : '\0';
        if (op != ':' && op != '~')
                return text_fail(
                    err, errlen,
                    "filter '%.*s': expected <id>:<mask>, <id>~<mask>, #<err_mask> or j", (int)len,
                    item);
        m = parse_hex32(item + n + 1, &v, "can_mask", item, len, err, errlen);
        if (!m)
                return -EINVAL;
        if (n + 1 + m != len)
                return text_fail(err, errlen, "filter '%.*s': unexpected text after can_mask",
                                 (int)len, item);
        f.can_mask = v & ~CAN_ERR_FLAG; /* candump: error frames only via '#' */
        if (op == '~')
                f.can_id |= CAN_INV_FILTER;
        if (n == 8) /* candump: an 8-digit id means a 29-bit filter */
                f.can_id |= CAN_EFF_FLAG;
        if (spec->nfilters >= CANRING_FILTER_MAX)
                return text_fail(err, errlen, "too many filters (max %d)", CANRING_FILTER_MAX);
        spec->filters[spec->nfilters++] = f;
        return 0;
}

int canring_filter_list_parse(const char *text, struct canring_channel_spec *spec, char *err,
                              size_t errlen)
{
        const char *item = text, *comma;
        int ret;

        if (err && errlen)
                err[0] = '\0';
        spec->nfilters = 0;
        spec->join = false;
        spec->err_mask = 0;
        if (!text || !*text)
                return 0;
        for (;;) {
                comma = strchr(item, ',');
                ret = parse_item(item, comma ? (size_t)(comma - item) : strlen(item), spec, err,
                                 errlen);
                if (ret)
                        return ret;
                if (!comma)
                        return 0;
                item = comma + 1;
        }
}

int canring_channel_spec_parse(const char *text, struct canring_channel_spec *spec, char *err,
                               size_t errlen)
{
        const char *comma;
        size_t n;

        memset(spec, 0, sizeof(*spec));
        if (err && errlen)
                err[0] = '\0';
        if (!text || !*text)
                return text_fail(err, errlen, "empty channel (expected <ifname>[,filter]*)");
        comma = strchr(text, ',');
        n = comma ? (size_t)(comma - text) : strlen(text);
        if (n == 0)
                return text_fail(err, errlen, "missing interface name before ','");
        if (n >= IFNAMSIZ)
                return text_fail(err, errlen, "interface name '%.*s' too long (max %d characters)",
                                 (int)n, text, IFNAMSIZ - 1);
        if (memchr(text, '/', n) || memchr(text, ' ', n) || memchr(text, ':', n))
                return text_fail(err, errlen, "invalid character in interface name '%.*s'", (int)n,
                                 text);
        memcpy(spec->ifname, text, n);
        spec->ifname[n] = '\0';
        spec->any = strcmp(spec->ifname, "any") == 0;
        if (!comma)
                return 0;
        if (comma[1] == '\0')
                return text_fail(err, errlen, "empty filter item (trailing ',')");
        return canring_filter_list_parse(comma + 1, spec, err, errlen);
}

struct can_filter canring_filter_from_python(uint32_t can_id, uint32_t can_mask,
                                             enum canring_py_extended extended)
{
        struct can_filter f = {.can_id = can_id, .can_mask = can_mask};

        if (extended != CANRING_PY_EXTENDED_ABSENT) {
                f.can_mask |= CAN_EFF_FLAG;
                if (extended == CANRING_PY_EXTENDED_TRUE)
                        f.can_id |= CAN_EFF_FLAG;
        }
        return f;
}
