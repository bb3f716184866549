/*
 * Asset identities: how a repo URL, an image reference, a URL, a package
 * or a cloud resource id is written once, the same way, whether it comes
 * from posture.yaml, from `ingest --component` or from a report. Pure
 * string functions; results are allocated in the caller's arena.
 *
 * Two names are used:
 *  - the ident, stored in components.ident ("github.com/acme/shop",
 *    "registry.example.com/acme/shop", "https://shop.example.com/api");
 *  - match keys, stored in component_keys, that a report's identifiers
 *    are looked up by ("repo:github.com/acme/shop", "digest:sha256:...",
 *    "url:shop.example.com/api", "cloud:arn:aws:...", "account:1234").
 */
#ifndef POSTURE_INVENTORY_ASSET_H
#define POSTURE_INVENTORY_ASSET_H

#include "util/arena.h"

enum asset_kind {
	ASSET_REPO = 0,
	ASSET_IMAGE,
	ASSET_SERVICE,
	ASSET_URL,
	ASSET_API,
	ASSET_PACKAGE,
	ASSET_CLOUD,
	ASSET__COUNT
};

/* "repo", "image", "service", "url", "api", "package", "cloud" (components.kind). */
const char *asset_kind_name(enum asset_kind k);
int asset_kind_parse(enum asset_kind *out, const char *s);

/*
 * The canonical ident of a raw name of kind k, or NULL when it cannot be
 * one (empty, control characters, longer than ASSET_MAX).
 *  repo:    "https://GitHub.com/acme/shop.git", "git@github.com:acme/shop"
 *           -> "github.com/acme/shop"; a bare "acme/shop" stays as it is
 *  image:   tag and digest dropped, Docker Hub spelled out:
 *           "alpine:3.19" -> "docker.io/library/alpine"
 *  url/api: "HTTPS://Shop.example.com:443/api/" -> "https://shop.example.com/api"
 *           (a URL without a scheme is https)
 *  package: the purl without version, qualifiers and subpath
 *  service, cloud: as written, trimmed
 */
#define ASSET_MAX 2048
const char *asset_ident(struct arena *a, enum asset_kind k, const char *raw);

/*
 * The match key a discovered component of this kind and ident is found
 * by: "url:host/path" for URLs and APIs, else "kind:ident".
 */
const char *asset_key(struct arena *a, enum asset_kind k, const char *ident);

/* The digest inside an image reference ("name@sha256:..."), or NULL. */
const char *asset_image_digest(struct arena *a, const char *ref);

/* "url:" key of a normalized URL: scheme dropped ("url:shop.example.com/api"). */
const char *asset_url_key(struct arena *a, const char *url_ident);

/*
 * The shorter keys a URL key falls back to, one path segment at a time,
 * down to the host: "url:h/a/b" -> "url:h/a" -> "url:h". Writes the next
 * key over `key` (a NUL-terminated string it owns) and returns false when
 * there is none.
 */
bool asset_url_key_parent(char *key);

/* The account field of an ARN ("arn:aws:iam::123456789012:role/x"), or NULL. */
const char *asset_arn_account(struct arena *a, const char *arn);

/* The host-less path of a repo ident ("github.com/acme/shop" -> "acme/shop"), or NULL. */
const char *asset_repo_path(const char *repo_ident);

#endif
