/*
 * TLS problems found by the network scanners that report handshakes
 * (nmap's ssl-enum-ciphers and ssl-cert, sslscan): one set of rule ids
 * and severities, so that the same server scanned by two tools gives the
 * same findings. Strings returned live in the arena given. The rules are
 * documented in docs/formats/nmap.md and docs/formats/sslscan.md.
 */
#ifndef POSTURE_PARSE_TLSCHECK_H
#define POSTURE_PARSE_TLSCHECK_H

#include "model/evidence.h"

/*
 * "SSLv2", "SSLv3", "TLSv1.0" ... "TLSv1.3" from nmap's table keys
 * ("TLSv1.0") and sslscan's type/version pairs ("tls", "1.0"; "ssl", "3").
 * NULL for anything else.
 */
const char *tls_protocol(const char *type, const char *version);

/* SSLv2 and SSLv3 high, TLSv1.0 and TLSv1.1 medium, others SEV_NONE (no problem). */
enum severity tls_protocol_severity(const char *protocol);

/* "tls-tlsv1.0-enabled" for a deprecated protocol. */
const char *tls_protocol_rule(struct arena *a, const char *protocol);

/* "https://host:port" (an IPv6 address in brackets). */
const char *tls_url(struct arena *a, const char *host, const char *port);

/* A signature algorithm broken for certificates: MD2, MD4, MD5, SHA-1. */
bool tls_weak_signature(const char *algorithm);

/*
 * The fixed parts of a TLS evidence: kind dast, rule, title, severity,
 * url; the tool's own value in severity_raw stays the caller's.
 */
void tls_evidence(struct evidence *ev, const char *rule, const char *title, enum severity sev,
		  const char *url);

#endif
