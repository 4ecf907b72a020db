/* Every error path of the C ABI: NULL arguments (500), truncated and
 * trailing bytes (100, 101), wrong magic and object types (102, 105),
 * corrupt saved state (112), buffers too small (501, nothing written), bad
 * signatures (200, 202), invalid UTF-8 (502), out-of-range arguments (503),
 * invalid IMEIs (107), invalid fields (111), role, kind and key misuse
 * (302, 303, 204, 205), and blocklist state errors (400, 402, 404, 405,
 * 406). Out-parameters must be untouched by every failing call. */
#include "world.h"

static world w;

#define NUL PARTCERT_RESULT_NULL_ARGUMENT
#define ARG PARTCERT_RESULT_INVALID_ARGUMENT

/* A copy of some bytes, optionally altered. */
typedef struct buffer {
    uint8_t data[1 << 16];
    size_t len;
} buffer;

static buffer *copy_of(const partcert_bytes *bytes) {
    static buffer copies[4];
    static int next;
    buffer *copy = &copies[next++ % 4];
    copy->len = blen(bytes);
    memcpy(copy->data, bdata(bytes), copy->len);
    return copy;
}

/* A verdict, a handset report, a blocklist and evidence to poke at. */
static partcert_verdict *verdict;
static partcert_handset_report *report;
static partcert_blocklist *blocklist;
static partcert_part_evidence *evidence;
static partcert_handset_evidence *handset;
static const partcert_blocklist_status *status;

static void null_arguments_to_constructors_and_builders(void) {
    partcert_trust_store *trust = (partcert_trust_store *)&w; /* sentinel */
    partcert_blocklist *list = (partcert_blocklist *)&w;
    partcert_part_evidence *part = (partcert_part_evidence *)&w;
    partcert_handset_evidence *hand = (partcert_handset_evidence *)&w;
    uint8_t id[32], seed[32] = {1}, nonce[32] = {0};
    uint64_t sequence = 42, clock = 42;
    partcert_list_version version = {42, 42};
    size_t a = 7, b = 7;
    const uint8_t *cert = bdata(w.screen_d);
    size_t cert_len = blen(w.screen_d);

    CHECK_RC(partcert_trust_store_new(NULL), NUL);
    CHECK_RC(partcert_trust_store_add_manufacturer_root(NULL, bdata(w.root_cert),
                                                        blen(w.root_cert), id), NUL);
    CHECK_RC(partcert_trust_store_add_manufacturer_root(w.trust, NULL, 5, id), NUL);
    CHECK_RC(partcert_trust_store_add_manufacturer_root(w.trust, bdata(w.root_cert),
                                                        blen(w.root_cert), NULL), NUL);
    CHECK_RC(partcert_trust_store_add_blocklist_root(NULL, bdata(w.register_cert),
                                                     blen(w.register_cert), id), NUL);
    CHECK_RC(partcert_trust_store_add_blocklist_root(w.trust, NULL, 1, id), NUL);
    CHECK_RC(partcert_trust_store_add_blocklist_root(w.trust, bdata(w.register_cert),
                                                     blen(w.register_cert), NULL), NUL);
    CHECK_RC(partcert_trust_store_apply_revocation_list(NULL, cert, cert_len, &sequence), NUL);
    CHECK_RC(partcert_trust_store_apply_revocation_list(w.trust, NULL, 3, &sequence), NUL);
    CHECK_RC(partcert_trust_store_apply_revocation_list(w.trust, cert, cert_len, NULL), NUL);
    CHECK_RC(partcert_trust_store_root_counts(NULL, &a, &b), NUL);
    CHECK_RC(partcert_trust_store_root_counts(w.trust, NULL, &b), NUL);
    CHECK_RC(partcert_trust_store_root_counts(w.trust, &a, NULL), NUL);
    CHECK(a == 7 && b == 7);

    CHECK_RC(partcert_blocklist_new(NULL), NUL);
    CHECK_RC(partcert_blocklist_new_with_rollback_state(NULL, 4, &list), NUL);
    CHECK_RC(partcert_blocklist_new_with_rollback_state((const uint8_t *)"PCRB", 4, NULL), NUL);
    CHECK_RC(partcert_blocklist_apply_snapshot(NULL, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                               &version), NUL);
    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, NULL, bdata(w.s2), blen(w.s2), NOW,
                                               &version), NUL);
    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, w.trust, NULL, blen(w.s2), NOW,
                                               &version), NUL);
    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                               NULL), NUL);
    CHECK_RC(partcert_blocklist_apply_delta(NULL, w.trust, bdata(w.delta12), blen(w.delta12),
                                            NOW, &version), NUL);
    CHECK_RC(partcert_blocklist_apply_delta(blocklist, NULL, bdata(w.delta12),
                                            blen(w.delta12), NOW, &version), NUL);
    CHECK_RC(partcert_blocklist_apply_delta(blocklist, w.trust, NULL, 9, NOW, &version), NUL);
    CHECK_RC(partcert_blocklist_apply_delta(blocklist, w.trust, bdata(w.delta12),
                                            blen(w.delta12), NOW, NULL), NUL);
    CHECK(sequence == 42 && version.epoch == 42 && version.sequence == 42);
    CHECK_RC(partcert_trust_store_clock_for_root(NULL, id, NOW, &clock), NUL);
    CHECK_RC(partcert_trust_store_clock_for_root(w.trust, NULL, NOW, &clock), NUL);
    CHECK_RC(partcert_trust_store_clock_for_root(w.trust, id, NOW, NULL), NUL);
    {
        bool revoked = true;
        CHECK_RC(partcert_trust_store_revoked_since(NULL, id, id, &revoked, &clock), NUL);
        CHECK_RC(partcert_trust_store_revoked_since(w.trust, NULL, id, &revoked, &clock), NUL);
        CHECK_RC(partcert_trust_store_revoked_since(w.trust, id, NULL, &revoked, &clock), NUL);
        CHECK_RC(partcert_trust_store_revoked_since(w.trust, id, id, NULL, &clock), NUL);
        CHECK_RC(partcert_trust_store_revoked_since(w.trust, id, id, &revoked, NULL), NUL);
        CHECK(revoked);
    }
    CHECK_RC(partcert_blocklist_clock_for(NULL, w.trust, id, NOW, &clock), NUL);
    CHECK_RC(partcert_blocklist_clock_for(blocklist, NULL, id, NOW, &clock), NUL);
    CHECK_RC(partcert_blocklist_clock_for(blocklist, w.trust, NULL, NOW, &clock), NUL);
    CHECK_RC(partcert_blocklist_clock_for(blocklist, w.trust, id, NOW, NULL), NUL);
    CHECK(clock == 42);
    {
        bool follows = false;
        CHECK_RC(partcert_blocklist_follows_any(NULL, &follows), NUL);
        CHECK_RC(partcert_blocklist_follows_any(blocklist, NULL), NUL);
        CHECK(!follows);
    }

    CHECK_RC(partcert_part_evidence_new(NULL, 4, &part), NUL);
    CHECK_RC(partcert_part_evidence_new(cert, cert_len, NULL), NUL);
    CHECK_RC(partcert_part_evidence_add_chain_certificate(NULL, cert, cert_len), NUL);
    CHECK_RC(partcert_part_evidence_add_chain_certificate(evidence, NULL, 1), NUL);
    CHECK_RC(partcert_part_evidence_set_pairing_record(NULL, bdata(w.record_d),
                                                       blen(w.record_d)), NUL);
    CHECK_RC(partcert_part_evidence_set_pairing_record(evidence, NULL, 1), NUL);
    CHECK_RC(partcert_part_evidence_set_challenge(NULL, nonce, cert, cert_len), NUL);
    CHECK_RC(partcert_part_evidence_set_challenge(evidence, NULL, cert, cert_len), NUL);
    CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, NULL, 1), NUL);
    CHECK_RC(partcert_part_evidence_add_presented_imei(NULL, IMEI_A), NUL);
    CHECK_RC(partcert_handset_evidence_new(NULL, 1, &hand), NUL);
    CHECK_RC(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), NULL), NUL);
    CHECK_RC(partcert_handset_evidence_add_modem_imei(NULL, IMEI_D), NUL);
    CHECK_RC(partcert_handset_evidence_add_part(NULL, evidence), NUL);
    CHECK_RC(partcert_handset_evidence_add_part(handset, NULL), NUL);
    CHECK(trust == (partcert_trust_store *)&w);
    CHECK(list == (partcert_blocklist *)&w);
    CHECK(part == (partcert_part_evidence *)&w);
    CHECK(hand == (partcert_handset_evidence *)&w);
    (void)seed;
}

static void null_arguments_to_verification(void) {
    partcert_verdict *v = (partcert_verdict *)&w;
    partcert_handset_report *r = (partcert_handset_report *)&w;
    const uint64_t host = IMEI_D;

    CHECK_RC(partcert_verify_part(NULL, blocklist, NULL, 0, evidence, NOW, &v), NUL);
    CHECK_RC(partcert_verify_part(w.trust, blocklist, NULL, 1, evidence, NOW, &v), NUL);
    CHECK_RC(partcert_verify_part(w.trust, blocklist, &host, 1, NULL, NOW, &v), NUL);
    CHECK_RC(partcert_verify_part(w.trust, blocklist, &host, 1, evidence, NOW, NULL), NUL);
    CHECK_RC(partcert_verify_handset(NULL, blocklist, handset, NOW, &r), NUL);
    CHECK_RC(partcert_verify_handset(w.trust, blocklist, NULL, NOW, &r), NUL);
    CHECK_RC(partcert_verify_handset(w.trust, blocklist, handset, NOW, NULL), NUL);
    CHECK(v == (partcert_verdict *)&w);
    CHECK(r == (partcert_handset_report *)&w);
}

typedef partcert_result (*string_fn)(const partcert_verdict *, char *, size_t, size_t *);
typedef partcert_result (*digest_fn)(const partcert_verdict *, uint8_t *);

static void null_arguments_to_verdict_accessors(void) {
    static const string_fn strings[] = {
        partcert_verdict_part_kind_name, partcert_verdict_manufacturer, partcert_verdict_model,
        partcert_verdict_serial, partcert_verdict_issuer_name, partcert_verdict_root_name,
        partcert_verdict_provenance_service_name, partcert_verdict_summary,
        partcert_verdict_json,
    };
    static const digest_fn digests[] = {
        partcert_verdict_part_id, partcert_verdict_fingerprint, partcert_verdict_issuer_key_id,
        partcert_verdict_root_key_id,
    };
    char buf[16];
    size_t len = 99;
    uint8_t digest[32];
    uint16_t kind = 99;
    uint64_t u64 = 99;
    bool flag = true;
    partcert_binding binding = 99;
    partcert_relation relation = 99;
    partcert_provenance provenance;
    const partcert_blocklist_status *s = NULL;

    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        CHECK_RC(strings[i](NULL, buf, sizeof buf, &len), NUL);
        CHECK_RC(strings[i](verdict, buf, sizeof buf, NULL), NUL);
        CHECK_RC(strings[i](verdict, NULL, 5, &len), NUL);
    }
    for (size_t i = 0; i < sizeof digests / sizeof *digests; i++) {
        CHECK_RC(digests[i](NULL, digest), NUL);
        CHECK_RC(digests[i](verdict, NULL), NUL);
    }
    CHECK(len == 99);
    CHECK_RC(partcert_verdict_part_kind(NULL, &kind), NUL);
    CHECK_RC(partcert_verdict_part_kind(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_imei_count(NULL, &len), NUL);
    CHECK_RC(partcert_verdict_imei_count(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_imei(NULL, 0, &u64), NUL);
    CHECK_RC(partcert_verdict_imei(verdict, 0, NULL), NUL);
    CHECK_RC(partcert_verdict_binding(NULL, &binding), NUL);
    CHECK_RC(partcert_verdict_binding(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_relation(NULL, &relation), NUL);
    CHECK_RC(partcert_verdict_relation(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_provenance(NULL, &flag, &provenance), NUL);
    CHECK_RC(partcert_verdict_provenance(verdict, NULL, &provenance), NUL);
    CHECK_RC(partcert_verdict_provenance(verdict, &flag, NULL), NUL);
    CHECK_RC(partcert_verdict_provenance_imei(NULL, 0, &u64), NUL);
    CHECK_RC(partcert_verdict_provenance_imei(verdict, 0, NULL), NUL);
    CHECK_RC(partcert_verdict_blocklist(NULL, &s), NUL);
    CHECK_RC(partcert_verdict_blocklist(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_is_blocked(NULL, &flag), NUL);
    CHECK_RC(partcert_verdict_is_blocked(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_is_stale(NULL, &flag), NUL);
    CHECK_RC(partcert_verdict_is_stale(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_checked_at(NULL, &u64), NUL);
    CHECK_RC(partcert_verdict_checked_at(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_issuer_revoked_since(NULL, &flag, &u64), NUL);
    CHECK_RC(partcert_verdict_issuer_revoked_since(verdict, NULL, &u64), NUL);
    CHECK_RC(partcert_verdict_issuer_revoked_since(verdict, &flag, NULL), NUL);
    CHECK_RC(partcert_verdict_mismatched_imei_count(NULL, &len), NUL);
    CHECK_RC(partcert_verdict_mismatched_imei_count(verdict, NULL), NUL);
    CHECK_RC(partcert_verdict_mismatched_imei(NULL, 0, &u64), NUL);
    CHECK_RC(partcert_verdict_mismatched_imei(verdict, 0, NULL), NUL);
    CHECK(kind == 99 && u64 == 99 && flag && binding == 99 && relation == 99 && s == NULL);
}

static void null_arguments_to_status_and_report_accessors(void) {
    partcert_blocklist_state state = 99;
    bool flag = true;
    size_t count = 99;
    char buf[64];
    partcert_listing listing;
    partcert_list_checked list;
    uint64_t u64 = 99;
    const partcert_blocklist_status *s = NULL;
    partcert_result outcome = 99;
    uint8_t digest[32];
    partcert_verdict *v = NULL;
    partcert_paired_part missing;

    CHECK_RC(partcert_blocklist_status_state(NULL, &state), NUL);
    CHECK_RC(partcert_blocklist_status_state(status, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_is_stale(NULL, &flag), NUL);
    CHECK_RC(partcert_blocklist_status_is_stale(status, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_listing_count(NULL, &count), NUL);
    CHECK_RC(partcert_blocklist_status_listing_count(status, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_listing(NULL, 0, &listing), NUL);
    CHECK_RC(partcert_blocklist_status_listing(status, 0, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_listing_authority_name(NULL, 0, buf, 64, &count), NUL);
    CHECK_RC(partcert_blocklist_status_listing_authority_name(status, 0, buf, 64, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_list_count(NULL, &count), NUL);
    CHECK_RC(partcert_blocklist_status_list_count(status, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_list(NULL, 0, &list), NUL);
    CHECK_RC(partcert_blocklist_status_list(status, 0, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_list_authority_name(NULL, 0, buf, 64, &count), NUL);
    CHECK_RC(partcert_blocklist_status_list_authority_name(status, 0, NULL, 64, &count), NUL);
    CHECK_RC(partcert_blocklist_status_list_outdated_by_name(NULL, 0, buf, 64, &count), NUL);
    CHECK_RC(partcert_blocklist_status_list_outdated_by_name(status, 0, buf, 64, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_summary(NULL, buf, 64, &count), NUL);
    CHECK_RC(partcert_blocklist_status_summary(status, buf, 64, NULL), NUL);
    CHECK_RC(partcert_blocklist_status_summary(status, NULL, 64, &count), NUL);

    CHECK_RC(partcert_handset_report_imei_count(NULL, &count), NUL);
    CHECK_RC(partcert_handset_report_imei_count(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_imei(NULL, 0, &u64), NUL);
    CHECK_RC(partcert_handset_report_imei(report, 0, NULL), NUL);
    CHECK_RC(partcert_handset_report_pairing_sequence(NULL, &u64), NUL);
    CHECK_RC(partcert_handset_report_pairing_sequence(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_checked_at(NULL, &u64), NUL);
    CHECK_RC(partcert_handset_report_checked_at(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_blocklist(NULL, &s), NUL);
    CHECK_RC(partcert_handset_report_blocklist(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_all_original_and_clean(NULL, &flag), NUL);
    CHECK_RC(partcert_handset_report_all_original_and_clean(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_all_original(NULL, &flag), NUL);
    CHECK_RC(partcert_handset_report_all_original(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_is_blocked(NULL, &flag), NUL);
    CHECK_RC(partcert_handset_report_is_blocked(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_is_stale(NULL, &flag), NUL);
    CHECK_RC(partcert_handset_report_is_stale(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_has_refused_parts(NULL, &flag), NUL);
    CHECK_RC(partcert_handset_report_has_refused_parts(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_part_count(NULL, &count), NUL);
    CHECK_RC(partcert_handset_report_part_count(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_part_outcome(NULL, 0, &outcome), NUL);
    CHECK_RC(partcert_handset_report_part_outcome(report, 0, NULL), NUL);
    CHECK_RC(partcert_handset_report_part_message(NULL, 0, buf, 64, &count), NUL);
    CHECK_RC(partcert_handset_report_part_message(report, 0, buf, 64, NULL), NUL);
    CHECK_RC(partcert_handset_report_part_fingerprint(NULL, 0, digest), NUL);
    CHECK_RC(partcert_handset_report_part_fingerprint(report, 0, NULL), NUL);
    CHECK_RC(partcert_handset_report_part_verdict(NULL, 0, &v), NUL);
    CHECK_RC(partcert_handset_report_part_verdict(report, 0, NULL), NUL);
    CHECK_RC(partcert_handset_report_json(NULL, buf, 64, &count), NUL);
    CHECK_RC(partcert_handset_report_json(report, buf, 64, NULL), NUL);
    CHECK_RC(partcert_handset_report_json(report, NULL, 64, &count), NUL);
    CHECK_RC(partcert_handset_report_missing_count(NULL, &count), NUL);
    CHECK_RC(partcert_handset_report_missing_count(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_missing(NULL, 0, &missing), NUL);
    CHECK_RC(partcert_handset_report_missing(report, 0, NULL), NUL);
    CHECK_RC(partcert_handset_report_mismatched_modem_imei_count(NULL, &count), NUL);
    CHECK_RC(partcert_handset_report_mismatched_modem_imei_count(report, NULL), NUL);
    CHECK_RC(partcert_handset_report_mismatched_modem_imei(NULL, 0, &u64), NUL);
    CHECK_RC(partcert_handset_report_mismatched_modem_imei(report, 0, NULL), NUL);

    CHECK_RC(partcert_blocklist_rollback_state(NULL, digest, 32, &count), NUL);
    CHECK_RC(partcert_blocklist_rollback_state(blocklist, digest, 32, NULL), NUL);
    CHECK_RC(partcert_blocklist_rollback_state(blocklist, NULL, 32, &count), NUL);
    CHECK_RC(partcert_blocklist_save_state(NULL, digest, 32, &count), NUL);
    CHECK_RC(partcert_blocklist_save_state(blocklist, digest, 32, NULL), NUL);
    CHECK_RC(partcert_blocklist_save_state(blocklist, NULL, 32, &count), NUL);
    {
        static const uint8_t junk[32] = "not a saved blocklist state";
        partcert_blocklist *reloaded = NULL;
        CHECK_RC(partcert_blocklist_new_from_saved_state(NULL, junk, 32, &reloaded), NUL);
        CHECK_RC(partcert_blocklist_new_from_saved_state(w.trust, NULL, 32, &reloaded), NUL);
        CHECK_RC(partcert_blocklist_new_from_saved_state(w.trust, junk, 32, NULL), NUL);
        CHECK_RC(partcert_blocklist_new_from_saved_state(w.trust, junk, 32, &reloaded),
                 PARTCERT_RESULT_BAD_MAGIC);
        CHECK(reloaded == NULL);
    }
    CHECK_RC(partcert_blocklist_list_count(NULL, &count), NUL);
    CHECK_RC(partcert_blocklist_list_count(blocklist, NULL), NUL);
    {
        partcert_list_info info;
        CHECK_RC(partcert_blocklist_list(NULL, 0, &info), NUL);
        CHECK_RC(partcert_blocklist_list(blocklist, 0, NULL), NUL);
    }
    CHECK_RC(partcert_blocklist_list_authority_name(NULL, 0, buf, 64, &count), NUL);
    CHECK_RC(partcert_blocklist_list_authority_name(blocklist, 0, buf, 64, NULL), NUL);
    CHECK(state == 99 && flag && count == 99 && u64 == 99 && s == NULL && outcome == 99 &&
          v == NULL);
}

static void null_arguments_to_issuing_and_helpers(void) {
    uint8_t seed[32], key[32], id[32], nonce[32];
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    partcert_blocklist_entries *entries = NULL;
    partcert_role role = 99;
    const uint8_t *data = NULL;
    size_t len = 99, count = 99;
    uint64_t imei = 99;
    char buf[64];
    partcert_object_type type = 99;
    const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
    partcert_part_spec spec = {.kind = PARTCERT_PART_KIND_SCREEN,
                               .manufacturer = "Acme", .manufacturer_len = 4,
                               .model = "A1", .model_len = 2,
                               .serial = "S", .serial_len = 1};
    partcert_slice slice = {bdata(w.screen_a), blen(w.screen_a)};
    partcert_str makers[] = {str_of("Acme")};
    partcert_revoked_key revoked;
    seed_of(seed, 9);
    memset(&revoked, 0, sizeof revoked);
    seed_of(nonce, 3);
    OK(partcert_public_key_from_seed(seed, key));

    CHECK_RC(partcert_bytes_data(NULL, &data, &len), NUL);
    CHECK_RC(partcert_bytes_data(w.s1, NULL, &len), NUL);
    CHECK_RC(partcert_bytes_data(w.s1, &data, NULL), NUL);
    CHECK_RC(partcert_secret_key_generate(NULL), NUL);
    CHECK_RC(partcert_public_key_from_seed(NULL, key), NUL);
    CHECK_RC(partcert_public_key_from_seed(seed, NULL), NUL);
    CHECK_RC(partcert_public_key_id(NULL, id), NUL);
    CHECK_RC(partcert_public_key_id(key, NULL), NUL);
    CHECK_RC(partcert_authority_new_manufacturer_root(NULL, "R", 1, makers, 1, T0, YEARS(1),
                                                      &a), NUL);
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, NULL, 1, makers, 1, T0, YEARS(1),
                                                      &a), NUL);
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, NULL, 1, T0, YEARS(1), &a),
             NUL);
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                      NULL), NUL);
    makers[0].data = NULL;
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                      &a), NUL);
    makers[0] = str_of("Acme");
    CHECK_RC(partcert_authority_new_blocklist_root(NULL, "R", 1, T0, YEARS(1), &a), NUL);
    CHECK_RC(partcert_authority_new_blocklist_root(seed, NULL, 1, T0, YEARS(1), &a), NUL);
    CHECK_RC(partcert_authority_new_blocklist_root(seed, "R", 1, T0, YEARS(1), NULL), NUL);
    CHECK_RC(partcert_authority_new(NULL, bdata(w.line_cert), blen(w.line_cert), &a), NUL);
    CHECK_RC(partcert_authority_new(seed, NULL, 4, &a), NUL);
    CHECK_RC(partcert_authority_new(seed, bdata(w.line_cert), blen(w.line_cert), NULL), NUL);
    CHECK_RC(partcert_authority_certificate(NULL, &out), NUL);
    CHECK_RC(partcert_authority_certificate(w.root, NULL), NUL);
    CHECK_RC(partcert_authority_role(NULL, &role), NUL);
    CHECK_RC(partcert_authority_role(w.root, NULL), NUL);
    CHECK_RC(partcert_authority_key_id(NULL, id), NUL);
    CHECK_RC(partcert_authority_key_id(w.root, NULL), NUL);
    CHECK_RC(partcert_authority_certify_part_issuer(NULL, "L", 1, key, kinds, 1, makers, 1, 9,
                                                    T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, NULL, 1, key, kinds, 1, makers, 1,
                                                    9, T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, NULL, kinds, 1, makers, 1,
                                                    9, T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, NULL, 1, makers, 1, 9,
                                                    T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 1, NULL, 1, 9,
                                                    T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 1, makers, 1, 9,
                                                    T0, YEARS(1), NULL), NUL);
    CHECK_RC(partcert_authority_certify_pairing_service(NULL, "P", 1, key, 9, T0, YEARS(1),
                                                        &out), NUL);
    CHECK_RC(partcert_authority_certify_pairing_service(w.root, NULL, 1, key, 9, T0, YEARS(1),
                                                        &out), NUL);
    CHECK_RC(partcert_authority_certify_pairing_service(w.root, "P", 1, NULL, 9, T0, YEARS(1),
                                                        &out), NUL);
    CHECK_RC(partcert_authority_certify_pairing_service(w.root, "P", 1, key, 9, T0, YEARS(1),
                                                        NULL), NUL);
    CHECK_RC(partcert_authority_certify_blocklist_authority(NULL, "B", 1, key, 1, 9, T0,
                                                            YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.register_root, NULL, 1, key, 1, 9,
                                                            T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.register_root, "B", 1, NULL, 1, 9,
                                                            T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.register_root, "B", 1, key, 1, 9,
                                                            T0, YEARS(1), NULL), NUL);
    CHECK_RC(partcert_authority_certify_part(NULL, &spec, 1, T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part(w.line, NULL, 1, T0, YEARS(1), &out), NUL);
    CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), NULL), NUL);
    spec.serial = NULL;
    CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out), NUL);
    spec.serial = "S";
    spec.imei_count = 1;
    CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out), NUL);
    spec.imei_count = 0;
    CHECK_RC(partcert_authority_pair(NULL, bdata(w.board_a), blen(w.board_a), &slice, 1, 1,
                                     PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out), NUL);
    CHECK_RC(partcert_authority_pair(w.pairing, NULL, 3, &slice, 1, 1,
                                     PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out), NUL);
    CHECK_RC(partcert_authority_pair(w.pairing, bdata(w.board_a), blen(w.board_a), NULL, 1, 1,
                                     PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out), NUL);
    CHECK_RC(partcert_authority_pair(w.pairing, bdata(w.board_a), blen(w.board_a), &slice, 1,
                                     1, PARTCERT_PAIRING_EVENT_REPAIR, NOW, NULL), NUL);
    slice.data = NULL;
    CHECK_RC(partcert_authority_pair(w.pairing, bdata(w.board_a), blen(w.board_a), &slice, 1,
                                     1, PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out), NUL);
    CHECK_RC(partcert_blocklist_entries_new(NULL), NUL);
    OK(partcert_blocklist_entries_new(&entries));
    CHECK_RC(partcert_blocklist_entries_add_handset(NULL, IMEI_A, PARTCERT_REASON_STOLEN, NOW,
                                                    PARTCERT_LISTING_STATUS_FINAL), NUL);
    CHECK_RC(partcert_blocklist_entries_add_reported_handset(NULL, bdata(w.record_a),
                                                             blen(w.record_a),
                                                             PARTCERT_REASON_STOLEN, NOW,
                                                             PARTCERT_LISTING_STATUS_FINAL),
             NUL);
    CHECK_RC(partcert_blocklist_entries_add_reported_handset(entries, NULL, 2,
                                                             PARTCERT_REASON_STOLEN, NOW,
                                                             PARTCERT_LISTING_STATUS_FINAL),
             NUL);
    CHECK_RC(partcert_blocklist_entries_add_part(NULL, id, PARTCERT_REASON_STOLEN, NOW,
                                                 PARTCERT_LISTING_STATUS_FINAL, NULL), NUL);
    CHECK_RC(partcert_blocklist_entries_add_part(entries, NULL, PARTCERT_REASON_STOLEN, NOW,
                                                 PARTCERT_LISTING_STATUS_FINAL, NULL), NUL);
    CHECK_RC(partcert_blocklist_entries_count(NULL, &count), NUL);
    CHECK_RC(partcert_blocklist_entries_count(entries, NULL), NUL);
    CHECK_RC(partcert_authority_publish_snapshot(NULL, PUBLISHER_EPOCH, 1, NOW, NOW, entries,
                                                 &out), NUL);
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 1, NOW, NOW, NULL,
                                                 &out), NUL);
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 1, NOW, NOW,
                                                 entries, NULL), NUL);
    CHECK_RC(partcert_authority_publish_delta(NULL, bdata(w.s1), blen(w.s1), bdata(w.s2),
                                              blen(w.s2), &out), NUL);
    CHECK_RC(partcert_authority_publish_delta(w.publisher, NULL, 1, bdata(w.s2), blen(w.s2),
                                              &out), NUL);
    CHECK_RC(partcert_authority_publish_delta(w.publisher, bdata(w.s1), blen(w.s1), NULL, 1,
                                              &out), NUL);
    CHECK_RC(partcert_authority_publish_delta(w.publisher, bdata(w.s1), blen(w.s1),
                                              bdata(w.s2), blen(w.s2), NULL), NUL);
    CHECK_RC(partcert_authority_revoke(NULL, 1, NOW, NULL, 0, &out), NUL);
    CHECK_RC(partcert_authority_revoke(w.root, 1, NOW, NULL, 1, &out), NUL);
    CHECK_RC(partcert_authority_revoke(w.root, 1, NOW, NULL, 0, NULL), NUL);
    CHECK_RC(partcert_authority_revoke(w.root, 1, NOW, &revoked, 1, NULL), NUL);
    CHECK_RC(partcert_challenge_generate(NULL), NUL);
    CHECK_RC(partcert_challenge_respond(NULL, nonce, bdata(w.battery_a), blen(w.battery_a),
                                        &out), NUL);
    CHECK_RC(partcert_challenge_respond(seed, NULL, bdata(w.battery_a), blen(w.battery_a),
                                        &out), NUL);
    CHECK_RC(partcert_challenge_respond(seed, nonce, NULL, 1, &out), NUL);
    CHECK_RC(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                        NULL), NUL);
    CHECK_RC(partcert_result_message(400, NULL, 5, &len), NUL);
    CHECK_RC(partcert_result_message(400, buf, sizeof buf, NULL), NUL);
    CHECK_RC(partcert_result_name(400, buf, sizeof buf, NULL), NUL);
    CHECK_RC(partcert_imei_parse(NULL, 15, &imei), NUL);
    CHECK_RC(partcert_imei_parse("356938035643809", 15, NULL), NUL);
    CHECK_RC(partcert_imei_with_check_digit(35693803564380ULL, NULL), NUL);
    CHECK_RC(partcert_part_kind_name(1, buf, sizeof buf, NULL), NUL);
    CHECK_RC(partcert_object_type_of(NULL, 8, &type), NUL);
    CHECK_RC(partcert_object_type_of(bdata(w.s1), blen(w.s1), NULL), NUL);
    CHECK(a == NULL && out == NULL && role == 99 && data == NULL && len == 99 && count == 99 &&
          imei == 99 && type == 99);
    partcert_blocklist_entries_free(entries);
}

/* Truncated (100) and trailing (101) bytes, wrong magic (102), wrong type
 * (105), at every decoding entry point. */
static void malformed_bytes_at_every_decoder(void) {
    buffer *b;
    partcert_part_evidence *part = NULL;
    partcert_handset_evidence *hand = NULL;
    partcert_blocklist *list = NULL;
    partcert_trust_store *trust = NULL;
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    uint8_t id[32], seed[32], nonce[32] = {0};
    uint64_t sequence = 0;
    partcert_list_version version = {0, 0};
    partcert_object_type type = 0;
    seed_of(seed, 2);
    OK(partcert_trust_store_new(&trust));
    OK(partcert_blocklist_new(&list));

    /* A certificate, cut short and with a byte too many. */
    b = copy_of(w.screen_d);
    CHECK_RC(partcert_part_evidence_new(b->data, b->len - 1, &part), PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_new(b->data, b->len - 70, &part), PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_new(b->data, 0, &part), PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_new(NULL, 0, &part), PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_part_evidence_new(b->data, b->len + 1, &part),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK(part == NULL);
    CHECK_RC(partcert_part_evidence_add_chain_certificate(evidence, b->data, b->len - 1),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_add_chain_certificate(evidence, b->data, b->len + 1),
             PARTCERT_RESULT_TRAILING_BYTES);
    b = copy_of(w.root_cert);
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, b->data, b->len - 1, id),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 7;
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, b->data, b->len + 1, id),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_RC(partcert_trust_store_add_blocklist_root(trust, b->data, b->len - 1, id),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_authority_new(seed, b->data, b->len - 1, &a), PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_challenge_respond(seed, nonce, b->data, b->len + 1, &out),
             PARTCERT_RESULT_TRAILING_BYTES);
    /* Not partcert at all, and a certificate where a record belongs. */
    b->data[0] ^= 0xff;
    CHECK_RC(partcert_part_evidence_new(b->data, b->len, &part), PARTCERT_RESULT_BAD_MAGIC);
    CHECK_RC(partcert_object_type_of(b->data, b->len, &type), PARTCERT_RESULT_BAD_MAGIC);
    CHECK_RC(partcert_object_type_of(b->data, 2, &type), PARTCERT_RESULT_TRUNCATED);
    CHECK(type == 0);
    CHECK_RC(partcert_part_evidence_set_pairing_record(evidence, bdata(w.screen_d),
                                                       blen(w.screen_d)),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_part_evidence_new(bdata(w.record_d), blen(w.record_d), &part),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.delta12),
                                               blen(w.delta12), NOW, &version),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                            &version),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_trust_store_apply_revocation_list(trust, bdata(w.s1), blen(w.s1),
                                                        &sequence),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, bdata(w.s1), blen(w.s1)),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);

    /* A pairing record. */
    b = copy_of(w.record_d);
    CHECK_RC(partcert_part_evidence_set_pairing_record(evidence, b->data, b->len - 1),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_part_evidence_set_pairing_record(evidence, b->data, b->len + 1),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_RC(partcert_handset_evidence_new(b->data, b->len - 1, &hand),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_handset_evidence_new(b->data, b->len + 1, &hand),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK(hand == NULL);

    /* Snapshots and deltas. */
    b = copy_of(w.s2);
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, b->data, b->len - 1, NOW,
                                               &version),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, b->data, b->len + 1, NOW,
                                               &version),
             PARTCERT_RESULT_TRAILING_BYTES);
    b = copy_of(w.delta12);
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, b->data, b->len - 1, NOW,
                                            &version),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, b->data, b->len + 1, NOW,
                                            &version),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK(version.epoch == 0 && version.sequence == 0);
    {
        partcert_blocklist_entries *entries = NULL;
        OK(partcert_blocklist_entries_new(&entries));
        b = copy_of(w.record_a);
        CHECK_RC(partcert_blocklist_entries_add_reported_handset(
                     entries, b->data, b->len - 1, PARTCERT_REASON_STOLEN, NOW,
                     PARTCERT_LISTING_STATUS_FINAL),
                 PARTCERT_RESULT_TRUNCATED);
        b = copy_of(w.s1);
        CHECK_RC(partcert_authority_publish_delta(w.publisher, b->data, b->len - 1,
                                                  bdata(w.s2), blen(w.s2), &out),
                 PARTCERT_RESULT_TRUNCATED);
        partcert_blocklist_entries_free(entries);
    }

    /* Revocation lists and challenge responses. */
    {
        partcert_bytes *revocation = NULL, *response = NULL;
        OK(partcert_authority_revoke(w.root, 1, T0, NULL, 0, &revocation));
        b = copy_of(revocation);
        CHECK_RC(partcert_trust_store_apply_revocation_list(trust, b->data, b->len - 1,
                                                            &sequence),
                 PARTCERT_RESULT_TRUNCATED);
        b->data[b->len] = 0;
        CHECK_RC(partcert_trust_store_apply_revocation_list(trust, b->data, b->len + 1,
                                                            &sequence),
                 PARTCERT_RESULT_TRAILING_BYTES);
        seed_of(seed, BATTERY_SEED);
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response));
        b = copy_of(response);
        CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, b->data, b->len - 1),
                 PARTCERT_RESULT_TRUNCATED);
        b->data[b->len] = 0;
        CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, b->data, b->len + 1),
                 PARTCERT_RESULT_TRAILING_BYTES);
        partcert_bytes_free(revocation);
        partcert_bytes_free(response);
    }

    /* The persisted anti-rollback state: it ends in a checksum over every
     * byte before it, so a copy cut short or with a byte too many no longer
     * matches it (112); too short for its header it is truncated. */
    {
        uint8_t state[PARTCERT_MAX_ROLLBACK_STATE_LEN + 1];
        size_t len = 0;
        partcert_blocklist *full = blocklist_at_s2(&w);
        OK(partcert_blocklist_rollback_state(full, state, sizeof state, &len));
        CHECK_RC(partcert_blocklist_new_with_rollback_state(state, len - 1, &list),
                 PARTCERT_RESULT_CORRUPT_STATE);
        CHECK_RC(partcert_blocklist_new_with_rollback_state(state, 3, &list),
                 PARTCERT_RESULT_TRUNCATED);
        state[len] = 0;
        CHECK_RC(partcert_blocklist_new_with_rollback_state(state, len + 1, &list),
                 PARTCERT_RESULT_CORRUPT_STATE);
        state[4] ^= 0x7f;
        CHECK_RC(partcert_blocklist_new_with_rollback_state(state, len, &list),
                 PARTCERT_RESULT_UNSUPPORTED_VERSION);
        state[0] = 'X';
        CHECK_RC(partcert_blocklist_new_with_rollback_state(state, len, &list),
                 PARTCERT_RESULT_BAD_MAGIC);
        partcert_blocklist_free(full);
    }
    CHECK(a == NULL && out == NULL);
    partcert_blocklist_free(list);
    partcert_trust_store_free(trust);
}

/* A string or bytes result in a buffer that is too small: 501, the length
 * needed reported, and not one byte of the buffer written. */
static void buffers_too_small(void) {
    char buf[256], summary[256];
    uint8_t state[PARTCERT_MAX_ROLLBACK_STATE_LEN], copy[PARTCERT_MAX_ROLLBACK_STATE_LEN];
    size_t len = 0, needed = 0;
    const char *expected = "genuine (serial-only), used, clean";

    /* Ask for the length with no buffer at all. */
    CHECK_RC(partcert_verdict_summary(verdict, NULL, 0, &needed),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(needed == strlen(expected));
    /* Room for the text but not its NUL. */
    memset(buf, 'X', sizeof buf);
    CHECK_RC(partcert_verdict_summary(verdict, buf, needed, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == needed);
    for (size_t i = 0; i < sizeof buf; i++) CHECK(buf[i] == 'X');
    CHECK_RC(partcert_verdict_summary(verdict, buf, 1, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(buf[0] == 'X');
    /* Exactly enough. */
    OK(partcert_verdict_summary(verdict, buf, needed + 1, &len));
    CHECK_STR(buf, expected);
    CHECK(buf[needed + 1] == 'X');
    OK(partcert_verdict_summary(verdict, summary, sizeof summary, &len));
    CHECK_STR(summary, expected);

    /* The same for every other string out. */
    memset(buf, 'X', sizeof buf);
    CHECK_RC(partcert_verdict_json(verdict, buf, 10, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len > 10 && buf[0] == 'X');
    CHECK_RC(partcert_verdict_serial(verdict, buf, 5, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 5 && buf[0] == 'X');
    CHECK_RC(partcert_verdict_manufacturer(verdict, buf, 4, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_verdict_model(verdict, buf, 2, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_verdict_part_kind_name(verdict, buf, 6, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_verdict_issuer_name(verdict, buf, 3, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_verdict_root_name(verdict, buf, 3, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_verdict_provenance_service_name(verdict, buf, 3, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_blocklist_status_list_authority_name(status, 0, buf, 3, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_blocklist_list_authority_name(blocklist, 0, buf, 3, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_handset_report_part_message(report, 0, buf, 2, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(partcert_handset_report_json(report, buf, 64, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len > 64);
    CHECK_RC(partcert_result_message(400, buf, 5, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == strlen("blocklist rollback refused"));
    CHECK_RC(partcert_result_name(400, buf, 8, &len), PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 8);
    CHECK_RC(partcert_part_kind_name(PARTCERT_PART_KIND_SCREEN, buf, 6, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    for (size_t i = 0; i < sizeof buf; i++) CHECK(buf[i] == 'X');

    /* Bytes out have no terminator: exactly the length is enough. */
    OK(partcert_blocklist_rollback_state(blocklist, NULL, 0, &needed) ==
               PARTCERT_RESULT_BUFFER_TOO_SMALL
           ? PARTCERT_RESULT_OK
           : PARTCERT_RESULT_PANIC);
    memset(state, 0xAB, sizeof state);
    memset(copy, 0xAB, sizeof copy);
    CHECK_RC(partcert_blocklist_rollback_state(blocklist, state, needed - 1, &len),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == needed);
    CHECK(memcmp(state, copy, sizeof state) == 0);
    OK(partcert_blocklist_rollback_state(blocklist, state, needed, &len));
    CHECK(len == needed);
    CHECK(state[needed] == 0xAB);
}

/* Tampered objects: a signature that no longer verifies. */
static void bad_signatures(void) {
    buffer *b;
    partcert_part_evidence *part = NULL;
    partcert_verdict *v = NULL;
    partcert_blocklist *list = NULL;
    partcert_trust_store *trust = NULL;
    partcert_list_version version = {0, 0};
    uint8_t id[32];

    /* A part certificate with one bit flipped in its signature. */
    b = copy_of(w.screen_d);
    b->data[b->len - 1] ^= 1;
    OK(partcert_part_evidence_new(b->data, b->len, &part));
    OK(partcert_part_evidence_add_chain_certificate(part, bdata(w.line_cert),
                                                    blen(w.line_cert)));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v),
             PARTCERT_RESULT_BAD_SIGNATURE);
    CHECK(v == NULL);
    partcert_part_evidence_free(part);

    /* A serial rewritten in the certificate body ("SCR-D" → "SCR-E"). */
    b = copy_of(w.screen_d);
    for (size_t i = 0; i + 5 <= b->len; i++) {
        if (memcmp(b->data + i, "SCR-D", 5) == 0) b->data[i + 4] = 'E';
    }
    OK(partcert_part_evidence_new(b->data, b->len, &part));
    OK(partcert_part_evidence_add_chain_certificate(part, bdata(w.line_cert),
                                                    blen(w.line_cert)));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v),
             PARTCERT_RESULT_BAD_SIGNATURE);
    partcert_part_evidence_free(part);

    /* A snapshot with a flipped signature bit. */
    OK(partcert_blocklist_new(&list));
    b = copy_of(w.s2);
    b->data[b->len - 3] ^= 0x10;
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, b->data, b->len, NOW, &version),
             PARTCERT_RESULT_BAD_SIGNATURE);
    CHECK(version.epoch == 0 && version.sequence == 0);
    {
        size_t count = 9;
        OK(partcert_blocklist_list_count(list, &count));
        CHECK(count == 0); /* all-or-nothing */
    }
    partcert_blocklist_free(list);

    /* A root whose self-signature is broken. */
    OK(partcert_trust_store_new(&trust));
    b = copy_of(w.root_cert);
    b->data[b->len - 1] ^= 1;
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, b->data, b->len, id),
             PARTCERT_RESULT_NOT_SELF_SIGNED);
    /* Roots pinned in the wrong slot. */
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, bdata(w.register_cert),
                                                        blen(w.register_cert), id),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_trust_store_add_blocklist_root(trust, bdata(w.root_cert),
                                                     blen(w.root_cert), id),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A blocklist signed by a root this store does not pin. */
    OK(partcert_blocklist_new(&list));
    CHECK_RC(partcert_blocklist_apply_snapshot(list, trust, bdata(w.s2), blen(w.s2), NOW,
                                               &version),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    partcert_blocklist_free(list);
    partcert_trust_store_free(trust);
}

/* Blocklist state: rollback (400), a delta from another base (402), two
 * different lists with one version (404), a version past the largest
 * (405), a delegated key outside its epoch (406). */
static void blocklist_state_errors(void) {
    partcert_blocklist *list = NULL;
    partcert_blocklist_entries *entries = NULL;
    partcert_bytes *other2 = NULL, *s3 = NULL, *delta23 = NULL;
    partcert_list_version version = {0, 0};

    OK(partcert_blocklist_new(&list));
    /* A delta with no base held. */
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12),
                                            NOW, &version),
             PARTCERT_RESULT_DELTA_BASE_MISMATCH);
    OK(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.s1), blen(w.s1), NOW,
                                         &version));
    /* A delta from 2 to 3 while 1 is held. */
    OK(partcert_blocklist_entries_new(&entries));
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, S2_AT + DAY,
                                           S2_AT + LIST_LIFE, entries, &s3));
    OK(partcert_authority_publish_delta(w.publisher, bdata(w.s2), blen(w.s2), bdata(s3),
                                        blen(s3), &delta23));
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(delta23), blen(delta23), NOW,
                                            &version),
             PARTCERT_RESULT_DELTA_BASE_MISMATCH);
    OK(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12), NOW,
                                      &version));
    OK(partcert_blocklist_apply_delta(list, w.trust, bdata(delta23), blen(delta23), NOW,
                                      &version));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 3);
    /* Going back. */
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                               &version),
             PARTCERT_RESULT_ROLLBACK);
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12),
                                            NOW, &version),
             PARTCERT_RESULT_ROLLBACK);
    /* A different list claiming epoch 1 sequence 3. */
    OK(partcert_blocklist_entries_add_handset(entries, IMEI_D, PARTCERT_REASON_FRAUD, NOW,
                                              PARTCERT_LISTING_STATUS_FINAL));
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, S2_AT + DAY,
                                           S2_AT + LIST_LIFE, entries, &other2));
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, bdata(other2), blen(other2), NOW,
                                               &version),
             PARTCERT_RESULT_CONFLICTING_SEQUENCE);
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 3);
    /* Past the largest epoch or sequence: refused when signing. */
    partcert_bytes_free(other2);
    other2 = NULL;
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, UINT64_MAX,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2),
             PARTCERT_RESULT_SEQUENCE_LEAP);
    CHECK_RC(partcert_authority_publish_snapshot(w.register_root, PARTCERT_MAX_SEQUENCE + 1, 1,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2),
             PARTCERT_RESULT_SEQUENCE_LEAP);
    /* The delegated publisher signs in its own epoch only, before or after. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH - 1, 9,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2),
             PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH + 1, 1,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2),
             PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
    /* Nor outside its certificate's validity. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 9, YEARS(25),
                                                 YEARS(25) + DAY, entries, &other2),
             PARTCERT_RESULT_EXPIRED);
    CHECK(other2 == NULL);
    /* Two entries for one key in a snapshot. */
    OK(partcert_blocklist_entries_add_handset(entries, IMEI_D, PARTCERT_REASON_STOLEN, NOW,
                                              PARTCERT_LISTING_STATUS_FINAL));
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 4, NOW,
                                                 NOW + DAY, entries, &other2),
             PARTCERT_RESULT_NOT_CANONICAL);
    CHECK(other2 == NULL);
    /* A snapshot that expires before it is issued. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 4, NOW, NOW - 1,
                                                 entries, &other2),
             PARTCERT_RESULT_INVALID_FIELD);
    partcert_bytes_free(s3);
    partcert_bytes_free(delta23);
    partcert_blocklist_entries_free(entries);
    partcert_blocklist_free(list);
}

/* Arguments out of range: unknown enum values, indexes past the end, bad
 * IMEIs, invalid UTF-8, invalid keys. */
static void arguments_out_of_range(void) {
    uint8_t seed[32], key[32], id[32];
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    partcert_blocklist_entries *entries = NULL;
    uint64_t imei = 0;
    size_t len = 0;
    char buf[64];
    partcert_listing listing;
    partcert_list_checked list;
    partcert_list_info info;
    partcert_paired_part missing;
    partcert_verdict *v = NULL;
    partcert_result outcome = 0;
    const uint64_t bad_imei = 356938035643808ULL;
    seed_of(seed, 9);
    OK(partcert_public_key_from_seed(seed, key));
    OK(partcert_blocklist_entries_new(&entries));

    CHECK_RC(partcert_authority_pair(w.pairing, bdata(w.board_a), blen(w.board_a), NULL, 0, 1,
                                     0, NOW, &out), ARG);
    CHECK_RC(partcert_blocklist_entries_add_handset(entries, IMEI_A, 0,
                                                    NOW, PARTCERT_LISTING_STATUS_FINAL), ARG);
    CHECK_RC(partcert_blocklist_entries_add_handset(entries, IMEI_A, PARTCERT_REASON_STOLEN,
                                                    NOW, 3), ARG);
    CHECK_RC(partcert_blocklist_entries_add_part(entries, id, 9, NOW,
                                                 PARTCERT_LISTING_STATUS_FINAL, NULL), ARG);
    CHECK_RC(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                             blen(w.record_a), 4, NOW,
                                                             PARTCERT_LISTING_STATUS_FINAL),
             ARG);

    /* Indexes past the end. */
    CHECK_RC(partcert_verdict_imei(verdict, 0, &imei), ARG); /* a screen has no IMEI */
    CHECK_RC(partcert_verdict_provenance_imei(verdict, 1, &imei), ARG);
    CHECK_RC(partcert_blocklist_status_listing(status, 0, &listing), ARG); /* clean */
    CHECK_RC(partcert_blocklist_status_listing_authority_name(status, 0, buf, 64, &len), ARG);
    CHECK_RC(partcert_blocklist_status_list(status, 1, &list), ARG);
    CHECK_RC(partcert_blocklist_status_list_authority_name(status, 1, buf, 64, &len), ARG);
    CHECK_RC(partcert_blocklist_list(blocklist, 1, &info), ARG);
    CHECK_RC(partcert_blocklist_list_authority_name(blocklist, 1, buf, 64, &len), ARG);
    CHECK_RC(partcert_handset_report_imei(report, 1, &imei), ARG);
    CHECK_RC(partcert_handset_report_part_outcome(report, 5, &outcome), ARG);
    CHECK_RC(partcert_handset_report_part_message(report, 5, buf, 64, &len), ARG);
    CHECK_RC(partcert_handset_report_part_fingerprint(report, 5, id), ARG);
    CHECK_RC(partcert_handset_report_part_verdict(report, 5, &v), ARG);
    CHECK_RC(partcert_handset_report_missing(report, 1, &missing), ARG); /* only the board is missing */
    CHECK_RC(partcert_verdict_mismatched_imei(verdict, 0, &imei), ARG);
    CHECK_RC(partcert_handset_report_mismatched_modem_imei(report, 0, &imei), ARG);
    CHECK_RC(partcert_blocklist_status_list_outdated_by_name(status, 0, buf, 64, &len), ARG);
    CHECK_RC(partcert_blocklist_status_list_outdated_by_name(status, 1, buf, 64, &len), ARG);
    {
        /* A verdict without provenance has no provenance fields. */
        partcert_part_evidence *bare = evidence_for(&w, w.screen_d);
        partcert_verdict *plain = NULL;
        OK(partcert_verify_part(w.trust, NULL, NULL, 0, bare, NOW, &plain));
        CHECK_RC(partcert_verdict_provenance_imei(plain, 0, &imei), ARG);
        CHECK_RC(partcert_verdict_provenance_service_name(plain, buf, 64, &len), ARG);
        partcert_verdict_free(plain);
        partcert_part_evidence_free(bare);
    }
    CHECK(imei == 0 && v == NULL && outcome == 0);

    /* IMEIs: a wrong check digit, too many digits, text. */
    CHECK_RC(partcert_imei_parse("356938035643808", 15, &imei), PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_imei_parse("35693803564380", 14, &imei), PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_imei_parse("35693803564380X", 15, &imei), PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_imei_with_check_digit(100000000000000ULL, &imei),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK(imei == 0);
    CHECK_RC(partcert_part_evidence_add_presented_imei(evidence, bad_imei),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_handset_evidence_add_modem_imei(handset, 1000000000000000ULL),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_blocklist_entries_add_handset(entries, bad_imei, PARTCERT_REASON_STOLEN,
                                                    NOW, PARTCERT_LISTING_STATUS_FINAL),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_blocklist_entries_add_part(entries, id, PARTCERT_REASON_STOLEN, NOW,
                                                 PARTCERT_LISTING_STATUS_FINAL, &bad_imei),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_verify_part(w.trust, NULL, &bad_imei, 1, evidence, NOW, &v),
             PARTCERT_RESULT_INVALID_IMEI);
    {
        partcert_part_spec spec = {.kind = PARTCERT_PART_KIND_BOARD,
                                   .manufacturer = "Acme", .manufacturer_len = 4,
                                   .model = "A1", .model_len = 2,
                                   .serial = "B", .serial_len = 1,
                                   .imeis = &bad_imei, .imei_count = 1};
        CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
                 PARTCERT_RESULT_INVALID_IMEI);
        /* Invalid UTF-8 in a string in. */
        spec.imei_count = 0;
        spec.model = "\xff\xfe";
        CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
                 PARTCERT_RESULT_INVALID_UTF8);
        /* A serial over its bound. */
        spec.model = "A1";
        spec.serial = "0123456789012345678901234567890123456789012345678901234567890123456789";
        spec.serial_len = strlen(spec.serial);
        CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
                 PARTCERT_RESULT_LENGTH_OVER_BOUND);
    }
    {
        partcert_str makers[] = {str_of("Acme")};
        const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
        CHECK_RC(partcert_authority_new_manufacturer_root(seed, "\xc3\x28", 2, makers, 1, T0,
                                                          YEARS(1), &a),
                 PARTCERT_RESULT_INVALID_UTF8);
        CHECK_RC(partcert_authority_new_blocklist_root(seed, "\xc3\x28", 2, T0, YEARS(1), &a),
                 PARTCERT_RESULT_INVALID_UTF8);
        makers[0] = str_of("\xc3\x28");
        CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                          &a),
                 PARTCERT_RESULT_INVALID_UTF8);
        CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 1, makers, 1,
                                                        9, T0, YEARS(1), &out),
                 PARTCERT_RESULT_INVALID_UTF8);
        /* Invalid fields: a root naming no maker, a line permitted no kind,
         * a maker name against the text rules, a name with a control
         * character, a validity that ends before it starts, a board
         * without an IMEI, a serial in lower case. */
        CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, NULL, 0, T0, YEARS(1),
                                                          &a),
                 PARTCERT_RESULT_INVALID_FIELD);
        makers[0] = str_of("Acme");
        CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, NULL, 0, makers, 1,
                                                        9, T0, YEARS(1), &out),
                 PARTCERT_RESULT_INVALID_FIELD);
        makers[0] = str_of(" Acme");
        CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                          &a),
                 PARTCERT_RESULT_INVALID_FIELD);
        CHECK_RC(partcert_authority_new_blocklist_root(seed, "Op\x01", 3, T0, YEARS(1), &a),
                 PARTCERT_RESULT_INVALID_FIELD);
        CHECK_RC(partcert_authority_certify_pairing_service(w.root, "P", 1, key, 9, YEARS(1), T0,
                                                            &out),
                 PARTCERT_RESULT_INVALID_FIELD);
        {
            partcert_part_spec spec = {.kind = PARTCERT_PART_KIND_BOARD,
                                       .manufacturer = "Acme", .manufacturer_len = 4,
                                       .model = "A1", .model_len = 2,
                                       .serial = "BRD-9", .serial_len = 5};
            CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
                     PARTCERT_RESULT_INVALID_FIELD);
            spec.kind = PARTCERT_PART_KIND_SCREEN;
            spec.serial = "scr-9";
            CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
                     PARTCERT_RESULT_INVALID_FIELD);
        }
    }
    CHECK_RC(partcert_imei_parse("\xff", 1, &imei), PARTCERT_RESULT_INVALID_UTF8);
    /* A 32-byte string that is no Ed25519 point. */
    {
        uint8_t not_a_point[32];
        int found = 0;
        for (int first = 0; first < 256 && !found; first++) {
            memset(not_a_point, 0, sizeof not_a_point);
            not_a_point[0] = (uint8_t)first;
            not_a_point[31] = 0x01;
            if (partcert_public_key_id(not_a_point, id) == PARTCERT_RESULT_INVALID_PUBLIC_KEY) found = 1;
        }
        CHECK(found);
        {
            const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
            partcert_str makers[] = {str_of("Acme")};
            CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, not_a_point, kinds, 1,
                                                            makers, 1, 9, T0, YEARS(1), &out),
                     PARTCERT_RESULT_INVALID_PUBLIC_KEY);
        }
        CHECK_RC(partcert_authority_certify_pairing_service(w.root, "P", 1, not_a_point, 9, T0,
                                                            YEARS(1), &out),
                 PARTCERT_RESULT_INVALID_PUBLIC_KEY);
        CHECK_RC(partcert_authority_certify_blocklist_authority(w.register_root, "B", 1,
                                                                not_a_point, 1, 9, T0, YEARS(1),
                                                                &out),
                 PARTCERT_RESULT_INVALID_PUBLIC_KEY);
    }
    CHECK(a == NULL && out == NULL && v == NULL);
    partcert_blocklist_entries_free(entries);
}

/* Authorities used outside their role, or with the wrong key. */
static void role_and_key_misuse(void) {
    uint8_t seed[32], key[32];
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    partcert_blocklist_entries *entries = NULL;
    const uint16_t camera[] = {PARTCERT_PART_KIND_REAR_CAMERA};
    partcert_part_spec spec = {.kind = PARTCERT_PART_KIND_REAR_CAMERA,
                               .manufacturer = "Acme", .manufacturer_len = 4,
                               .model = "A1", .model_len = 2,
                               .serial = "CAM-1", .serial_len = 5};
    partcert_str acme[] = {str_of("Acme")};
    seed_of(seed, 9);
    OK(partcert_public_key_from_seed(seed, key));
    OK(partcert_blocklist_entries_new(&entries));

    /* A line may not certify a kind it is not permitted. */
    CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
             PARTCERT_RESULT_KIND_NOT_PERMITTED);
    /* A line is no root, a pairing service no line, a manufacturer root
     * no registry, a registry no manufacturer. */
    CHECK_RC(partcert_authority_certify_part_issuer(w.line, "L", 1, key, camera, 1, acme, 1, 9,
                                                    T0, YEARS(1), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_part_issuer(w.register_root, "L", 1, key, camera, 1,
                                                    acme, 1, 9, T0, YEARS(1), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_pairing_service(w.line, "P", 1, key, 9, T0, YEARS(1),
                                                        &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_pairing_service(w.register_root, "P", 1, key, 9, T0,
                                                        YEARS(1), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.root, "B", 1, key, 1, 9, T0,
                                                            YEARS(1), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.publisher, "B", 1, key, 1, 9, T0,
                                                            YEARS(1), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    spec.kind = PARTCERT_PART_KIND_SCREEN;
    CHECK_RC(partcert_authority_certify_part(w.pairing, &spec, 1, T0, YEARS(1), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_pair(w.line, bdata(w.board_a), blen(w.board_a), NULL, 0, 1,
                                     PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_publish_snapshot(w.root, 0, 1, NOW, NOW + DAY, entries, &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_revoke(w.line, 1, NOW, NULL, 0, &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A pairing record needs a board first. */
    CHECK_RC(partcert_authority_pair(w.pairing, bdata(w.screen_a), blen(w.screen_a), NULL, 0, 1,
                                     PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out),
             PARTCERT_RESULT_INVALID_FIELD);
    /* A key that is not the certificate's. */
    CHECK_RC(partcert_authority_new(seed, bdata(w.line_cert), blen(w.line_cert), &a),
             PARTCERT_RESULT_KEY_MISMATCH);
    /* A part answers challenges with its own key only, and a part without
     * a key answers none. */
    {
        uint8_t nonce[PARTCERT_NONCE_LEN];
        OK(partcert_challenge_generate(nonce));
        CHECK_RC(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                            &out),
                 PARTCERT_RESULT_KEY_MISMATCH);
        CHECK_RC(partcert_challenge_respond(seed, nonce, bdata(w.screen_a), blen(w.screen_a),
                                            &out),
                 PARTCERT_RESULT_NO_PART_KEY);
    }
    /* A part certificate is no authority's. */
    CHECK_RC(partcert_authority_new(seed, bdata(w.screen_a), blen(w.screen_a), &a),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A delta between another authority's snapshots. */
    CHECK_RC(partcert_authority_publish_delta(w.root, bdata(w.s1), blen(w.s1), bdata(w.s2),
                                              blen(w.s2), &out),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A root pinned as a chain certificate does not make a part issuer. */
    {
        partcert_part_evidence *part = NULL;
        partcert_verdict *v = NULL;
        OK(partcert_part_evidence_new(bdata(w.line_cert), blen(w.line_cert), &part));
        CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v),
                 PARTCERT_RESULT_ROLE_NOT_PERMITTED);
        partcert_part_evidence_free(part);
    }
    CHECK(a == NULL && out == NULL);
    partcert_blocklist_entries_free(entries);
}

/* More than 8 chain certificates is over the bound. */
static void chain_over_bound(void) {
    partcert_part_evidence *part = evidence_for(&w, w.screen_d);
    partcert_verdict *v = NULL;
    for (int i = 0; i < 8; i++) {
        OK(partcert_part_evidence_add_chain_certificate(part, bdata(w.line_cert),
                                                        blen(w.line_cert)));
    }
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v),
             PARTCERT_RESULT_LENGTH_OVER_BOUND);
    partcert_part_evidence_free(part);
}

/* Messages and names exist for every code, and unknown codes are named. */
static void every_code_has_a_message(void) {
    static const partcert_result codes[] = {
        100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 200, 201, 202, 203,
        204, 205, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 400, 401, 402, 403, 404,
        405, 406, 500, 501, 502, 503, 900,
    };
    char buf[128];
    size_t len = 0;
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        OK(partcert_result_message(codes[i], buf, sizeof buf, &len));
        CHECK(len > 0 && strcmp(buf, "unknown partcert result code") != 0);
        OK(partcert_result_name(codes[i], buf, sizeof buf, &len));
        CHECK(strcmp(buf, "Unknown") != 0);
    }
    OK(partcert_result_message(7, buf, sizeof buf, &len));
    CHECK_STR(buf, "unknown partcert result code");
    OK(partcert_result_name(999, buf, sizeof buf, &len));
    CHECK_STR(buf, "Unknown");
    OK(partcert_result_name(PARTCERT_RESULT_BUFFER_TOO_SMALL, buf, sizeof buf, &len));
    CHECK_STR(buf, "BufferTooSmall");
    /* The codes format version 2 added, as the core names them. */
    CHECK(PARTCERT_RESULT_CORRUPT_STATE == 112);
    CHECK(PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE == 307);
    CHECK(PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED == 308);
    CHECK(PARTCERT_RESULT_ROOT_MISMATCH == 309);
    CHECK(PARTCERT_RESULT_EPOCH_NOT_PERMITTED == 406);
    OK(partcert_result_name(PARTCERT_RESULT_EPOCH_NOT_PERMITTED, buf, sizeof buf, &len));
    CHECK_STR(buf, "EpochNotPermitted");
    OK(partcert_result_message(PARTCERT_RESULT_EPOCH_NOT_PERMITTED, buf, sizeof buf, &len));
    CHECK_STR(buf, "blocklist signer not permitted to sign this epoch");
    OK(partcert_result_message(PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE, buf, sizeof buf, &len));
    CHECK_STR(buf, "the board was paired by another manufacturer's pairing service");
    OK(partcert_result_message(PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED, buf, sizeof buf,
                               &len));
    CHECK_STR(buf, "issuer not permitted to certify this manufacturer's parts");
    OK(partcert_result_message(PARTCERT_RESULT_ROOT_MISMATCH, buf, sizeof buf, &len));
    CHECK_STR(buf, "the part names another root than its issuer's");
    OK(partcert_result_name(PARTCERT_RESULT_CORRUPT_STATE, buf, sizeof buf, &len));
    CHECK_STR(buf, "CorruptState");
    CHECK(PARTCERT_RESULT_PANIC == 900);
}

int main(void) {
    world_build(&w);
    /* Fixtures the cases share: the donor screen with its record. */
    blocklist = blocklist_at_s2(&w);
    evidence = evidence_for(&w, w.screen_d);
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d), blen(w.record_d)));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_part(handset, evidence));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));

    RUN(null_arguments_to_constructors_and_builders);
    RUN(null_arguments_to_verification);
    RUN(null_arguments_to_verdict_accessors);
    RUN(null_arguments_to_status_and_report_accessors);
    RUN(null_arguments_to_issuing_and_helpers);
    RUN(malformed_bytes_at_every_decoder);
    RUN(buffers_too_small);
    RUN(bad_signatures);
    RUN(blocklist_state_errors);
    RUN(arguments_out_of_range);
    RUN(role_and_key_misuse);
    RUN(chain_over_bound);
    RUN(every_code_has_a_message);

    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    world_free(&w);
    return h_finish("test_errors");
}
