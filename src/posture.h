/*
 * Included first by every .c file: feature macros, the system headers
 * everyone needs, and banned.h last so that it sees their prototypes.
 */
#ifndef POSTURE_H
#define POSTURE_H

#define _GNU_SOURCE 1

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POSTURE_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define P_WARN_UNUSED __attribute__((warn_unused_result))
#define P_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define P_NORETURN __attribute__((noreturn))
#else
#define P_WARN_UNUSED
#define P_PRINTF(f, a)
#define P_NORETURN
#endif

#include "banned.h"

#endif
