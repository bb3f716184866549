#ifndef POSTURE_UTIL_UTF8_H
#define POSTURE_UTIL_UTF8_H

/*
 * Copy s[0..len) to dst replacing every byte that is not part of a valid
 * UTF-8 sequence by U+FFFD, and NUL bytes by U+FFFD too (reports are text,
 * and a NUL would truncate the string for every C consumer downstream).
 * dst must hold utf8_sanitized_max(len) bytes; returns the bytes written
 * (a terminating NUL is added but not counted).
 */
size_t utf8_sanitize(char *dst, const char *s, size_t len);
#define utf8_sanitized_max(len) (3 * (len) + 1)

/*
 * Length of the valid UTF-8 sequence at s (n >= 1 bytes available), or 0
 * when s[0] does not start one (NUL counts as invalid, as above).
 */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* True when s[0..len) is valid UTF-8 without NUL bytes. */
bool utf8_is_clean(const char *s, size_t len);

/* The value of a hex digit (JSON \uXXXX escapes, URL %XX), or -1. */
static inline int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
