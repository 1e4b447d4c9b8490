/* ytree.h - a small owned copy of a YAML document (scalars, mappings, sequences, each with its
 * source position), so libyaml's structures never leave ytree.c. Internal to src/scenario. */
#ifndef FLOWSIM_YTREE_H
#define FLOWSIM_YTREE_H

#include <flowsim/util.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
    enum ynode_kind kind;
    const char *src;       /* file name for diagnostics, borrowed from the tree's sources */
    int line, col;         /* 1-based */
    char *text;            /* scalars: the value, NUL-terminated */
    size_t len;            /* scalars: bytes in text (a value may hold a NUL) */
    bool plain;            /* scalars: written without quotes */
    size_t n;              /* maps: 2 x pairs (key, value, key, value ...); seqs: items */
    size_t cap;
    struct ynode **kids;
};

/* Limits on what the loader accepts, so a hostile file is refused fast. */
enum {
    YTREE_MAX_BYTES = 8 << 20,     /* 8 MiB per file */
    YTREE_MAX_DEPTH = 32,
    YTREE_MAX_NODES = 500000,
};

/* Parses text into a tree. src is borrowed and must outlive the tree. line_off/col_off shift
 * reported positions (used for --set values, which sit inside a command-line argument).
 * On error returns NULL and adds diagnostics. An empty document gives an empty scalar. */
struct ynode *flow__ytree_parse(const char *text, size_t len, const char *src, int line_off,
                          int col_off, struct flow_diag *diag);
void flow__ytree_free(struct ynode *n);

struct ynode *flow__ytree_new(enum ynode_kind kind, const char *src, int line, int col);
void flow__ytree_append(struct ynode *parent, struct ynode *kid);
/* Map lookup by key; returns the value node or NULL. */
struct ynode *flow__ytree_get(const struct ynode *map, const char *key);

/* FNV-1a over a tree's kinds, scalars and structure, continuing from h (positions and
 * comments are left out). */
uint64_t flow__ytree_hash(const struct ynode *n, uint64_t h);
/* FNV-1a over n bytes, continuing from h. */
uint64_t flow__hash_bytes(const void *p, size_t n, uint64_t h);

#endif
