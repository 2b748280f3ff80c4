/* SPDX-License-Identifier: MIT */
/*
 * CAN interface discovery and control, standalone (as `ip -details link` and python-can's
 * detect_available_configs see them). Discovery reads one rtnetlink link dump; bit timing,
 * state, error counters, restart-ms and up/down go through libsocketcan. libsocketcan 0.0.12
 * has no data-phase bit timing (CAN FD): the data bitrate is read and set over rtnetlink here.
 * Changing settings needs CAP_NET_ADMIN; reading does not.
 */
#ifndef CANRING_IFCTL_H
#define CANRING_IFCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/can.h>
#include <linux/can/netlink.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One CAN interface (ARPHRD_CAN). Fields marked "can only" are meaningful when has_bittiming. */
struct canring_ifinfo {
        char name[IF_NAMESIZE]; /* interface name */
        char kind[16];         /* IFLA_INFO_KIND: "can" (controller), "vcan", "vxcan"; "" if none */
        int ifindex;           /* kernel interface index */
        uint32_t mtu;          /* CAN_MTU (16): classic; CANFD_MTU (72): CAN FD */
        bool up;               /* administratively up (IFF_UP) */
        bool running;          /* operationally up (IFF_RUNNING) */
        bool has_bittiming;    /* a controller with bit timing (kind "can") */
        bool has_berr;         /* txerr/rxerr are valid (the driver reports them) */
        bool has_stats;        /* stats is valid */
        uint32_t bitrate;      /* can only: bit/s, 0 not configured */
        uint32_t sample_point; /* can only: tenths of a percent (875 = 87.5 %) */
        uint32_t dbitrate;     /* can only: CAN FD data phase bit/s, 0 none */
        uint32_t dsample_point; /* can only: tenths of a percent */
        uint32_t restart_ms;    /* can only: automatic restart after bus-off, ms; 0 off */
        uint32_t ctrlmode;      /* can only: CAN_CTRLMODE_* flags switched on */
        uint32_t clock_hz;      /* can only: controller clock, Hz */
        int32_t state;          /* can only: enum can_state (CAN_STATE_*), -1 unknown */
        uint16_t txerr;         /* transmit error counter (has_berr) */
        uint16_t rxerr;         /* receive error counter (has_berr) */
        struct can_device_stats
            stats; /* bus errors, warnings, passive, bus-off, restarts (has_stats) */
};

/*
 * Lists the CAN interfaces, sorted by ifindex, into a malloc'd array (*OUT, free() it) of *N
 * entries. A machine without CAN interfaces gives *N = 0 and returns 0. Returns 0 or -errno.
 */
int canring_if_list(struct canring_ifinfo **out, size_t *n);

/* One interface. -ENODEV no such interface, -ENOTTY not a CAN interface. */
int canring_if_get(const char *name, struct canring_ifinfo *info, char *err, size_t errlen);

/* "ERROR-ACTIVE", "ERROR-WARNING", "ERROR-PASSIVE", "BUS-OFF", "STOPPED", "SLEEPING", "unknown". */
const char *canring_if_state_name(int32_t state);

/* canring_if_config.set bits: which fields of the config apply. */
#define CANRING_IF_SET_BITRATE       (1u << 0)
#define CANRING_IF_SET_SAMPLE_POINT  (1u << 1) /* only with BITRATE */
#define CANRING_IF_SET_DBITRATE      (1u << 2) /* switches CAN FD mode on */
#define CANRING_IF_SET_DSAMPLE_POINT (1u << 3) /* only with DBITRATE */
#define CANRING_IF_SET_RESTART_MS    (1u << 4)

struct canring_if_config {
        uint32_t set;           /* CANRING_IF_SET_* */
        uint32_t bitrate;       /* bit/s, > 0 */
        uint32_t sample_point;  /* tenths of a percent, 1..999; the kernel picks one when not set */
        uint32_t dbitrate;      /* data phase bit/s, > 0 */
        uint32_t dsample_point; /* tenths of a percent, 1..999 */
        uint32_t restart_ms;    /* ms; 0 switches automatic restart off */
};

/*
 * Checks CFG against INFO without touching anything: -EOPNOTSUPP for bit timing or restart-ms
 * on an interface without a controller (vcan, vxcan), -EBUSY while the interface is up (the
 * kernel only accepts bit timing and restart-ms on a down interface), -EINVAL for bad values.
 */
int canring_if_check_config(const struct canring_ifinfo *info, const struct canring_if_config *cfg,
                            char *err, size_t errlen);

/* Checks (as above) then applies CFG to interface NAME. Returns 0 or -errno with ERR. */
int canring_if_configure(const char *name, const struct canring_if_config *cfg, char *err,
                         size_t errlen);

/*
 * `canring if NAME set ...` in one call: checks CFG against the state NAME will have (down when
 * DOWN_FIRST), then brings it down (DOWN_FIRST), applies CFG (if CFG->set), brings it up (UP_LAST).
 * Nothing is changed when the check fails. Returns 0 or -errno with ERR.
 */
int canring_if_apply(const char *name, const struct canring_if_config *cfg, bool down_first,
                     bool up_last, char *err, size_t errlen);

/* Brings NAME up or down. A controller needs a bitrate before it can go up. */
int canring_if_set_up(const char *name, bool up, char *err, size_t errlen);

/* Restarts a controller after bus-off (only when it is bus-off and restart-ms is 0). */
int canring_if_restart(const char *name, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
