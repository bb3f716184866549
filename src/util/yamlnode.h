#ifndef POSTURE_UTIL_YAMLNODE_H
#define POSTURE_UTIL_YAMLNODE_H

/*
 * Small questions about libyaml document nodes that every YAML reader of
 * posture asks (inventory, exceptions files): what a node is, in words for
 * error messages, and whether a scalar is YAML's null.
 */
#include <stdbool.h>
#include <yaml.h>

/* "a scalar", "a list", "a mapping" or "empty": for "'x' is a list, not a string". */
const char *yamlnode_type(const yaml_node_t *n);

/* A plain scalar that YAML 1.1/1.2 reads as null: empty, ~, null, Null, NULL. */
bool yamlnode_is_null(const yaml_node_t *n);

#endif
