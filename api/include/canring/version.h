/* SPDX-License-Identifier: MIT */
#ifndef CANRING_VERSION_H
#define CANRING_VERSION_H

#define CANRING_VERSION_STRING "0.1.0" /* kept equal to project(VERSION) in CMakeLists.txt */

/* The library's version string, for programs linked against a shared libcanring. */
const char *canring_version(void);

#endif
