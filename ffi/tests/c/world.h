/* The test world, built only through partcert's own C issuing functions
 * with fixed seeds and fixed times, so every run signs the same bytes.
 *
 * Acme's root (for the maker "Acme") certifies a factory line (boards,
 * screens, batteries of "Acme") and a pairing service. Two handsets are
 * built and paired at the factory: handset A (board, screen, keyed
 * battery), later reported stolen in London, and handset D, a clean donor.
 * The UK National Register (a blocklist root) certifies a publisher for
 * epoch 1 that signs the snapshots: s1 (epoch 1 sequence 1, empty) and s2
 * (epoch 1 sequence 2, handset A and its parts listed), plus the delta
 * from s1 to s2. The trust store pins both roots and holds the line's
 * certificate in its chain pool. */
#ifndef PARTCERT_TEST_WORLD_H
#define PARTCERT_TEST_WORLD_H

#include "harness.h"

#define T0 1700000000ULL
#define DAY 86400ULL
#define YEARS(n) (T0 + (uint64_t)(n) * 365ULL * DAY)
/* When s1 and s2 were signed, and how long they stay fresh. */
#define S1_AT (T0 + 10 * DAY)
#define S2_AT (T0 + 20 * DAY)
#define LIST_LIFE (30 * DAY)
/* The theft, and a time after s2 while it is fresh. */
#define STOLEN_AT (T0 + 15 * DAY)
#define NOW (T0 + 21 * DAY)

#define IMEI_A 356938035643809ULL /* the stolen handset */
#define IMEI_D 490154203237518ULL /* the clean donor */
#define IMEI_X 350000000000006ULL /* no handset's, listed nowhere */

/* The one epoch the register's publisher is certified for. */
#define PUBLISHER_EPOCH 1

typedef struct world {
    partcert_authority *root;          /* Acme root */
    partcert_authority *line;          /* Acme line 3 (part issuer) */
    partcert_authority *pairing;       /* Acme pairing service */
    partcert_authority *register_root; /* UK National Register */
    partcert_authority *publisher;     /* the register's blocklist authority */
    partcert_slice root_cert, register_cert; /* borrowed from their authorities */
    partcert_bytes *line_cert, *pairing_cert;
    partcert_bytes *board_a, *screen_a, *battery_a; /* handset A's parts */
    partcert_bytes *board_d, *screen_d;             /* handset D's parts */
    partcert_bytes *record_a, *record_d;            /* factory pairing records */
    partcert_bytes *s1, *s2, *delta12;              /* blocklist snapshots, delta */
    partcert_trust_store *trust;                    /* roots pinned, line pooled */
} world;

static void seed_of(uint8_t seed[PARTCERT_SEED_LEN], uint8_t n) {
    memset(seed, n, PARTCERT_SEED_LEN);
}

/* The seed of handset A's battery, which has a secure element. */
#define BATTERY_SEED 20

/* The bytes of a partcert_bytes. */
static const uint8_t *bdata(const partcert_bytes *bytes) { return partcert_bytes_data(bytes); }
static size_t blen(const partcert_bytes *bytes) { return partcert_bytes_len(bytes); }

/* A borrowed string for the lists of names the issuing functions take. */
__attribute__((unused)) static partcert_str str_of(const char *text) {
    partcert_str s = {text, strlen(text)};
    return s;
}

/* Loads the authority with key `seed_n` and certificate `cert`. */
static partcert_authority *load_authority(uint8_t seed_n, const partcert_bytes *cert) {
    uint8_t seed[PARTCERT_SEED_LEN];
    partcert_authority *authority = NULL;
    seed_of(seed, seed_n);
    OK(partcert_authority_new(seed, bdata(cert), blen(cert), &authority, E));
    return authority;
}

/* The public key of the key with seed `seed_n`. */
static void key_of(uint8_t seed_n, uint8_t key[PARTCERT_PUBLIC_KEY_LEN]) {
    uint8_t seed[PARTCERT_SEED_LEN];
    seed_of(seed, seed_n);
    OK(partcert_public_key_from_seed(seed, key, E));
}

/* A manufacturer root (key `seed_n`) for the one maker `maker`. */
__attribute__((unused)) static partcert_authority *make_manufacturer_root(const char *name,
                                                                          const char *maker,
                                                                          uint8_t seed_n) {
    uint8_t seed[PARTCERT_SEED_LEN];
    partcert_str makers[] = {str_of(maker)};
    partcert_authority *root = NULL;
    seed_of(seed, seed_n);
    OK(partcert_authority_new_manufacturer_root(seed, name, strlen(name), makers, 1, T0,
                                                YEARS(30), &root, E));
    return root;
}

/* A factory line (key `seed_n`) certified by `by` for `kinds` of `maker`. */
static partcert_authority *make_line(partcert_authority *by, const char *name, uint8_t seed_n,
                                     const uint16_t *kinds, size_t kind_count,
                                     const char *maker, uint64_t serial,
                                     partcert_bytes **cert_out) {
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN];
    partcert_str makers[] = {str_of(maker)};
    partcert_bytes *cert = NULL;
    key_of(seed_n, key);
    OK(partcert_authority_certify_part_issuer(by, name, strlen(name), key, kinds, kind_count,
                                              makers, 1, serial, T0, YEARS(20), &cert, E));
    *cert_out = cert;
    return load_authority(seed_n, cert);
}

/* A pairing service (key `seed_n`) certified by the manufacturer root `by`. */
static partcert_authority *make_pairing_service(partcert_authority *by, const char *name,
                                                uint8_t seed_n, uint64_t serial,
                                                partcert_bytes **cert_out) {
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN];
    partcert_bytes *cert = NULL;
    key_of(seed_n, key);
    OK(partcert_authority_certify_pairing_service(by, name, strlen(name), key, serial, T0,
                                                  YEARS(20), &cert, E));
    *cert_out = cert;
    return load_authority(seed_n, cert);
}

/* A delegated blocklist signer (key `seed_n`) certified by the blocklist
 * root `by` for `epoch`. */
static partcert_authority *make_publisher(partcert_authority *by, const char *name,
                                          uint8_t seed_n, uint64_t epoch, uint64_t serial) {
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN];
    partcert_bytes *cert = NULL;
    partcert_authority *publisher;
    key_of(seed_n, key);
    OK(partcert_authority_certify_blocklist_authority(by, name, strlen(name), key, epoch,
                                                      serial, T0, YEARS(20), &cert, E));
    publisher = load_authority(seed_n, cert);
    partcert_bytes_free(cert);
    return publisher;
}

/* An "Acme" "A1" part of `kind` certified by `line`. */
static partcert_bytes *make_part(partcert_authority *line, uint16_t kind, const char *serial,
                                 const uint64_t *imeis, size_t imei_count,
                                 const uint8_t *public_key, uint64_t serial_number) {
    partcert_bytes *cert = NULL;
    partcert_part_spec *spec = NULL;
    OK(partcert_part_spec_new(kind, "Acme", 4, "A1", 2, serial, strlen(serial), &spec, E));
    for (size_t i = 0; i < imei_count; i++) OK(partcert_part_spec_add_imei(spec, imeis[i], E));
    if (public_key != NULL) OK(partcert_part_spec_set_public_key(spec, public_key, E));
    OK(partcert_authority_certify_part(line, spec, serial_number, T0, YEARS(30), &cert, E));
    partcert_part_spec_free(spec);
    return cert;
}

static partcert_bytes *make_record(partcert_authority *pairing, partcert_bytes *board,
                                   partcert_bytes **parts, size_t part_count) {
    partcert_slice slices[4];
    partcert_bytes *record = NULL;
    for (size_t i = 0; i < part_count; i++) {
        slices[i].data = bdata(parts[i]);
        slices[i].len = blen(parts[i]);
    }
    OK(partcert_authority_pair(pairing, bdata(board), blen(board), slices, part_count, 1,
                               PARTCERT_PAIRING_EVENT_FACTORY_BUILD, T0 + 100, &record, E));
    return record;
}

static void world_build(world *w) {
    uint8_t seed[PARTCERT_SEED_LEN], battery_key[PARTCERT_PUBLIC_KEY_LEN];
    const uint16_t kinds[] = {PARTCERT_PART_KIND_BOARD, PARTCERT_PART_KIND_SCREEN,
                              PARTCERT_PART_KIND_BATTERY};
    const uint64_t imei_a[] = {IMEI_A}, imei_d[] = {IMEI_D};
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    memset(w, 0, sizeof *w);

    w->root = make_manufacturer_root("Acme root", "Acme", 1);
    w->root_cert = partcert_authority_certificate(w->root);
    w->line = make_line(w->root, "Acme line 3", 2, kinds, 3, "Acme", 2, &w->line_cert);
    w->pairing = make_pairing_service(w->root, "Acme pairing", 3, 3, &w->pairing_cert);
    seed_of(seed, 4);
    OK(partcert_authority_new_blocklist_root(seed, "UK National Register", 20, T0, YEARS(30),
                                             &w->register_root, E));
    w->register_cert = partcert_authority_certificate(w->register_root);
    w->publisher = make_publisher(w->register_root, "UK register publisher", 5,
                                  PUBLISHER_EPOCH, 2);

    seed_of(seed, BATTERY_SEED);
    OK(partcert_public_key_from_seed(seed, battery_key, E));
    w->board_a = make_part(w->line, PARTCERT_PART_KIND_BOARD, "BRD-A", imei_a, 1, NULL, 10);
    w->screen_a = make_part(w->line, PARTCERT_PART_KIND_SCREEN, "SCR-A", NULL, 0, NULL, 11);
    w->battery_a =
        make_part(w->line, PARTCERT_PART_KIND_BATTERY, "BAT-A", NULL, 0, battery_key, 12);
    w->board_d = make_part(w->line, PARTCERT_PART_KIND_BOARD, "BRD-D", imei_d, 1, NULL, 20);
    w->screen_d = make_part(w->line, PARTCERT_PART_KIND_SCREEN, "SCR-D", NULL, 0, NULL, 21);
    {
        partcert_bytes *parts_a[] = {w->screen_a, w->battery_a};
        partcert_bytes *parts_d[] = {w->screen_d};
        w->record_a = make_record(w->pairing, w->board_a, parts_a, 2);
        w->record_d = make_record(w->pairing, w->board_d, parts_d, 1);
    }

    OK(partcert_authority_publish_snapshot(w->publisher, PUBLISHER_EPOCH, 1, S1_AT,
                                           S1_AT + LIST_LIFE, entries, &w->s1, E));
    /* Handset A is reported stolen: its IMEI and every part paired to it. */
    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w->record_a),
                                                       blen(w->record_a),
                                                       PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                       PARTCERT_LISTING_STATUS_FINAL, E));
    OK(partcert_authority_publish_snapshot(w->publisher, PUBLISHER_EPOCH, 2, S2_AT,
                                           S2_AT + LIST_LIFE, entries, &w->s2, E));
    partcert_blocklist_entries_free(entries);
    OK(partcert_authority_publish_delta(w->publisher, bdata(w->s1), blen(w->s1), bdata(w->s2),
                                        blen(w->s2), &w->delta12, E));

    w->trust = partcert_trust_store_new();
    OK(partcert_trust_store_add_manufacturer_root(w->trust, w->root_cert.data,
                                                  w->root_cert.len, NULL, E));
    OK(partcert_trust_store_add_blocklist_root(w->trust, w->register_cert.data,
                                               w->register_cert.len, NULL, E));
    OK(partcert_trust_store_add_chain_certificate(w->trust, bdata(w->line_cert),
                                                  blen(w->line_cert), E));
}

static void world_free(world *w) {
    partcert_authority_free(w->root);
    partcert_authority_free(w->line);
    partcert_authority_free(w->pairing);
    partcert_authority_free(w->register_root);
    partcert_authority_free(w->publisher);
    partcert_bytes_free(w->line_cert);
    partcert_bytes_free(w->pairing_cert);
    partcert_bytes_free(w->board_a);
    partcert_bytes_free(w->screen_a);
    partcert_bytes_free(w->battery_a);
    partcert_bytes_free(w->board_d);
    partcert_bytes_free(w->screen_d);
    partcert_bytes_free(w->record_a);
    partcert_bytes_free(w->record_d);
    partcert_bytes_free(w->s1);
    partcert_bytes_free(w->s2);
    partcert_bytes_free(w->delta12);
    partcert_trust_store_free(w->trust);
    memset(w, 0, sizeof *w);
}

/* A trust store pinning the roots only (no chain pool): parts need their
 * chain in the evidence. */
__attribute__((unused)) static partcert_trust_store *trust_without_pool(const world *w) {
    partcert_trust_store *trust = partcert_trust_store_new();
    OK(partcert_trust_store_add_manufacturer_root(trust, w->root_cert.data, w->root_cert.len,
                                                  NULL, E));
    OK(partcert_trust_store_add_blocklist_root(trust, w->register_cert.data,
                                               w->register_cert.len, NULL, E));
    return trust;
}

/* A blocklist holding s2 (applied as s1 then the delta). */
__attribute__((unused)) static partcert_blocklist *blocklist_at_s2(const world *w) {
    partcert_blocklist *blocklist = partcert_blocklist_new();
    partcert_list_version version = {0, 0};
    OK(partcert_blocklist_apply_snapshot(blocklist, w->trust, bdata(w->s1), blen(w->s1), S1_AT,
                                         &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 1);
    OK(partcert_blocklist_apply_delta(blocklist, w->trust, bdata(w->delta12),
                                      blen(w->delta12), S2_AT, &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    return blocklist;
}

/* Evidence for a part: its certificate alone (the pool has the line's). */
static partcert_part_evidence *evidence_for(const world *w, const partcert_bytes *part) {
    partcert_part_evidence *evidence = NULL;
    (void)w;
    OK(partcert_part_evidence_new(bdata(part), blen(part), &evidence, E));
    return evidence;
}

/* Evidence for a part carrying its own chain (for a store without pool). */
__attribute__((unused)) static partcert_part_evidence *evidence_with_chain(
    const world *w, const partcert_bytes *part) {
    partcert_part_evidence *evidence = evidence_for(w, part);
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(w->line_cert),
                                                    blen(w->line_cert), E));
    return evidence;
}

/* Verifies `evidence` at `now` and returns the verdict (NULL on failure). */
__attribute__((unused)) static partcert_verdict *verify(const world *w,
                                                        const partcert_blocklist *blocklist,
                                                        const partcert_part_evidence *evidence,
                                                        uint64_t now) {
    partcert_verdict *verdict = NULL;
    OK(partcert_verify_part(w->trust, blocklist, NULL, 0, evidence, now, &verdict, E));
    return verdict;
}

/* The 32 bytes at `a` equal those at `b`. */
__attribute__((unused)) static int same_id(const uint8_t *a, const uint8_t *b) {
    return a != NULL && b != NULL && memcmp(a, b, 32) == 0;
}

#endif /* PARTCERT_TEST_WORLD_H */
