/* SPDX-License-Identifier: MIT */
/* Umbrella header: the whole public canring API. */
#ifndef CANRING_CANRING_H
#define CANRING_CANRING_H

#include "canring/version.h"
#include "canring/error.h"
#include "canring/shm.h"
#include "canring/record.h"
#include "canring/producer.h"
#include "canring/consumer.h"

#endif
