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
 * from s1 to s2. */
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
    partcert_authority *root;       /* Acme root */
    partcert_authority *line;       /* Acme line 3 (part issuer) */
    partcert_authority *pairing;    /* Acme pairing service */
    partcert_authority *register_root; /* UK National Register */
    partcert_authority *publisher;  /* the register's blocklist authority */
    partcert_bytes *root_cert, *line_cert, *pairing_cert, *register_cert;
    partcert_bytes *board_a, *screen_a, *battery_a; /* handset A's parts */
    partcert_bytes *board_d, *screen_d;             /* handset D's parts */
    partcert_bytes *record_a, *record_d;            /* factory pairing records */
    partcert_bytes *s1, *s2, *delta12;              /* blocklist snapshots, delta */
    partcert_trust_store *trust;                    /* roots pinned */
} world;

static void seed_of(uint8_t seed[PARTCERT_SEED_LEN], uint8_t n) {
    memset(seed, n, PARTCERT_SEED_LEN);
}

/* The seed of handset A's battery, which has a secure element. */
#define BATTERY_SEED 20

/* The bytes of a partcert_bytes. */
__attribute__((unused)) static const uint8_t *bdata(const partcert_bytes *bytes) {
    const uint8_t *data = NULL;
    size_t len = 0;
    if (partcert_bytes_data(bytes, &data, &len) != PARTCERT_RESULT_OK) return NULL;
    return data;
}

static size_t blen(const partcert_bytes *bytes) {
    const uint8_t *data = NULL;
    size_t len = 0;
    if (partcert_bytes_data(bytes, &data, &len) != PARTCERT_RESULT_OK) return 0;
    return len;
}

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
    OK(partcert_authority_new(seed, bdata(cert), blen(cert), &authority));
    return authority;
}

/* The public key of the key with seed `seed_n`. */
static void key_of(uint8_t seed_n, uint8_t key[PARTCERT_PUBLIC_KEY_LEN]) {
    uint8_t seed[PARTCERT_SEED_LEN];
    seed_of(seed, seed_n);
    OK(partcert_public_key_from_seed(seed, key));
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
                                                YEARS(30), &root));
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
                                              makers, 1, serial, T0, YEARS(20), &cert));
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
                                                  YEARS(20), &cert));
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
                                                      serial, T0, YEARS(20), &cert));
    publisher = load_authority(seed_n, cert);
    partcert_bytes_free(cert);
    return publisher;
}

static partcert_bytes *make_part(partcert_authority *line, uint16_t kind, const char *serial,
                                 const uint64_t *imeis, size_t imei_count,
                                 const uint8_t *public_key, uint64_t serial_number) {
    partcert_bytes *cert = NULL;
    partcert_part_spec spec = {
        .kind = kind,
        .manufacturer = "Acme", .manufacturer_len = 4,
        .model = "A1", .model_len = 2,
        .serial = serial, .serial_len = strlen(serial),
        .imeis = imeis, .imei_count = imei_count,
        .public_key = public_key,
    };
    OK(partcert_authority_certify_part(line, &spec, serial_number, T0, YEARS(30), &cert));
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
                               PARTCERT_PAIRING_EVENT_FACTORY_BUILD, T0 + 100, &record));
    return record;
}

static void world_build(world *w) {
    uint8_t seed[PARTCERT_SEED_LEN], battery_key[PARTCERT_PUBLIC_KEY_LEN], key_id[32];
    const uint16_t kinds[] = {PARTCERT_PART_KIND_BOARD, PARTCERT_PART_KIND_SCREEN,
                              PARTCERT_PART_KIND_BATTERY};
    const uint64_t imei_a[] = {IMEI_A}, imei_d[] = {IMEI_D};
    partcert_blocklist_entries *entries = NULL;
    memset(w, 0, sizeof *w);

    w->root = make_manufacturer_root("Acme root", "Acme", 1);
    OK(partcert_authority_certificate(w->root, &w->root_cert));
    w->line = make_line(w->root, "Acme line 3", 2, kinds, 3, "Acme", 2, &w->line_cert);
    w->pairing = make_pairing_service(w->root, "Acme pairing", 3, 3, &w->pairing_cert);
    seed_of(seed, 4);
    OK(partcert_authority_new_blocklist_root(seed, "UK National Register", 20, T0, YEARS(30),
                                             &w->register_root));
    OK(partcert_authority_certificate(w->register_root, &w->register_cert));
    w->publisher = make_publisher(w->register_root, "UK register publisher", 5,
                                  PUBLISHER_EPOCH, 2);

    seed_of(seed, BATTERY_SEED);
    OK(partcert_public_key_from_seed(seed, battery_key));
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

    OK(partcert_blocklist_entries_new(&entries));
    OK(partcert_authority_publish_snapshot(w->publisher, PUBLISHER_EPOCH, 1, S1_AT,
                                           S1_AT + LIST_LIFE, entries, &w->s1));
    /* Handset A is reported stolen: its IMEI and every part paired to it. */
    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w->record_a),
                                                       blen(w->record_a),
                                                       PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                       PARTCERT_LISTING_STATUS_FINAL));
    OK(partcert_authority_publish_snapshot(w->publisher, PUBLISHER_EPOCH, 2, S2_AT,
                                           S2_AT + LIST_LIFE, entries, &w->s2));
    partcert_blocklist_entries_free(entries);
    OK(partcert_authority_publish_delta(w->publisher, bdata(w->s1), blen(w->s1), bdata(w->s2),
                                        blen(w->s2), &w->delta12));

    OK(partcert_trust_store_new(&w->trust));
    OK(partcert_trust_store_add_manufacturer_root(w->trust, bdata(w->root_cert),
                                                  blen(w->root_cert), key_id));
    OK(partcert_trust_store_add_blocklist_root(w->trust, bdata(w->register_cert),
                                               blen(w->register_cert), key_id));
}

static void world_free(world *w) {
    partcert_authority_free(w->root);
    partcert_authority_free(w->line);
    partcert_authority_free(w->pairing);
    partcert_authority_free(w->register_root);
    partcert_authority_free(w->publisher);
    partcert_bytes_free(w->root_cert);
    partcert_bytes_free(w->line_cert);
    partcert_bytes_free(w->pairing_cert);
    partcert_bytes_free(w->register_cert);
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

/* A blocklist holding s2 (applied as s1 then the delta). */
static partcert_blocklist *blocklist_at_s2(const world *w) {
    partcert_blocklist *blocklist = NULL;
    partcert_list_version version = {0, 0};
    OK(partcert_blocklist_new(&blocklist));
    OK(partcert_blocklist_apply_snapshot(blocklist, w->trust, bdata(w->s1), blen(w->s1), S1_AT,
                                         &version));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 1);
    OK(partcert_blocklist_apply_delta(blocklist, w->trust, bdata(w->delta12),
                                      blen(w->delta12), S2_AT, &version));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    return blocklist;
}

/* Evidence for a part: its certificate and the line's certificate. */
static partcert_part_evidence *evidence_for(const world *w, const partcert_bytes *part) {
    partcert_part_evidence *evidence = NULL;
    OK(partcert_part_evidence_new(bdata(part), blen(part), &evidence));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(w->line_cert),
                                                    blen(w->line_cert)));
    return evidence;
}

/* A verdict's string field, via a fixed buffer. */
typedef partcert_result (*verdict_string_fn)(const partcert_verdict *, char *, size_t, size_t *);

__attribute__((unused)) static const char *vstr(verdict_string_fn field, const partcert_verdict *verdict) {
    static char buf[8][4096];
    static int next;
    char *out = buf[next++ % 8];
    size_t len = 0;
    out[0] = '\0';
    OK(field(verdict, out, 4096, &len));
    CHECK(strlen(out) == len);
    return out;
}

#endif /* PARTCERT_TEST_WORLD_H */
