/*
 * Calls that must not appear in posture: unbounded string functions,
 * allocation that does not abort on OOM, and non-reentrant time helpers.
 * Use pbuf, xmalloc/xfree, ptime_* and util/num.h instead.
 */
#ifndef POSTURE_BANNED_H
#define POSTURE_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_posture

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
