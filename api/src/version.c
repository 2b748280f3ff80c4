/* SPDX-License-Identifier: MIT */
#include "canring/version.h"

const char *canring_version(void)
{
        return CANRING_VERSION_STRING;
}
